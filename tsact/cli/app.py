"""The ``tsact`` command: typer wiring only; each command's work lives in its own module.

Exit status: 0 success, 1 the script failed (``exec``) or the replay diverged
(``replay``), 2 bad usage or input (one ``tsact: error:`` line on stderr).
"""

from __future__ import annotations

from typing import Annotated

import typer

from tsact import Limits, __version__

from .errors import reporting_input_errors

DEFAULT_LIMITS = Limits()

app = typer.Typer(
    name="tsact",
    help=(
        "Let an LLM act by writing TypeScript: run scripts against Python tools in a "
        "locked-down Deno sandbox, and inspect what they did."
    ),
    epilog=(
        "Try: `tsact exec examples/math_task.ts --tools examples/math_tools.py`, then "
        "`tsact inspect examples/runs/cities.json` and `tsact replay examples/runs/cities.json`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

ToolsOption = Annotated[
    list[str],
    typer.Option(
        "--tools",
        "-t",
        metavar="PATH.py[:ATTR]",
        help=(
            "Tools to offer: a Python file or module (every tsact.Tool in it), or FILE:ATTR "
            "for a tool or a list of tools. Repeat to combine."
        ),
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for programs instead of the human view.")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tsact {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Run TypeScript against Python tools in a locked-down Deno sandbox."""


@app.command("exec")
def exec_command(
    script: Annotated[
        str, typer.Argument(help="The TypeScript file to run (- reads standard input).")
    ],
    tools: ToolsOption = [],  # noqa: B006 (typer reads the default; it is never mutated)
    timeout: Annotated[
        float,
        typer.Option("--timeout", metavar="S", help="Wall-clock limit in seconds."),
    ] = DEFAULT_LIMITS.timeout_s,
    memory: Annotated[
        int,
        typer.Option("--memory", metavar="MB", help="Memory limit in MB."),
    ] = DEFAULT_LIMITS.memory_mb,
    fuel: Annotated[
        int,
        typer.Option(
            "--fuel",
            metavar="N",
            help="Deterministic work budget (loop iterations and function calls); 0 for none.",
        ),
    ] = DEFAULT_LIMITS.fuel or 0,
    typecheck: Annotated[
        bool,
        typer.Option(
            "--typecheck/--no-typecheck",
            help="Type-check the script first; type errors stop it before it runs.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run one script and show its console, tool calls and result.

    Exit status 0 when the script succeeded, 1 when it failed, 2 for bad usage.
    """
    from .exec_command import exec_script

    with reporting_input_errors():
        record = exec_script(
            script,
            tools,
            timeout_s=timeout,
            memory_mb=memory,
            fuel=fuel,
            typecheck=typecheck,
            as_json=as_json,
        )
    raise typer.Exit(0 if record.ok else 1)


@app.command("run")
def run_command(
    task: Annotated[str, typer.Argument(help="What the agent should do, in plain words.")],
    tools: ToolsOption = [],  # noqa: B006
    model: Annotated[
        str,
        typer.Option("--model", "-m", envvar="TSACT_MODEL", help="Model name at the endpoint."),
    ] = "gpt-4o-mini",
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL, else OpenAI). "
            "The key is read from $OPENAI_API_KEY.",
        ),
    ] = None,
    max_steps: Annotated[
        int, typer.Option("--max-steps", min=1, metavar="N", help="Model calls allowed.")
    ] = 8,
    typecheck: Annotated[
        bool,
        typer.Option("--typecheck/--no-typecheck", help="Type-check each script before it runs."),
    ] = True,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="tools: the model calls execute_typescript; text: fenced ts blocks "
            "(for models without tool calling).",
        ),
    ] = "tools",
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="S", help="Wall-clock limit per script.")
    ] = DEFAULT_LIMITS.timeout_s,
    memory: Annotated[
        int, typer.Option("--memory", metavar="MB", help="Memory limit per script in MB.")
    ] = DEFAULT_LIMITS.memory_mb,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run's JSON instead of the human view.")
    ] = False,
    save: Annotated[
        str | None,
        typer.Option("--save", metavar="FILE.json", help="Write the run's JSON to this file."),
    ] = None,
) -> None:
    """Give a task to the agent: the model writes TypeScript against the tools until done.

    Exit status 0 when the run ended with an answer, 1 when it did not (max steps, a
    model or endpoint failure), 2 for bad usage.
    """
    from .errors import InputError
    from .run_command import run_task

    with reporting_input_errors():
        if mode not in ("tools", "text"):
            raise InputError(f"--mode must be 'tools' or 'text', got {mode!r}")
        run = run_task(
            task,
            tools,
            model=model,
            base_url=base_url,
            max_steps=max_steps,
            typecheck=typecheck,
            mode="tools" if mode == "tools" else "text",
            timeout_s=timeout,
            memory_mb=memory,
            as_json=as_json,
            save=save,
        )
    raise typer.Exit(0 if run.status == "final_answer" else 1)


@app.command("inspect")
def inspect_command(
    file: Annotated[str, typer.Argument(help="A saved execution record or agent run (JSON).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Re-emit the file as normalised JSON.")
    ] = False,
    step: Annotated[
        int | None,
        typer.Option("--step", metavar="N", min=1, help="Show one step of an agent run."),
    ] = None,
) -> None:
    """Show a saved record or run: numbered source with the error marked, tool calls, console,
    result; for a run, every step (the model's reply, its code and record) and the output.
    """
    from .inspect_command import inspect_file

    with reporting_input_errors():
        inspect_file(file, as_json=as_json, step=step)


@app.command("replay")
def replay_command(
    file: Annotated[str, typer.Argument(help="A saved execution record or agent run (JSON).")],
    tools: ToolsOption = [],  # noqa: B006
    as_json: JsonOption = False,
) -> None:
    """Re-run recorded scripts and show where the outcome differs from the recording.

    Without --tools, offline: tool calls are answered from the recording, and a call it
    does not hold is a divergence. With --tools, live against the current tools: how to
    see what changing a tool changes. Exit status 0 when everything matches, 1 when
    anything diverges.
    """
    from .replay_command import replay_file

    with reporting_input_errors():
        matches = replay_file(file, tools, as_json=as_json)
    raise typer.Exit(0 if matches else 1)


@app.command("types")
def types_command(tools: ToolsOption = []) -> None:  # noqa: B006
    """Print the TypeScript declarations that scripts (and models) see for the tools."""
    from .types_command import print_types

    with reporting_input_errors():
        print_types(tools)


@app.command("check")
def check_command(
    script: Annotated[
        str, typer.Argument(help="The TypeScript file to check (- reads standard input).")
    ],
    tools: ToolsOption = [],  # noqa: B006
    as_json: JsonOption = False,
) -> None:
    """Type-check a script against the tools' declarations, without running it.

    Errors would stop a run; notes are only reported. Exit status 0 when nothing would
    stop it, 1 when something would, 2 for bad usage.
    """
    from .check_command import check_script

    with reporting_input_errors():
        diagnostics = check_script(script, tools, as_json=as_json)
    raise typer.Exit(1 if any(d.blocking for d in diagnostics) else 0)


@app.command("schema")
def schema_command(
    kind: Annotated[
        str, typer.Argument(help="record: an execution record; run: an agent run.")
    ] = "record",
) -> None:
    """Print the JSON Schema (draft 2020-12) of execution records or agent runs."""
    from .errors import InputError
    from .schema_command import print_schema

    with reporting_input_errors():
        if kind not in ("record", "run"):
            raise InputError(f"schema: expected 'record' or 'run', got {kind!r}")
        print_schema(kind)

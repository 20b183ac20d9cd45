"""The ``tsact`` command: typer wiring only; each command's work lives in its own module.

Exit status: 0 success, 1 the script failed (``exec``) or the replay diverged
(``replay``), 2 bad usage or input (one ``tsact: error:`` line on stderr).
"""

from __future__ import annotations

from typing import Annotated

import typer

from tsact import Limits, __version__

from .errors import reporting_input_errors
from .help import PlainCommand, PlainGroup

DEFAULT_LIMITS = Limits()

app = typer.Typer(
    name="tsact",
    cls=PlainGroup,
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
McpOption = Annotated[
    list[str],
    typer.Option(
        "--mcp",
        metavar='"COMMAND ARGS"',
        help=(
            "Tools of an MCP server started by this command line (stdio), such as "
            '"python weather_server.py"; "PREFIX=COMMAND ARGS" names them PREFIX_*. Repeat '
            "for more servers; combines with --tools."
        ),
    ),
]
FUEL_HELP = (
    "Fuel per script: a deterministic work budget, counted at every loop iteration and "
    "function call; 0 turns metering off."
)
FuelOption = Annotated[int, typer.Option("--fuel", metavar="N", min=0, help=FUEL_HELP)]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", metavar="S", help="Wall-clock limit per script, in seconds.")
]
MemoryOption = Annotated[
    int, typer.Option("--memory", metavar="MB", help="Memory limit per script, in MB.")
]
MODEL_TIMEOUT = 180.0
"""Agent's DEFAULT_MODEL_TIMEOUT (a test checks they agree; the agent imports openai,
which this module must not)."""

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


@app.command("exec", cls=PlainCommand)
def exec_command(
    script: Annotated[
        str, typer.Argument(help="The TypeScript file to run (- reads standard input).")
    ],
    tools: ToolsOption = [],  # noqa: B006 (typer reads the default; it is never mutated)
    mcp: McpOption = [],  # noqa: B006
    timeout: TimeoutOption = DEFAULT_LIMITS.timeout_s,
    memory: MemoryOption = DEFAULT_LIMITS.memory_mb,
    fuel: FuelOption = DEFAULT_LIMITS.fuel or 0,
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
            mcp=mcp,
            timeout_s=timeout,
            memory_mb=memory,
            fuel=fuel,
            typecheck=typecheck,
            as_json=as_json,
        )
    raise typer.Exit(0 if record.ok else 1)


@app.command("run", cls=PlainCommand)
def run_command(
    task: Annotated[str, typer.Argument(help="What the agent should do, in plain words.")],
    tools: ToolsOption = [],  # noqa: B006
    mcp: McpOption = [],  # noqa: B006
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
            metavar="tools|text",
            help="tools: the model calls execute_typescript; text: fenced ts blocks "
            "(for models without tool calling).",
        ),
    ] = "tools",
    timeout: TimeoutOption = DEFAULT_LIMITS.timeout_s,
    memory: MemoryOption = DEFAULT_LIMITS.memory_mb,
    fuel: FuelOption = DEFAULT_LIMITS.fuel or 0,
    model_timeout: Annotated[
        float,
        typer.Option(
            "--model-timeout",
            metavar="S",
            help="Seconds one model call may take, retries included; 0: no bound.",
        ),
    ] = MODEL_TIMEOUT,
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
    model or endpoint failure, --model-timeout), 2 for bad usage, 130 when interrupted
    (Ctrl-C keeps the steps that finished: --save writes them, status cancelled).
    """
    from .errors import InputError
    from .run_command import INTERRUPTED_EXIT, run_task

    with reporting_input_errors():
        if mode not in ("tools", "text"):
            raise InputError(f"--mode must be 'tools' or 'text', got {mode!r}")
        run = run_task(
            task,
            tools,
            mcp=mcp,
            model=model,
            base_url=base_url,
            max_steps=max_steps,
            typecheck=typecheck,
            mode="tools" if mode == "tools" else "text",
            timeout_s=timeout,
            memory_mb=memory,
            fuel=fuel,
            model_timeout=model_timeout,
            as_json=as_json,
            save=save,
        )
    if run.status == "cancelled":
        raise typer.Exit(INTERRUPTED_EXIT)
    raise typer.Exit(0 if run.status == "final_answer" else 1)


@app.command("inspect", cls=PlainCommand)
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


@app.command("replay", cls=PlainCommand)
def replay_command(
    file: Annotated[str, typer.Argument(help="A saved execution record or agent run (JSON).")],
    tools: ToolsOption = [],  # noqa: B006
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show each replay's console too.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Re-run recorded scripts: show what each returned, and where it differs from the
    recording.

    Without --tools, offline: tool calls are answered from the recording, and a call it
    does not hold is a divergence. With --tools, live against the current tools: how to
    see what changing a tool changes. Exit status 0 when everything matches, 1 when
    anything diverges.
    """
    from .replay_command import replay_file

    with reporting_input_errors():
        matches = replay_file(file, tools, as_json=as_json, verbose=verbose)
    raise typer.Exit(0 if matches else 1)


@app.command("types", cls=PlainCommand)
def types_command(
    tools: ToolsOption = [],  # noqa: B006
    mcp: McpOption = [],  # noqa: B006
    schema: Annotated[
        str | None,
        typer.Option(
            "--schema",
            metavar="FILE.json",
            help="Print the TypeScript type of this JSON Schema instead (- reads stdin).",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="NAME",
            help="The type's name for --schema (default: its title, else the file's name).",
        ),
    ] = None,
) -> None:
    """Print the TypeScript declarations that scripts (and models) see for the tools, or
    with --schema the TypeScript type of one JSON Schema."""
    from .errors import InputError
    from .types_command import print_schema_type, print_types

    with reporting_input_errors():
        if schema is not None:
            if tools or mcp:
                raise InputError("give either --schema or --tools/--mcp, not both")
            print_schema_type(schema, name)
        elif name is not None:
            raise InputError("--name names the type of a --schema; give --schema FILE.json")
        else:
            print_types(tools, mcp)


@app.command("check", cls=PlainCommand)
def check_command(
    scripts: Annotated[
        list[str],
        typer.Argument(
            metavar="SCRIPT.ts",
            help="The TypeScript files to check (- reads standard input); several are "
            "checked by one warm type checker.",
        ),
    ],
    tools: ToolsOption = [],  # noqa: B006
    mcp: McpOption = [],  # noqa: B006
    as_json: JsonOption = False,
) -> None:
    """Type-check scripts against the tools' declarations, without running them.

    Errors would stop a run; notes are only reported. Exit status 0 when nothing would
    stop any script, 1 when something would, 2 for bad usage.
    """
    from .check_command import check_scripts

    with reporting_input_errors():
        found = check_scripts(scripts, tools, mcp=mcp, as_json=as_json)
    raise typer.Exit(1 if any(d.blocking for diagnostics in found for d in diagnostics) else 0)


@app.command("schema", cls=PlainCommand)
def schema_command(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="record|run", help="record: an execution record; run: an agent run."
        ),
    ] = "record",
) -> None:
    """Print the JSON Schema (draft 2020-12) of execution records or agent runs."""
    from .errors import InputError
    from .schema_command import print_schema

    with reporting_input_errors():
        if kind not in ("record", "run"):
            raise InputError(f"schema: expected 'record' or 'run', got {kind!r}")
        print_schema(kind)


mcp_app = typer.Typer(
    name="mcp",
    cls=PlainGroup,
    help="tsact and MCP: serve typed code mode to any MCP client.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(mcp_app)


@mcp_app.command("serve", cls=PlainCommand)
def mcp_serve_command(
    tools: ToolsOption = [],  # noqa: B006
    mcp: McpOption = [],  # noqa: B006
    http: Annotated[
        str | None,
        typer.Option(
            "--http",
            metavar="HOST:PORT",
            help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio (port 0: any).",
        ),
    ] = None,
    timeout: TimeoutOption = DEFAULT_LIMITS.timeout_s,
    memory: MemoryOption = DEFAULT_LIMITS.memory_mb,
    fuel: FuelOption = DEFAULT_LIMITS.fuel or 0,
    typecheck: Annotated[
        bool,
        typer.Option("--typecheck/--no-typecheck", help="Type-check each script before it runs."),
    ] = True,
    declarations_budget: Annotated[
        int,
        typer.Option(
            "--declarations-budget",
            metavar="TOKENS",
            min=0,
            help="Past this many tokens of declarations, the tool's description lists tool "
            "names and scripts get search_tools(query).",
        ),
    ] = 8000,
) -> None:
    """Serve `execute_typescript(code)` over the tools as an MCP server (stdio by default).

    Each call runs the script in a fresh sandbox and answers with what it printed,
    returned or its error, and structuredContent {status, result, error}.
    """
    from .mcp_command import serve_mcp

    with reporting_input_errors():
        serve_mcp(
            tools,
            mcp,
            http=http,
            timeout_s=timeout,
            memory_mb=memory,
            fuel=fuel,
            typecheck=typecheck,
            declarations_budget=declarations_budget,
        )

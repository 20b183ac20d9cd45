"""``tsact run``: give a task to the agent and watch it work.

The endpoint comes from ``--base-url`` or the openai SDK's environment variables
(``OPENAI_API_KEY``, ``OPENAI_BASE_URL``); a server that needs no key (vLLM, Ollama,
llama.cpp) works with a base URL alone.

Ctrl-C stops the run and keeps what finished: the partial run (status ``cancelled``)
is saved with ``--save``, printed with ``--json``, and summed up on the terminal;
exit status 130, as for any program stopped by SIGINT.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import anyio
from rich.console import Console
from rich.text import Text

from tsact import DenoNotFound, Limits, Tool, ToolDefinitionError
from tsact.agent._agent import DEFAULT_MODEL_TIMEOUT

from .errors import InputError
from .mcp_servers import command_tools
from .output import stderr_console, stdout_console, write_plain
from .render import headline
from .render_run import run_headline, show_outcome, show_run
from .sandboxes import build_limits

if TYPE_CHECKING:
    from tsact.agent import Agent, AgentEventHandler, AgentRun

INTERRUPTED_EXIT = 130

NO_ENDPOINT = (
    "no model endpoint: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (or --base-url) "
    "for an OpenAI-compatible server such as vLLM, Ollama or llama.cpp"
)


def run_task(
    task: str,
    tools: list[str],
    *,
    mcp: list[str] = [],  # noqa: B006 (never mutated)
    model: str,
    base_url: str | None,
    max_steps: int,
    typecheck: bool,
    mode: Literal["tools", "text"],
    timeout_s: float,
    memory_mb: int,
    fuel: int | None = None,
    model_timeout: float = DEFAULT_MODEL_TIMEOUT,
    as_json: bool,
    save: str | None,
) -> AgentRun:
    """Run the agent on ``task``; print the run (or its JSON) and save it if asked.

    A cancelled run (Ctrl-C) is returned with status ``cancelled`` after it is shown.
    """
    if not task.strip():
        raise InputError("the task is empty: say what the agent should do")
    if base_url is None and not (
        os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")
    ):
        raise InputError(NO_ENDPOINT)
    if not model_timeout >= 0:
        raise InputError(
            f"--model-timeout must be >= 0 seconds (0: no bound), got {model_timeout:g}"
        )
    save_path = _save_path(save)
    limits = build_limits(timeout_s=timeout_s, memory_mb=memory_mb, fuel=fuel)
    with command_tools(tools, mcp, as_json=as_json) as every_tool:
        return _run(
            task,
            every_tool,
            model=model,
            base_url=base_url,
            max_steps=max_steps,
            typecheck=typecheck,
            mode=mode,
            limits=limits,
            model_timeout=model_timeout or None,
            as_json=as_json,
            save=save,
            save_path=save_path,
        )


def _run(
    task: str,
    tools: list[Tool],
    *,
    model: str,
    base_url: str | None,
    max_steps: int,
    typecheck: bool,
    mode: Literal["tools", "text"],
    limits: Limits,
    model_timeout: float | None,
    as_json: bool,
    save: str | None,
    save_path: Path | None,
) -> AgentRun:
    from tsact.agent import Agent

    from .run_progress import RunProgress

    try:
        agent = Agent(
            model=model,
            tools=tools,
            base_url=base_url,
            max_steps=max_steps,
            limits=limits,
            typecheck=typecheck,
            mode=mode,
            model_timeout=model_timeout,
        )
    except (ValueError, ToolDefinitionError, DenoNotFound) as exc:
        raise InputError(
            str(exc.args[0] if exc.args else exc).replace("model_timeout", "--model-timeout")
        ) from None
    out = stdout_console()
    shown_on = stderr_console() if as_json else out
    try:
        if shown_on.is_terminal:
            with shown_on.status("starting", spinner="dots") as status:
                progress = RunProgress(shown_on, status)
                run = anyio.run(functools.partial(_run_open, agent, task, progress))
        else:
            run = anyio.run(functools.partial(_run_open, agent, task, None))
    except KeyboardInterrupt:
        partial = agent.last_run
        if partial is None or partial.status != "cancelled":
            raise
        run = partial
    if save_path is not None:
        try:
            save_path.write_text(run.to_json() + "\n")
        except OSError as exc:
            raise InputError(f"cannot write --save {save}: {exc.strerror or exc}") from None
    if run.status == "cancelled":
        _summarise_interrupted(stderr_console() if as_json else out, run, save)
    if as_json:
        write_plain(run.to_json())
    elif run.status == "cancelled":
        pass
    elif shown_on.is_terminal:
        out.print()
        out.print(run_headline(run, save or "run"))
        show_outcome(out, run)
    else:
        show_run(out, run, save or "run")
    return run


def _summarise_interrupted(console: Console, run: AgentRun, save: str | None) -> None:
    """What an interrupted run leaves: its steps so far, and where they were saved."""
    console.print()
    console.print(run_headline(run, save or "run"))
    for step in run.steps:
        if step.record is not None:
            console.print(headline(step.record, f"step {step.index}"))
    reason = (run.error or "the run was cancelled").capitalize()
    if save:
        kept = f"The steps so far are saved to {save} (tsact inspect {save})."
    else:
        kept = "Nothing was saved: --save FILE.json keeps the steps of an interrupted run."
    console.print(Text(f"Interrupted. {reason}. {kept}", style="yellow"))


def _save_path(save: str | None) -> Path | None:
    """Where ``--save`` writes, checked before the run so a typo costs no model calls."""
    if save is None:
        return None
    path = Path(save).expanduser()
    if path.is_dir():
        raise InputError(f"--save {save} is a directory; give a file name")
    if not path.parent.is_dir():
        raise InputError(f"--save {save}: folder {path.parent} does not exist")
    return path


async def _run_open(agent: Agent, task: str, on_event: AgentEventHandler | None) -> AgentRun:
    """Run with the agent's sandbox open: each next step's process boots while the model
    thinks, and the type checker stops when the run ends."""
    async with agent:
        return await agent.run(task, on_event=on_event)

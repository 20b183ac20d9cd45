"""``tsact exec``: run one script against a tools file and show what it did."""

from __future__ import annotations

from pathlib import Path

from tsact import ExecutionRecord, Limits, Tool

from .inputs import read_script
from .mcp_servers import command_tools
from .output import stderr_console, stdout_console, write_plain
from .progress import ExecutionProgress
from .render import show_record
from .sandboxes import build_limits, make_sandbox


def exec_script(
    script: str,
    tools: list[str],
    *,
    mcp: list[str] = [],  # noqa: B006 (never mutated)
    timeout_s: float,
    memory_mb: int,
    fuel: int,
    typecheck: bool = False,
    as_json: bool,
) -> ExecutionRecord:
    """Run ``script`` and print its record (or its JSON); the caller sets the exit status.

    On a terminal, console lines and tool calls are shown live; with ``--json`` they go
    to stderr (when it is a terminal) so that stdout holds the JSON and nothing else.
    """
    source = read_script(script)
    limits = build_limits(timeout_s=timeout_s, memory_mb=memory_mb, fuel=fuel)
    with command_tools(tools, mcp, as_json=as_json) as every_tool:
        return _exec(source, script, every_tool, limits, typecheck, as_json)


def _exec(
    source: str,
    script: str,
    tools: list[Tool],
    limits: Limits,
    typecheck: bool,
    as_json: bool,
) -> ExecutionRecord:
    sandbox = make_sandbox(tools, limits, typecheck=typecheck)
    out = stdout_console()
    shown_on = stderr_console() if as_json else out
    progress = ExecutionProgress(shown_on) if shown_on.is_terminal else None
    name = "stdin" if script == "-" else Path(script).name
    try:
        if progress is not None:
            with shown_on.status(f"running {name}", spinner="dots"):
                record = sandbox.run_sync(source, on_event=progress)
        else:
            record = sandbox.run_sync(source)
    finally:
        sandbox.close()
    if as_json:
        write_plain(record.to_json())
    else:
        show_record(out, record, name=name, full_source=False, live=progress is not None)
    return record

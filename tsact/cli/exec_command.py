"""``tsact exec``: run one script against a tools file and show what it did."""

from __future__ import annotations

import contextlib
from pathlib import Path

from tsact import ExecutionRecord, Limits, Tool
from tsact._tools.prints import stdout_kept_for_data

from .inputs import read_script
from .mcp_servers import mcp_tools
from .output import stderr_console, stdout_console, write_plain
from .progress import ExecutionProgress
from .render import show_record
from .sandboxes import build_limits, make_sandbox
from .tools_file import load_tools


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
    local = load_tools(tools)
    with contextlib.ExitStack() as stack:
        if as_json:  # what tools print goes to stderr: stdout holds the record alone
            stack.enter_context(stdout_kept_for_data())
        remote = stack.enter_context(mcp_tools(mcp))
        return _exec(source, script, [*local, *remote], limits, typecheck, as_json)


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

"""``tsact check``: type-check a script against the tools' declarations, without running it.

Errors are the diagnostics that would stop a run; notes are those the checking policy
only reports (README, "Type checking"). Exit status 0 when nothing would stop the
scripts, 1 when something would, 2 for bad input.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import msgspec
from rich.console import Console
from rich.text import Text

from tsact import CheckerError, Diagnostic, ErrorInfo
from tsact._records.text import diagnostic_line

from .errors import InputError
from .inputs import read_script
from .mcp_servers import command_tools
from .output import stdout_console, untrusted, write_plain
from .render import plural, source_view
from .sandboxes import make_sandbox


def check_script(
    script: str,
    tools: list[str],
    *,
    mcp: list[str] = [],  # noqa: B006 (never mutated)
    as_json: bool,
) -> list[Diagnostic]:
    """Type-check ``script``; print its diagnostics, notes included (or their JSON), and
    return them."""
    return check_scripts([script], tools, mcp=mcp, as_json=as_json)[0]


def check_scripts(
    scripts: list[str],
    tools: list[str],
    *,
    mcp: list[str] = [],  # noqa: B006 (never mutated)
    as_json: bool,
) -> list[list[Diagnostic]]:
    """Type-check each script with one warm checker; print the diagnostics of each.

    ``--json`` prints one file's diagnostics as a list, several files' as a list of
    ``{"file", "diagnostics"}`` objects, in the order given.
    """
    sources = [read_script(script) for script in scripts]
    with command_tools(tools, mcp, as_json=as_json) as every_tool:
        sandbox = make_sandbox(every_tool)

    async def check_all() -> list[list[Diagnostic]]:
        return [await sandbox.check(source, include_notes=True) for source in sources]

    try:
        found = anyio.run(check_all)
    except CheckerError as exc:
        raise InputError(f"the type checker could not run: {exc}") from None
    finally:
        sandbox.close()
    if as_json:
        value: object = found[0]
        if len(scripts) > 1:
            value = [
                {"file": script, "diagnostics": diagnostics}
                for script, diagnostics in zip(scripts, found, strict=True)
            ]
        write_plain(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())
        return found
    console = stdout_console()
    for index, (script, source, diagnostics) in enumerate(
        zip(scripts, sources, found, strict=True)
    ):
        if index:
            console.print()
        name = "stdin" if script == "-" else (Path(script).name if len(scripts) == 1 else script)
        show_diagnostics(console, source, diagnostics, name)
    if len(scripts) > 1:
        failing = sum(1 for diagnostics in found if any(d.blocking for d in diagnostics))
        console.print()
        summary = f"{plural(len(scripts), 'file')} checked, {failing} with type errors"
        console.print(Text(summary, style="bold red" if failing else "bold green"))
    return found


def show_diagnostics(
    console: Console, source: str, diagnostics: list[Diagnostic], name: str
) -> None:
    """Compiler-style lines (``file:line:col - error TSnnnn: message``; ``note`` for what
    would not stop a run) and the marked source."""
    errors = [d for d in diagnostics if d.blocking]
    notes = len(diagnostics) - len(errors)
    noted = f" ({plural(notes, 'note')})" if notes else ""
    for diagnostic in diagnostics:
        style = "red" if diagnostic.blocking else "yellow"
        console.print(Text(untrusted(diagnostic_line(diagnostic, name)), style=style))
    if diagnostics:
        error = ErrorInfo(kind="type", message=diagnostics[0].message, diagnostics=diagnostics)
        view = source_view(source, error, context=2)
        if view is not None:
            console.print()
            console.print(view)
        console.print()
    if not errors:
        console.print(Text(f"✓ {name} type-checks{noted}", style="bold green"))
        return
    console.print(Text(f"✗ {plural(len(errors), 'type error')}{noted}", style="bold red"))

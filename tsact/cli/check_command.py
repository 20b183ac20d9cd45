"""``tsact check``: type-check a script against the tools' declarations, without running it.

Errors are the diagnostics that would stop a run; notes are those the checking policy
only reports (README, "Type checking"). Exit status 0 when nothing would stop the
script, 1 when something would, 2 for bad input.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import msgspec
from rich.console import Console
from rich.text import Text

from tsact import CheckerError, Diagnostic, ErrorInfo

from .errors import InputError
from .inputs import read_script
from .output import stdout_console, untrusted, write_plain
from .render import plural, source_view
from .sandboxes import make_sandbox
from .tools_file import load_tools


def check_script(script: str, tools: list[str], *, as_json: bool) -> list[Diagnostic]:
    """Type-check ``script``; print its diagnostics, notes included (or their JSON), and
    return them."""
    source = read_script(script)
    sandbox = make_sandbox(load_tools(tools))

    async def check() -> list[Diagnostic]:
        return await sandbox.check(source, include_notes=True)

    try:
        diagnostics = anyio.run(check)
    except CheckerError as exc:
        raise InputError(f"the type checker could not run: {exc}") from None
    finally:
        sandbox.close()
    if as_json:
        write_plain(msgspec.json.format(msgspec.json.encode(diagnostics), indent=2).decode())
    else:
        name = "stdin" if script == "-" else Path(script).name
        show_diagnostics(stdout_console(), source, diagnostics, name)
    return diagnostics


def show_diagnostics(
    console: Console, source: str, diagnostics: list[Diagnostic], name: str
) -> None:
    """Compiler-style lines (``file:line:col - error TSnnnn: message``; ``note`` for what
    would not stop a run) and the marked source."""
    errors = [d for d in diagnostics if d.blocking]
    notes = len(diagnostics) - len(errors)
    noted = f" ({plural(notes, 'note')})" if notes else ""
    for diagnostic in diagnostics:
        line = Text(f"{name}:{diagnostic.line}:{diagnostic.column}", style="bold")
        code = f" TS{diagnostic.code}" if diagnostic.code is not None else ""
        level = "error" if diagnostic.blocking else "note"
        line.append(f" - {level}{code}: ", style="red" if diagnostic.blocking else "yellow")
        line.append(untrusted(diagnostic.message))
        console.print(line)
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

"""Live progress of one execution, drawn from its events as they arrive.

Used only when the output is a terminal: console lines appear as the script prints
them, each tool call when it starts (``→``) and when it ends (``←`` or ``✗``).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from tsact import ConsoleEvent, ExecutionEvent, ToolCallFinished, ToolCallStarted

from .output import untrusted
from .render import compact_json, console_line, outcome_text

PROGRESS_CHARS = 100


class ExecutionProgress:
    """An ``on_event`` handler that prints each event of an execution as one line."""

    def __init__(self, console: Console, *, indent: str = "") -> None:
        self.console = console
        self.indent = indent

    def __call__(self, event: ExecutionEvent) -> None:
        """Print one event."""
        self.console.print(self.line(event), soft_wrap=True)

    def line(self, event: ExecutionEvent) -> Text:
        """The line shown for ``event``."""
        text = Text(self.indent)
        if isinstance(event, ConsoleEvent):
            text.append_text(console_line(event.entry))
        elif isinstance(event, ToolCallStarted):
            call = event.call
            text.append(f"→ #{call.id} ", style="cyan")
            text.append(call.name, style="bold cyan")
            text.append(" " + compact_json(call.arguments, PROGRESS_CHARS))
        elif isinstance(event, ToolCallFinished):
            call = event.call
            ok = call.status == "ok"
            text.append(f"{'←' if ok else '✗'} #{call.id} ", style="green" if ok else "red")
            text.append(call.name, style="bold")
            text.append(" ")
            text.append_text(outcome_text(call, PROGRESS_CHARS))
            text.append(f"  {call.duration_ms:.1f} ms", style="dim")
            if call.printed:
                pad = "\n" + self.indent + "    "
                lines = untrusted(call.printed.rstrip("\n")).split("\n")
                text.append(pad + pad.join(f"│ {line}" for line in lines), style="dim")
        return text

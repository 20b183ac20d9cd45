"""Live progress of an agent run: each step, its code, console and tool calls, its outcome."""

from __future__ import annotations

from rich.console import Console
from rich.status import Status
from rich.text import Text

from tsact import ConsoleEvent, ToolCallFinished, ToolCallStarted
from tsact._records.text import cut_end as shorten
from tsact.agent import (
    AgentEvent,
    CodeReady,
    ConsoleLine,
    ExecutionFinished,
    ModelFailed,
    ModelReplied,
    StepFault,
    StepStarted,
    ToolCalled,
    ToolReturned,
)

from .output import rule, untrusted
from .progress import ExecutionProgress
from .render import error_view, headline, source_view

MODEL_TEXT_CHARS = 600


class RunProgress:
    """An ``on_event`` handler for ``Agent.run`` that prints the run as it happens.

    ``status`` (a rich spinner) is updated to say what the run is waiting for.
    """

    def __init__(self, console: Console, status: Status | None = None) -> None:
        self.console = console
        self.status = status
        self.execution = ExecutionProgress(console, indent="  ")

    def _waiting(self, what: str) -> None:
        if self.status is not None:
            self.status.update(what)

    def __call__(self, event: AgentEvent) -> None:
        """Print one event of the run."""
        console = self.console
        if isinstance(event, StepStarted):
            if event.step > 1:
                console.print()
            rule(console, Text(f"Step {event.step}", style="bold"))
            self._waiting(f"step {event.step}: waiting for the model")
        elif isinstance(event, ModelReplied):
            if event.text.strip():
                text = shorten(untrusted(event.text.strip()), MODEL_TEXT_CHARS)
                console.print(Text(text, style="italic"))
        elif isinstance(event, StepFault):
            console.print(Text(f"unusable reply: {untrusted(event.message)}", style="yellow"))
        elif isinstance(event, ModelFailed):
            console.print(Text(f"model call failed: {untrusted(event.message)}", style="red"))
        elif isinstance(event, CodeReady):
            view = source_view(event.code, None)
            if view is not None:
                console.print(view)
            self._waiting(f"step {event.step}: running the script")
        elif isinstance(event, ConsoleLine):
            self.execution(ConsoleEvent(event.entry))
        elif isinstance(event, ToolCalled):
            self.execution(ToolCallStarted(event.call))
        elif isinstance(event, ToolReturned):
            self.execution(ToolCallFinished(event.call))
        elif isinstance(event, ExecutionFinished):
            record = event.record
            console.print(headline(record, f"step {event.step}"))
            if record.error is not None:
                marked = source_view(record.source, record.error, context=2)
                if marked is not None:
                    console.print(marked)
                console.print(error_view(record.error))

"""Live events of one execution, for progress displays and agents that stream."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ._record import ConsoleEntry, ToolCallRecord


@dataclass(frozen=True)
class ConsoleEvent:
    """The script printed a line."""

    entry: ConsoleEntry


@dataclass(frozen=True)
class ToolCallStarted:
    """The host accepted a tool call and is about to run it."""

    call: ToolCallRecord


@dataclass(frozen=True)
class ToolCallFinished:
    """A tool call ended (``call.status`` says how)."""

    call: ToolCallRecord


ExecutionEvent = ConsoleEvent | ToolCallStarted | ToolCallFinished
EventHandler = Callable[[ExecutionEvent], Any]


@dataclass(frozen=True)
class ApprovalRequest:
    """A call to a ``requires_approval`` tool, with its validated arguments as JSON."""

    name: str
    arguments: Any


Approver = Callable[[ApprovalRequest], "bool | Awaitable[bool]"]

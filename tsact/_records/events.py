"""Live events of one execution, for progress displays and agents that stream.

Events are snapshots: a tool-call event holds a copy of the call's record as it was
when the event was made, so a ``ToolCallStarted`` kept by a handler still reads as
started after the call has ended (the execution's own record goes on changing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from tsact._records.record import ConsoleEntry, ToolCallRecord


@dataclass(frozen=True)
class ConsoleEvent:
    """The script printed a line."""

    entry: ConsoleEntry


@dataclass(frozen=True)
class ToolCallStarted:
    """The host accepted a tool call and is about to run it.

    ``call`` is a snapshot with ``status == "running"``: it keeps saying so after the
    call has ended (``ToolCallFinished`` brings the outcome).
    """

    call: ToolCallRecord

    def __post_init__(self) -> None:
        object.__setattr__(self, "call", snapshot(self.call, status="running"))


@dataclass(frozen=True)
class ToolCallFinished:
    """A tool call ended (``call.status`` says how; ``call`` is a snapshot)."""

    call: ToolCallRecord

    def __post_init__(self) -> None:
        object.__setattr__(self, "call", snapshot(self.call))


def snapshot(call: ToolCallRecord, **changes: Any) -> ToolCallRecord:
    """A copy of ``call`` as it is now: later changes to the live record do not reach it.

    Shallow: the host replaces a call's fields when it ends and never changes the
    values inside them (arguments, result) in place.
    """
    return msgspec.structs.replace(call, **changes)


ExecutionEvent = ConsoleEvent | ToolCallStarted | ToolCallFinished
EventHandler = Callable[[ExecutionEvent], Any]


@dataclass(frozen=True)
class ApprovalRequest:
    """A call to a ``requires_approval`` tool, with its validated arguments as JSON."""

    name: str
    arguments: Any


Approver = Callable[[ApprovalRequest], "bool | Awaitable[bool]"]

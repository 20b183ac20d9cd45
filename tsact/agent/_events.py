"""Events of an agent run, in the order ``Agent.run_stream`` yields them.

A step yields ``StepStarted``; while the model answers, ``ModelTextDelta`` for each
fragment of text (streamed calls only); then ``ModelReplied`` with the whole reply.
A reply that cannot be used yields ``StepFault``; a model call that fails (HTTP error,
timeout, unreachable endpoint) yields ``ModelFailed`` and the run ends. When code
runs: ``CodeReady``, then ``ConsoleLine``, ``ToolCalled`` and ``ToolReturned`` live as
the script runs, then ``ExecutionFinished`` with the record and the observation for
the model.
The last event of every run is ``RunFinished``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tsact._records.record import ConsoleEntry, ExecutionRecord, ToolCallRecord

from ._records import AgentRun, Usage


@dataclass(frozen=True)
class StepStarted:
    """A step began: the model is about to be called."""

    step: int


@dataclass(frozen=True)
class ModelTextDelta:
    """A fragment of the model's text as it streams in."""

    step: int
    text: str


@dataclass(frozen=True)
class ModelReplied:
    """The model's reply is complete."""

    step: int
    text: str
    finish_reason: str | None
    usage: Usage


@dataclass(frozen=True)
class StepFault:
    """The model's reply could not be used; ``message`` is what the model is told."""

    step: int
    message: str


@dataclass(frozen=True)
class ModelFailed:
    """The model call failed (no reply at all); the run ends with ``"error"``."""

    step: int
    message: str


@dataclass(frozen=True)
class CodeReady:
    """The script the model wrote is about to run."""

    step: int
    code: str


@dataclass(frozen=True)
class ConsoleLine:
    """The running script printed a line."""

    step: int
    entry: ConsoleEntry


@dataclass(frozen=True)
class ToolCalled:
    """The running script called a host tool, which is about to run."""

    step: int
    call: ToolCallRecord


@dataclass(frozen=True)
class ToolReturned:
    """A host tool call ended (``call.status`` says how; result or error inside)."""

    step: int
    call: ToolCallRecord


@dataclass(frozen=True)
class ExecutionFinished:
    """The script ended; ``observation`` is what goes back to the model (``None`` if the
    script's ``final_answer`` ended the run)."""

    step: int
    record: ExecutionRecord
    observation: str | None


@dataclass(frozen=True)
class RunFinished:
    """The run ended; the last event of every run."""

    run: AgentRun


AgentEvent = (
    StepStarted
    | ModelTextDelta
    | ModelReplied
    | StepFault
    | ModelFailed
    | CodeReady
    | ConsoleLine
    | ToolCalled
    | ToolReturned
    | ExecutionFinished
    | RunFinished
)
AgentEventHandler = Callable[[AgentEvent], object]

"""Reading a JSON file that holds an execution record or a whole agent run.

A record is a JSON object with ``source`` and ``status``; a run is one with ``task``
and ``steps``. The document lists the execution records it holds with their step
number (``None`` for a bare record), which is what ``inspect --step`` and ``replay``
walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from tsact import ExecutionRecord

from .errors import InputError
from .inputs import read_json

if TYPE_CHECKING:  # the agent (and openai) is imported only when a file holds a run
    from tsact.agent import AgentRun, AgentStep

T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    """A file read by ``inspect`` or ``replay``: a record, or a run and its steps' records."""

    path: str
    records: list[tuple[int | None, ExecutionRecord]]
    run: AgentRun | None = None

    def to_json(self) -> str:
        """The document re-emitted as stable, normalised JSON."""
        if self.run is not None:
            return self.run.to_json()
        return self.records[0][1].to_json()

    def step(self, number: int) -> AgentStep:
        """Step ``number`` (1-based) of a run; an input error if there is no such step."""
        if self.run is None:
            raise InputError(
                f"--step applies to agent runs; {self.path} is a single execution record"
            )
        for step in self.run.steps:
            if step.index == number:
                return step
        raise InputError(
            f"{self.path} has no step {number}: the run has "
            f"{len(self.run.steps)} step{'' if len(self.run.steps) == 1 else 's'}"
        )


def read_document(path: str) -> Document:
    """Read ``path`` as an execution record or an agent run; ``InputError`` if neither."""
    value = read_json(path, "record file")
    if not isinstance(value, dict):
        raise InputError(
            f"{path} is not an execution record or agent run: expected a JSON object, "
            f"got {_json_type(value)}"
        )
    if "steps" in value and "task" in value:
        from tsact.agent import AgentRun

        run = _convert(value, AgentRun, path, "agent run")
        records: list[tuple[int | None, ExecutionRecord]] = [
            (step.index, step.record) for step in run.steps if step.record is not None
        ]
        return Document(path, records, run)
    if "source" in value and "status" in value:
        return Document(path, [(None, _convert(value, ExecutionRecord, path))])
    raise InputError(
        f"{path} is neither an execution record (a JSON object with 'source' and 'status') "
        "nor an agent run ('task' and 'steps'); create one with "
        "tsact exec SCRIPT.ts --json > FILE.json, or tsact run TASK --save FILE.json"
    )


def _convert(value: Any, kind: type[T], path: str, what: str = "execution record") -> T:
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as exc:
        raise InputError(f"{path} is not a valid {what}: {exc}") from None


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"

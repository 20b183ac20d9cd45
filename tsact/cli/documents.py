"""Reading a JSON file that holds an execution record or a whole agent run.

A record is a JSON object with ``source`` and ``status``; a run is one with ``task``
and ``steps``. The document lists the execution records it holds with their step
number (``None`` for a bare record), which is what ``inspect --step`` and ``replay``
walk.

A file in a newer ``format`` than this tsact knows is refused (exit status 2, the
message says to upgrade); an older one is read, and the fields it lacks are
remembered (``absent``) so that views show them as unknown.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from tsact import ExecutionRecord
from tsact._errors import NewerFormat, RecordInvalid
from tsact._records.record import FORMAT, file_format

from .absent import Absent
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
    format: int = FORMAT
    raw: Any = None
    absent: Absent = dataclasses.field(default_factory=Absent)

    def to_json(self) -> str:
        """The document re-emitted as stable, normalised JSON (an older format as the file
        has it, its missing fields left out rather than filled with today's defaults)."""
        if self.format < FORMAT and self.raw is not None:
            return json.dumps(self.raw, indent=2, ensure_ascii=False)
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
        from tsact.agent._records import run_from_value

        run = _convert(value, run_from_value, path, "agent run")
        records: list[tuple[int | None, ExecutionRecord]] = [
            (step.index, step.record) for step in run.steps if step.record is not None
        ]
        return Document(path, records, run, run.format, value, Absent.of(value, run))
    if "source" in value and "status" in value:
        record = _convert(value, _record_from_value, path)
        return Document(
            path, [(None, record)], None, record.format, value, Absent.of(value, record)
        )
    raise InputError(
        f"{path} is neither an execution record (a JSON object with 'source' and 'status') "
        "nor an agent run ('task' and 'steps'); create one with "
        "tsact exec SCRIPT.ts --json > FILE.json, or tsact run TASK --save FILE.json"
    )


def _record_from_value(value: Any) -> ExecutionRecord:
    version = file_format(value)
    record = msgspec.convert(value, ExecutionRecord)
    record.format = version
    return record


def _convert(value: Any, read: Callable[[Any], T], path: str, what: str = "execution record") -> T:
    try:
        return read(value)
    except NewerFormat as exc:
        raise InputError(f"{path} cannot be read: {exc}") from None
    except (msgspec.ValidationError, RecordInvalid) as exc:
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

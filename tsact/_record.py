"""The execution record: what one run of a script did, as stable JSON.

Records are msgspec Structs: fields keep their declared order in JSON, so the
text is stable for diffing and for programs that read it. ``record_json_schema``
exports the JSON Schema of the format.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ._limits import Limits

Status = Literal["ok", "error"]
ErrorKind = Literal[
    "syntax",
    "type",
    "runtime",
    "tool",
    "timeout",
    "fuel",
    "memory",
    "limit",
    "cancelled",
    "internal",
]
ConsoleLevel = Literal["log", "info", "warn", "error", "debug", "omitted"]


class Diagnostic(msgspec.Struct, frozen=True, kw_only=True):
    """One type-checker finding, in the user's own lines (1-based).

    ``blocking`` is False for a finding the checking policy only reports (README, "Type
    checking"): it did not stop the script, and is attached to its record if the run fails.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    code: int | None = None
    blocking: bool = True


class ErrorInfo(msgspec.Struct, frozen=True, kw_only=True):
    """Why an execution failed; ``line``/``column`` are in the user's own source (1-based)."""

    kind: ErrorKind
    message: str
    name: str | None = None
    line: int | None = None
    column: int | None = None
    stack: str | None = None
    diagnostics: list[Diagnostic] = []


class ConsoleEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One console call; ``t_ms`` is when the host received it, from the execution's start.

    Level ``omitted`` marks where entries past ``max_output_bytes`` were left out.
    """

    level: ConsoleLevel
    text: str
    t_ms: float


class ToolCallRecord(msgspec.Struct, kw_only=True):
    """One call from the script to a host tool, as the host saw it.

    ``started_ms`` is when the tool began, in ms from the execution's start (a call
    that waited for a free ``tool_concurrency`` slot begins when it gets one), and
    ``duration_ms`` how long it took to answer.
    """

    id: int
    name: str
    arguments: Any
    status: Literal["ok", "error", "cancelled"] = "ok"
    result: Any = None
    error: str | None = None
    error_code: str | None = None
    started_ms: float = 0.0
    duration_ms: float = 0.0


class Timings(msgspec.Struct, kw_only=True):
    """Where the time of an execution went, in milliseconds from its start.

    ``prewarmed`` is true when the execution used a spare process that had booted
    before ``run`` was called (``async with Sandbox(...)``).
    """

    prepare_ms: float = 0.0
    spawn_ms: float = 0.0
    prewarmed: bool = False
    started_ms: float | None = None
    finished_ms: float = 0.0


class Versions(msgspec.Struct, frozen=True, kw_only=True):
    """The software that produced the record."""

    tsact: str
    deno: str | None = None
    v8: str | None = None
    typescript: str | None = None


class ExecutionRecord(msgspec.Struct, kw_only=True):
    """Everything one execution did: source, console, tool calls, result or error, timings.

    ``status`` is ``"ok"`` with ``result`` set, or ``"error"`` with ``error`` set.
    ``final_answer`` is true when the script ended by calling ``final_answer(value)``.
    ``stdout``/``stderr`` are the raw process streams: untrusted text, capped.
    """

    id: str
    source: str
    status: Status
    result: Any = None
    final_answer: bool = False
    error: ErrorInfo | None = None
    console: list[ConsoleEntry] = []
    tool_calls: list[ToolCallRecord] = []
    stdout: str = ""
    stderr: str = ""
    fuel_used: int | None = None
    duration_ms: float = 0.0
    timings: Timings = msgspec.field(default_factory=Timings)
    limits: Limits = msgspec.field(default_factory=Limits)
    versions: Versions = msgspec.field(default_factory=lambda: Versions(tsact="0"))
    started_at: str = ""

    @property
    def ok(self) -> bool:
        """True when the script finished without an error."""
        return self.status == "ok"

    def to_json(self, *, indent: int = 2) -> str:
        """Stable JSON text of the record (fields in declared order)."""
        raw = msgspec.json.encode(self)
        return msgspec.json.format(raw, indent=indent).decode() if indent else raw.decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> ExecutionRecord:
        """Read a record back from its JSON text; raises ``msgspec.ValidationError`` if invalid."""
        return msgspec.json.decode(text, type=cls)


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``ExecutionRecord`` JSON."""
    schema: dict[str, Any] = msgspec.json.schema(ExecutionRecord)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema

"""The execution record: what one run of a script did, as stable JSON.

Records are msgspec Structs: fields keep their declared order in JSON, so the
text is stable for diffing and for programs that read it. ``record_json_schema``
exports the JSON Schema of the format.

Every record says which ``format`` it is written in. ``FORMAT`` goes up when a field is
added or its meaning changes, so a reader can tell a field the writer did not have
(older files: format 0 is a file without the field) from a field at its default, and
refuse a file newer than it understands.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from tsact._errors import NewerFormat, RecordInvalid
from tsact._records.limits import Limits

FORMAT = 1
"""The format of the records and agent runs this tsact writes.

1: ``format`` itself, ``ToolCallRecord.printed``, the ``running`` status of a tool call in a
``ToolCallStarted`` event; in runs, the ``cancelled`` status, ``AgentStep.model_error`` and
``AgentStep.sub_agent_usage``.
"""


def file_format(value: object) -> int:
    """The ``format`` of a decoded JSON document (0 when it has none: written before 1).

    Raises ``NewerFormat`` when the format is newer than ``FORMAT``, and
    ``RecordInvalid`` when it is not a non-negative integer.
    """
    if not isinstance(value, dict) or "format" not in value:
        return 0
    found = value["format"]
    if isinstance(found, bool) or not isinstance(found, int) or found < 0:
        raise RecordInvalid(f"format must be a non-negative integer, got {found!r}")
    if found > FORMAT:
        raise NewerFormat(
            f"written in format {found} by a newer tsact; this tsact reads formats up to "
            f"{FORMAT}: upgrade tsact to read it"
        )
    return found


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


ToolCallStatus = Literal["running", "ok", "error", "cancelled"]


class ToolCallRecord(msgspec.Struct, kw_only=True):
    """One call from the script to a host tool, as the host saw it.

    ``started_ms`` is when the tool began, in ms from the execution's start (a call
    that waited for a free ``tool_concurrency`` slot begins when it gets one), and
    ``duration_ms`` how long it took to answer. ``status`` is ``running`` only in the
    snapshot a ``ToolCallStarted`` event carries. ``printed`` is what the tool wrote to
    ``sys.stdout``/``sys.stderr`` during the call (``None``: not captured).
    """

    id: int
    name: str
    arguments: Any
    status: ToolCallStatus = "ok"
    result: Any = None
    error: str | None = None
    error_code: str | None = None
    started_ms: float = 0.0
    duration_ms: float = 0.0
    printed: str | None = None


class KeptVariable(msgspec.Struct, frozen=True, kw_only=True):
    """A variable the next script of the session will see: its type (as declared to the
    type checker), a short description and its size in JSON bytes. The value stays in
    the session."""

    name: str
    type: str
    summary: str
    bytes: int


class DroppedName(msgspec.Struct, frozen=True, kw_only=True):
    """A top-level name the next script will not see, and why (not JSON data...)."""

    name: str
    reason: str


class SessionState(msgspec.Struct, frozen=True, kw_only=True):
    """What a session carries after this execution.

    ``error`` says why this step's variables were not kept (the previous ones were).
    """

    kept: list[KeptVariable] = []
    dropped: list[DroppedName] = []
    error: str | None = None


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
    ``stderr`` is the raw process stream: untrusted text, capped. ``stdout`` stays
    empty: the process's stdout carries the sandbox's frames, and nothing else.
    ``format`` is the version of this layout (``FORMAT``).
    ``state`` is set in a session: the variables the next script will see.
    """

    format: int = FORMAT
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
    state: SessionState | None = None
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
        """Read a record back from its JSON text; raises ``RecordInvalid`` if invalid
        (``NewerFormat`` when a newer tsact wrote it).

        A record of an older format reads with today's defaults for the fields it lacks
        (``tsact inspect`` shows them as unknown); its ``format`` stays the file's.
        """
        try:
            raw = msgspec.json.decode(text)
            version = file_format(raw)
            record = msgspec.convert(raw, type=cls)
        except msgspec.DecodeError as exc:  # ValidationError is one too
            raise RecordInvalid(f"not an execution record: {exc}") from None
        record.format = version
        return record


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``ExecutionRecord`` JSON."""
    schema: dict[str, Any] = msgspec.json.schema(ExecutionRecord)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema

"""What an agent run did, as stable JSON: the run, its steps, and the tokens they cost.

Like execution records, these are msgspec Structs whose fields keep their declared
order in JSON. A step holds the model's reply, the code it ran, the full
``ExecutionRecord`` of that code and the observation that went back to the model, so
a saved run can be inspected or replayed without the model.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from pydantic import TypeAdapter

from tsact._errors import RecordInvalid
from tsact._records.record import FORMAT, ExecutionRecord, file_format

RunStatus = Literal["final_answer", "max_steps", "error", "cancelled"]
Mode = Literal["tools", "text"]


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    """Tokens reported by the model endpoint, and how many model calls were made.

    Endpoints that report no usage count as zero tokens; ``model_calls`` is counted by
    tsact and is always exact. Add two ``Usage`` values with ``+``.
    """

    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        return Usage(
            model_calls=self.model_calls + other.model_calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class AgentStep(msgspec.Struct, kw_only=True):
    """One model call and what came of it.

    Attributes:
        index: 1-based position in the run.
        model_text: the text of the model's reply (may be empty when it only called a tool).
        finish_reason: as the endpoint reported it (``stop``, ``tool_calls``, ``length``...).
        code: the script that ran in this step, or ``None`` when nothing ran.
        record: the full execution record of ``code``.
        observation: what the model is told after this step: sent with the next request,
            or, on the last step of a run that ran out of steps, never sent (``None``
            when the step ended the run with an answer, or with a failed model call).
        fault: what was wrong with the model's reply when it could not be used
            (malformed tool call, unknown tool, empty or cut-off reply).
        model_error: why the model call itself failed (HTTP error, timeout, unreachable
            endpoint); such a step has no reply and ends the run.
        usage: the tokens of this step's model call.
        sub_agent_usage: the model calls and tokens of sub-agents (``Agent.as_tool``) that
            this step's script called; the run's ``usage`` includes them.
        model_ms: time spent waiting for the model.
        execution_ms: time spent running ``code``.
        started_at: UTC time the step started, ISO 8601.
    """

    index: int
    model_text: str = ""
    finish_reason: str | None = None
    code: str | None = None
    record: ExecutionRecord | None = None
    observation: str | None = None
    fault: str | None = None
    model_error: str | None = None
    usage: Usage = Usage()
    sub_agent_usage: Usage = Usage()
    model_ms: float = 0.0
    execution_ms: float = 0.0
    started_at: str = ""


class AgentRun(msgspec.Struct, kw_only=True, dict=True):
    """One task from start to end: status, output, every step, usage.

    ``status`` is ``"final_answer"`` when the model gave an answer (by ``final_answer``
    in a script, or by a reply without code), ``"max_steps"`` when it ran out of
    steps, ``"error"`` when the run could not go on (``error`` says why: a failed
    model call, repeated unusable replies), ``"cancelled"`` when it was cancelled (its
    steps so far; a script that was running then has a record of kind ``cancelled``
    with what it had printed and called). ``usage`` counts every model call, the
    sub-agents' too. ``output`` is typed when the agent has an
    ``output_type``; in JSON, and after ``from_json``, it is the JSON value (use
    ``output_as(type)`` to get a typed value back).
    """

    format: int = FORMAT
    id: str
    task: str
    model: str
    mode: Mode
    status: RunStatus
    output_json: Any = msgspec.field(default=None, name="output")
    error: str | None = None
    steps: list[AgentStep] = []
    usage: Usage = Usage()
    duration_ms: float = 0.0
    started_at: str = ""
    tsact_version: str = ""

    @property
    def output(self) -> Any:
        """The final answer: typed when the agent had an ``output_type``, else a JSON value."""
        typed = self.__dict__.get("_typed_output", _MISSING)
        return self.output_json if typed is _MISSING else typed

    def _set_output(self, typed: Any, json_value: Any) -> None:
        self.output_json = json_value
        self.__dict__["_typed_output"] = typed

    def output_as(self, output_type: Any) -> Any:
        """The output validated as ``output_type`` (e.g. after reading a run from JSON)."""
        adapter: TypeAdapter[Any] = TypeAdapter(output_type)
        return adapter.validate_json(msgspec.json.encode(self.output_json))

    @property
    def records(self) -> list[ExecutionRecord]:
        """The execution records of the steps that ran code, in order."""
        return [step.record for step in self.steps if step.record is not None]

    def to_json(self, *, indent: int = 2) -> str:
        """Stable JSON text of the run, every step and execution record inside."""
        raw = msgspec.json.encode(self)
        return msgspec.json.format(raw, indent=indent).decode() if indent else raw.decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> AgentRun:
        """Read a run back from its JSON text; raises ``RecordInvalid`` if invalid
        (``NewerFormat`` when a newer tsact wrote it). An older run keeps its ``format``."""
        try:
            return run_from_value(msgspec.json.decode(text))
        except msgspec.DecodeError as exc:  # ValidationError is one too
            raise RecordInvalid(f"not an agent run: {exc}") from None


def run_from_value(raw: Any) -> AgentRun:
    """An ``AgentRun`` from decoded JSON, each ``format`` kept as the file has it."""
    version = file_format(raw)
    run = msgspec.convert(raw, type=AgentRun)
    run.format = version
    for step, raw_step in zip(run.steps, raw.get("steps") or [], strict=False):
        if step.record is not None and isinstance(raw_step, dict):
            step.record.format = file_format(raw_step.get("record"))
    return run


_MISSING: Any = object()


def agent_run_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``AgentRun`` JSON."""
    schema: dict[str, Any] = msgspec.json.schema(AgentRun)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema

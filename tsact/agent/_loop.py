"""The agent loop: model -> script -> record -> observation -> model, until an answer.

Each step is one model call. What happens next depends on the reply:

- code (an ``execute_typescript`` call, or a fenced block in text mode): it runs in a
  fresh sandbox. A script that calls ``final_answer(value)`` ends the run in that same
  step (after the value passes ``output_type``); otherwise the observation built from
  the record goes back to the model.
- text without code: the text is the answer (validated when ``output_type`` is set).
- a reply that cannot be used (malformed tool-call JSON, an unknown tool, an empty or
  cut-off reply): the model is told what was wrong and gets another step. After
  ``MAX_CONSECUTIVE_FAULTS`` such replies in a row the run ends with ``"error"``.
- a failed model call (HTTP error or timeout after the SDK's retries, or past
  ``model_timeout``): the run ends with ``"error"`` at once.
- cancellation (Ctrl-C, a caller's timeout): the run ends with ``"cancelled"``,
  keeping its steps so far, and the cancellation goes on. A script that was running
  gets a record of kind ``cancelled`` built from its live events (what it printed and
  which tools it called); ``RunFinished`` and ``Agent.last_run`` carry the run.

A sub-agent (``Agent.as_tool``) called by a step's script reports its model calls and
tokens to that step (``sub_agent_usage``) through a context variable, and the parent
run's usage includes them, however deep the nesting.

Only the first ``execute_typescript`` call of a reply runs; any others are answered
with a note to put all the work in one script.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

import anyio

from tsact._records.events import ConsoleEvent, ExecutionEvent, ToolCallFinished, ToolCallStarted
from tsact._records.record import ConsoleEntry, ErrorInfo, ExecutionRecord, ToolCallRecord, Versions

from .._sandbox import Sandbox
from .._session import Session
from .._tracing import SpanHandle, agent_span, model_span
from .._version import __version__
from ._events import (
    AgentEvent,
    CodeReady,
    ConsoleLine,
    ExecutionFinished,
    ModelFailed,
    ModelReplied,
    ModelTextDelta,
    RunFinished,
    StepFault,
    StepStarted,
    ToolCalled,
    ToolReturned,
)
from ._extract import extract_code
from ._model import ModelCallFailed, ModelClient, ModelReply, ModelToolCall
from ._observe import build_observation
from ._output import OutputInvalid, OutputSpec
from ._prompt import EXECUTE_TOOL, EXECUTE_TOOL_NAME, LAST_STEP_NOTICE
from ._records import AgentRun, AgentStep, Mode, RunStatus, Usage

MAX_CONSECUTIVE_FAULTS = 3
LOGGER = logging.getLogger("tsact.agent")

Emit = Callable[[AgentEvent], object]
UsageSink = Callable[[Usage], None]

USAGE_SINK: contextvars.ContextVar[UsageSink | None] = contextvars.ContextVar(
    "tsact_usage_sink", default=None
)
"""Where a sub-agent run reports its usage: the step of the calling agent whose script is
running (set around each script; tool calls inherit the context of the execution)."""


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class LoopSettings:
    """What one run needs from its agent."""

    model: ModelClient
    sandbox: Sandbox
    mode: Mode
    system_prompt: str
    max_steps: int
    output: OutputSpec | None
    max_observation_chars: int
    name: str = "tsact"


@dataclass
class _Answer:
    typed: Any
    json_value: Any


class _Fault(Exception):
    """The reply cannot be used; the message is for the model."""


@dataclass
class _LiveScript:
    """What the running script has done so far, from its events: the record of a script
    that was cancelled is built from it."""

    code: str
    started: float = field(default_factory=time.perf_counter)
    started_at: str = field(default_factory=lambda: now_iso())
    console: list[ConsoleEntry] = field(default_factory=list)
    calls: dict[int, ToolCallRecord] = field(default_factory=dict)

    def see(self, event: ExecutionEvent) -> None:
        if isinstance(event, ConsoleEvent):
            self.console.append(event.entry)
        else:
            self.calls[event.call.id] = event.call

    def cancelled_record(self, sandbox: Sandbox) -> ExecutionRecord:
        calls = list(self.calls.values())
        for call in calls:
            if call.status == "running":
                call.status = "cancelled"
                call.error = "the run was cancelled before this tool call finished"
        version = sandbox.deno_version
        return ExecutionRecord(
            id=uuid.uuid4().hex,
            source=self.code,
            status="error",
            error=ErrorInfo(
                kind="cancelled",
                message="the run was cancelled while the script ran; this record holds what "
                "it printed and the tool calls it made until then",
            ),
            console=self.console,
            tool_calls=calls,
            duration_ms=_ms_since(self.started),
            limits=sandbox.limits,
            versions=Versions(
                tsact=__version__, deno=version.deno, v8=version.v8, typescript=version.typescript
            ),
            started_at=self.started_at,
        )


CUT_OFF = (
    "Your reply was cut off at the output token limit before the code was complete, so "
    "nothing ran. Write a shorter script: keep data inside the script and print only what "
    "you need."
)
EMPTY = (
    "Your reply was empty. Go on with the task: run a script, or call final_answer(value) "
    "when you have the answer."
)
EXTRA_CALL = (
    f"Not run: only the first {EXECUTE_TOOL_NAME} call of a reply runs. Put all the work in "
    "one script."
)


def parse_tool_call(
    call: ModelToolCall, finish_reason: str | None, tool_names: Sequence[str]
) -> str:
    """The script of an ``execute_typescript`` call; raises ``_Fault`` when there is none."""
    if call.name != EXECUTE_TOOL_NAME:
        hint = ""
        bare = call.name.removeprefix("external_")
        if bare in tool_names:
            hint = f" To use {bare}, call external_{bare}(...) inside a script."
        raise _Fault(
            f"There is no tool named {call.name!r}, so nothing ran. The only tool is "
            f"{EXECUTE_TOOL_NAME}(code): write a TypeScript script that calls the external_* "
            f"functions you need.{hint}"
        )
    try:
        arguments = json.loads(call.arguments or "")
    except json.JSONDecodeError as exc:
        if finish_reason == "length":
            raise _Fault(CUT_OFF) from None
        raise _Fault(
            f"The arguments of your {EXECUTE_TOOL_NAME} call are not valid JSON ({exc.msg} at "
            f"character {exc.pos}), so nothing ran. Call it again with a JSON object: "
            '{"code": "<the whole script>"}.'
        ) from None
    code = arguments.get("code") if isinstance(arguments, dict) else None
    if not isinstance(code, str):
        raise _Fault(
            f'{EXECUTE_TOOL_NAME} takes one argument, "code": the whole script as a string. '
            "Nothing ran."
        )
    if not code.strip():
        raise _Fault("The script was empty, so nothing ran.")
    return code


class Loop:
    """One run of the agent loop, reporting events to ``emit``."""

    def __init__(self, settings: LoopSettings, task: str, emit: Emit, stream: bool) -> None:
        self.s = settings
        self.emit = emit
        self.stream = stream
        self.run = AgentRun(
            id=uuid.uuid4().hex,
            task=task,
            model=settings.model.model,
            mode=settings.mode,
            status="error",
            started_at=now_iso(),
            tsact_version=__version__,
        )
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": settings.system_prompt},
            {"role": "user", "content": task},
        ]
        self.tool_names = [item.name for item in settings.sandbox.tools]
        self.session = Session(settings.sandbox)
        """The task's variables, carried from one step's script to the next."""
        self.faults = 0
        self._start = time.perf_counter()
        self._parent_usage = USAGE_SINK.get()
        self._live: _LiveScript | None = None
        self._waiting_since: float | None = None
        self._span = SpanHandle(None)

    def _finish(self, status: RunStatus, *, error: str | None = None) -> AgentRun:
        self.run.status = status
        self.run.error = error
        self.run.duration_ms = round((time.perf_counter() - self._start) * 1000, 3)
        LOGGER.debug("run %s ended: %s after %d steps", self.run.id, status, len(self.run.steps))
        usage = self.run.usage
        self._span.set(
            gen_ai__usage__input_tokens=usage.prompt_tokens,
            gen_ai__usage__output_tokens=usage.completion_tokens,
            tsact__agent__status=status,
            tsact__agent__steps=len(self.run.steps),
            tsact__agent__model_calls=usage.model_calls,
            tsact__duration_ms=self.run.duration_ms,
        )
        if status != "final_answer":
            self._span.fail(status, error or status)
        self.emit(RunFinished(self.run))
        return self.run

    def _count(self, usage: Usage) -> None:
        """Add model calls and tokens to the run, and to the calling agent's step, if any."""
        self.run.usage = self.run.usage + usage
        if self._parent_usage is not None:
            self._parent_usage(usage)

    async def drive(self) -> AgentRun:
        """Run steps until an answer, an error, ``max_steps`` or cancellation."""
        LOGGER.debug("run %s started: model %s", self.run.id, self.run.model)
        with agent_span(self.run.model, self.run.id) as self._span:
            try:
                return await self._steps()
            except (anyio.get_cancelled_exc_class(), KeyboardInterrupt):
                self._cancelled()
                raise

    def _cancelled(self) -> None:
        """End the run as ``cancelled``, keeping what finished and what the script did."""
        step = self.run.steps[-1] if self.run.steps else None
        where = ""
        if step is not None:
            live, self._live = self._live, None
            if live is not None and step.record is None:
                step.execution_ms = _ms_since(live.started)
                step.record = live.cancelled_record(self.s.sandbox)
                where = f" at step {step.index}, while its script ran"
            elif self._waiting_since is not None:
                step.model_ms = _ms_since(self._waiting_since)
                where = f" at step {step.index}, while waiting for the model"
            else:
                where = f" at step {step.index}"
        self._finish("cancelled", error=f"the run was cancelled{where}")

    async def _steps(self) -> AgentRun:
        for index in range(1, self.s.max_steps + 1):
            step = AgentStep(index=index, started_at=now_iso())
            self.run.steps.append(step)
            self.emit(StepStarted(index))
            started = self._waiting_since = time.perf_counter()
            try:
                reply = await self._complete(index)
            except ModelCallFailed as exc:
                self._waiting_since = None
                step.model_ms = _ms_since(started)
                step.usage = Usage(model_calls=1)
                self._count(step.usage)
                step.model_error = str(exc)
                self.emit(ModelFailed(index, step.model_error))
                return self._finish("error", error=f"model call failed at step {index}: {exc}")
            self._waiting_since = None
            step.model_ms = _ms_since(started)
            step.model_text = reply.text
            step.finish_reason = reply.finish_reason
            step.usage = reply.usage
            self._count(reply.usage)
            self.emit(ModelReplied(index, reply.text, reply.finish_reason, reply.usage))
            try:
                answer = await self._step(step, reply, notice=index + 1 == self.s.max_steps)
            except _Fault as fault:
                step.fault = str(fault)
                self.emit(StepFault(index, step.fault))
                self.faults += 1
                if self.faults >= MAX_CONSECUTIVE_FAULTS:
                    return self._finish(
                        "error",
                        error=(
                            f"the model's last {self.faults} replies could not be used; the "
                            f"last one: {step.fault}"
                        ),
                    )
                continue
            if answer is not None:
                self.run._set_output(answer.typed, answer.json_value)
                return self._finish("final_answer")
        steps = self.s.max_steps
        return self._finish(
            "max_steps", error=f"no final answer after {steps} step{'s' if steps != 1 else ''}"
        )

    async def _complete(self, index: int) -> ModelReply:
        """One model call, in its span."""
        model = self.s.model
        with model_span(model.model, str(model.client.base_url)) as span:
            try:
                reply = await model.complete(
                    self.messages,
                    tools=[EXECUTE_TOOL] if self.s.mode == "tools" else None,
                    stream=self.stream,
                    on_text=functools.partial(self._delta, index),
                )
            except ModelCallFailed as exc:
                span.fail("model_call_failed", str(exc))
                raise
            span.set(
                gen_ai__response__finish_reasons=[reply.finish_reason or "unknown"],
                gen_ai__usage__input_tokens=reply.usage.prompt_tokens,
                gen_ai__usage__output_tokens=reply.usage.completion_tokens,
            )
            return reply

    def _delta(self, index: int, text: str) -> None:
        self.emit(ModelTextDelta(index, text))

    def _observe(self, step: AgentStep, text: str, notice: bool) -> str:
        if notice:
            text = f"{text}\n\n{LAST_STEP_NOTICE}"
        step.observation = text
        return text

    async def _step(self, step: AgentStep, reply: ModelReply, *, notice: bool) -> _Answer | None:
        """Act on one reply: run its code or take its answer. ``None`` means go on."""
        if self.s.mode == "tools" and reply.tool_calls:
            return await self._tool_calls(step, reply, notice)
        if self.s.mode == "text":
            extracted = extract_code(reply.text)
            if extracted.unterminated:
                self._fault_reply(step, reply, CUT_OFF, notice)
            if extracted.code is not None:
                self.messages.append({"role": "assistant", "content": reply.text})
                answer, observation = await self._run_code(step, extracted.code, notice)
                if answer is None:
                    self.messages.append({"role": "user", "content": observation})
                return answer
        if reply.finish_reason == "length":
            self._fault_reply(step, reply, CUT_OFF, notice)
        if not reply.text.strip():
            self._fault_reply(step, reply, EMPTY, notice)
        return self._text_answer(step, reply, notice)

    def _fault_reply(
        self, step: AgentStep, reply: ModelReply, message: str, notice: bool
    ) -> NoReturn:
        """Tell the model its (text) reply cannot be used, and raise ``_Fault``."""
        if reply.text.strip():
            self.messages.append({"role": "assistant", "content": reply.text})
        self.messages.append({"role": "user", "content": self._observe(step, message, notice)})
        raise _Fault(message)

    def _text_answer(self, step: AgentStep, reply: ModelReply, notice: bool) -> _Answer:
        text = reply.text.strip()
        if self.s.output is None:
            return _Answer(text, text)
        try:
            typed, json_value = self.s.output.validate_text(text)
        except OutputInvalid as exc:
            how = (
                f"call {EXECUTE_TOOL_NAME} with a script that calls final_answer(value)"
                if self.s.mode == "tools"
                else "run a script that calls final_answer(value)"
            )
            self._fault_reply(
                step,
                reply,
                f"Your reply has no code, and its text is not a valid {self.s.output.name}:\n"
                f"{exc}\nTo give the answer, {how} with a value of the declared type.",
                notice,
            )
        return _Answer(typed, json_value)

    async def _tool_calls(self, step: AgentStep, reply: ModelReply, notice: bool) -> _Answer | None:
        self.messages.append(reply.assistant_message())
        first, *others = reply.tool_calls
        fault: str | None = None
        answer: _Answer | None = None
        observation = ""
        try:
            code = parse_tool_call(first, reply.finish_reason, self.tool_names)
        except _Fault as exc:
            fault = str(exc)
            observation = self._observe(step, fault, notice)
        else:
            answer, observation = await self._run_code(step, code, notice)
            if answer is not None:
                return answer
        self.messages.append({"role": "tool", "tool_call_id": first.id, "content": observation})
        for call in others:
            self.messages.append({"role": "tool", "tool_call_id": call.id, "content": EXTRA_CALL})
        if fault is not None:
            raise _Fault(fault)
        return None

    async def _run_code(
        self, step: AgentStep, code: str, notice: bool
    ) -> tuple[_Answer | None, str]:
        """Run ``code``; an accepted ``final_answer``, or the observation for the model."""
        index = step.index
        step.code = code
        self.faults = 0
        self.emit(CodeReady(index, code))

        live = self._live = _LiveScript(code)

        def on_event(event: ExecutionEvent) -> None:
            live.see(event)
            if isinstance(event, ConsoleEvent):
                self.emit(ConsoleLine(index, event.entry))
            elif isinstance(event, ToolCallStarted):
                self.emit(ToolCalled(index, event.call))
            elif isinstance(event, ToolCallFinished):
                self.emit(ToolReturned(index, event.call))

        def sub_agent_used(usage: Usage) -> None:
            step.sub_agent_usage = step.sub_agent_usage + usage
            self._count(usage)

        token = USAGE_SINK.set(sub_agent_used)
        try:
            record = await self.session.run(code, on_event=on_event)
        finally:
            USAGE_SINK.reset(token)
        self._live = None
        step.execution_ms = _ms_since(live.started)
        step.record = record
        LOGGER.debug("step %d: script ended %s in %.1f ms", index, record.status, step.execution_ms)
        answer, observation = self._judge(record)
        if answer is not None:
            self.emit(ExecutionFinished(index, record, None))
            return answer, ""
        observation = self._observe(step, observation, notice)
        self.emit(ExecutionFinished(index, record, observation))
        return None, observation

    def _judge(self, record: ExecutionRecord) -> tuple[_Answer | None, str]:
        budget = self.s.max_observation_chars
        if not (record.final_answer and record.status == "ok"):
            return None, build_observation(record, max_chars=budget)
        if self.s.output is None:
            return _Answer(record.result, record.result), ""
        try:
            typed, json_value = self.s.output.validate(record.result)
        except OutputInvalid as exc:
            headline = (
                f"final_answer was rejected: the value is not a valid {self.s.output.name}:\n"
                f"{exc}\nCall final_answer again with a value of the declared type."
            )
            return None, build_observation(record, max_chars=budget, headline=headline)
        return _Answer(typed, json_value), ""


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)

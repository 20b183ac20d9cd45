"""run_stream, run_sync, events, and the run's JSON."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable

import anyio
import jsonschema
import pytest
from fake_openai import FakeOpenAI, code, slow, text
from pydantic import BaseModel
from seed_tools import MATH_TOOLS

from tsact import tool
from tsact.agent import (
    Agent,
    AgentEvent,
    AgentRun,
    CodeReady,
    ConsoleLine,
    ExecutionFinished,
    ModelFailed,
    ModelReplied,
    ModelTextDelta,
    RunFinished,
    StepStarted,
    ToolCalled,
    ToolReturned,
    agent_run_json_schema,
)

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]

cancelled: list[bool] = []


@tool
async def wait(seconds: float) -> str:
    """Wait, then say so."""
    try:
        await anyio.sleep(seconds)
    except anyio.get_cancelled_exc_class():
        cancelled.append(True)
        raise
    return "waited"


LIVE = """\
console.log("before the wait");
const said = await external_wait({ seconds: 0.4 });
final_answer(said);
"""


async def test_run_stream_events_and_live_console(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code(LIVE, content="Let me wait."))
    seen: list[tuple[float, AgentEvent]] = []
    async for event in make_agent([wait]).run_stream("Wait a bit."):
        seen.append((time.monotonic(), event))

    kinds = [type(event).__name__ for _, event in seen]
    assert kinds == [
        "StepStarted",
        "ModelTextDelta",
        "ModelTextDelta",
        "ModelTextDelta",
        "ModelReplied",
        "CodeReady",
        "ConsoleLine",
        "ToolCalled",
        "ToolReturned",
        "ExecutionFinished",
        "RunFinished",
    ]
    events = {type(e): (t, e) for t, e in seen}
    assert "".join(e.text for _, e in seen if isinstance(e, ModelTextDelta)) == "Let me wait."
    replied = events[ModelReplied][1]
    assert isinstance(replied, ModelReplied) and replied.text == "Let me wait."
    assert replied.usage.prompt_tokens > 0  # usage arrives in the stream's last chunk
    code_ready = events[CodeReady][1]
    assert isinstance(code_ready, CodeReady) and code_ready.code == LIVE
    line_time, line = events[ConsoleLine]
    assert isinstance(line, ConsoleLine) and line.entry.text == "before the wait"
    called = events[ToolCalled][1]
    assert isinstance(called, ToolCalled) and called.call.arguments == {"seconds": 0.4}
    returned_time, returned = events[ToolReturned]
    assert isinstance(returned, ToolReturned) and returned.call.result == "waited"
    # the console line came while the script was still running
    assert returned_time - line_time > 0.3
    finished = events[ExecutionFinished][1]
    assert isinstance(finished, ExecutionFinished) and finished.observation is None
    final = events[RunFinished][1]
    assert isinstance(final, RunFinished) and final.run.output == "waited"
    assert final.run.usage.prompt_tokens == replied.usage.prompt_tokens

    (request,) = server.requests
    assert request.stream and request.body["stream_options"] == {"include_usage": True}


async def test_leaving_the_stream_early_stops_the_run(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    cancelled.clear()
    server.push(code('await external_wait({ seconds: 20 });\nfinal_answer("late")'))
    stream = make_agent([wait]).run_stream("Wait long.")
    async with contextlib.aclosing(stream):
        async for event in stream:
            if isinstance(event, ToolCalled):
                break
    assert cancelled == [True]  # the tool was cancelled, not waited for


async def test_stream_with_a_model_timeout_ends_in_error(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(slow(30))
    events = [event async for event in make_agent(MATH_TOOLS, timeout=0.3).run_stream("Go.")]
    assert [type(e) for e in events] == [StepStarted, ModelFailed, RunFinished]
    final = events[-1]
    assert isinstance(final, RunFinished) and final.run.status == "error"
    assert "did not answer within 0.3 s" in str(final.run.error)


async def test_run_reports_events_without_deltas(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code('console.log("hi"); return 1', content="Step."), text("done"))
    events: list[AgentEvent] = []
    run = await make_agent(MATH_TOOLS).run("Go.", on_event=events.append)
    assert run.output == "done"
    assert [type(e).__name__ for e in events] == [
        "StepStarted",
        "ModelReplied",
        "CodeReady",
        "ConsoleLine",
        "ExecutionFinished",
        "StepStarted",
        "ModelReplied",
        "RunFinished",
    ]
    finished = events[4]
    assert isinstance(finished, ExecutionFinished)
    assert finished.observation == server.requests[1].observation
    assert not any(r.stream for r in server.requests)


def test_run_sync(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(code("final_answer(await external_AddNumbers({ left: 40, right: 2 }))"))
    run = make_agent(MATH_TOOLS).run_sync("40 + 2")
    assert run.status == "final_answer" and run.output == 42


class Answer(BaseModel):
    """A typed answer."""

    value: int
    unit: str


async def test_run_json_round_trip_and_schema(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(
        code('console.log("one"); return [1, 2]', content="First."),
        code('final_answer({ value: 3, unit: "m" })'),
    )
    run = await make_agent(MATH_TOOLS, output_type=Answer).run("Measure.")
    assert run.output == Answer(value=3, unit="m")

    text_ = run.to_json()
    back = AgentRun.from_json(text_)
    assert back.to_json() == text_
    assert back.output == {"value": 3, "unit": "m"}
    assert back.output_as(Answer) == run.output
    assert [
        s.record.console[0].text if s.record and s.record.console else None for s in back.steps
    ] == ["one", None]
    assert back.records[0].result == [1, 2]
    assert back.steps[0].model_text == "First."
    assert back.steps[0].observation == server.requests[1].observation
    assert back.usage == run.usage
    assert run.usage.model_calls == 2
    assert run.usage.prompt_tokens == sum(s.usage.prompt_tokens for s in run.steps)
    assert run.usage.total_tokens == run.usage.prompt_tokens + run.usage.completion_tokens

    jsonschema.validate(json.loads(text_), agent_run_json_schema())
    assert list(json.loads(text_))[:7] == [
        "format",
        "id",
        "task",
        "model",
        "mode",
        "status",
        "output",
    ]

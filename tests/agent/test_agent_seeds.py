"""The seed tasks, end to end: real openai client over HTTP, real sandbox."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fake_openai import EXECUTE, FakeOpenAI, code, text
from pydantic import BaseModel
from seed_tools import (
    CITIES_SCRIPT,
    CITY_TOOLS,
    LOG_COUNT,
    LOG_TOOLS,
    LOGS_SCRIPT,
    MATH_SCRIPT,
    MATH_TOOLS,
    POPULATIONS,
    generate_logs,
)

from tsact.agent import Agent

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]


async def test_math_seed_takes_one_model_call(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(code(MATH_SCRIPT))
    agent = make_agent(MATH_TOOLS)
    run = await agent.run("Compute (7 + 5) * 9 with the math tools, and give the current UTC time.")

    assert run.status == "final_answer", run.error
    assert run.output["result"] == 108
    stamp = datetime.fromisoformat(run.output["utc_time"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    assert run.usage.model_calls == 1
    assert len(run.steps) == 1 and run.steps[0].observation is None
    record = run.steps[0].record
    assert record is not None and record.final_answer
    assert [(c.name, c.arguments, c.result) for c in record.tool_calls] == [
        ("AddNumbers", {"left": 7, "right": 5}, 12),
        ("MultiplyNumbers", {"left": 12, "right": 9}, 108),
    ]

    # What the model was given: the system prompt with the declarations, the task, one tool.
    (request,) = server.requests
    system, user = request.messages
    assert system["role"] == "system" and user == {
        "role": "user",
        "content": "Compute (7 + 5) * 9 with the math tools, and give the current UTC time.",
    }
    assert "```ts\n" in system["content"]
    assert "external_AddNumbers" in system["content"]
    assert "external_MultiplyNumbers" in system["content"]
    assert agent.sandbox.declarations().strip() in system["content"]
    assert "final_answer" in system["content"] and "fresh sandbox" in system["content"]
    assert [t["function"]["name"] for t in request.body["tools"]] == [EXECUTE]
    assert request.body["model"] == "fake-model"
    assert not request.stream


class CityStats(BaseModel):
    """The answer of the cities seed."""

    cities: list[str]
    total: int
    stddev: float


async def test_cities_seed_typed_answer_in_one_call(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code(CITIES_SCRIPT))
    agent = make_agent(CITY_TOOLS, output_type=CityStats)
    run = await agent.run(
        "What's the total population of the 5 largest cities in Vietnam? "
        "Include the standard deviation."
    )

    assert run.status == "final_answer", run.error
    assert isinstance(run.output, CityStats)
    expected = sorted(POPULATIONS["Vietnam"].items(), key=lambda item: -item[1])[:5]
    assert run.output.cities == [name for name, _ in expected]
    assert run.output.total == sum(p for _, p in expected) == 21_444_740
    assert run.output.stddev == pytest.approx(statistics.pstdev(p for _, p in expected))
    assert run.usage.model_calls == len(server.requests) == 1
    record = run.steps[0].record
    assert record is not None and len(record.tool_calls) == 1 + len(POPULATIONS["Vietnam"])
    assert run.output_json == {
        "cities": run.output.cities,
        "total": run.output.total,
        "stddev": run.output.stddev,
    }


async def test_logs_seed_keeps_the_records_inside_the_script(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    answer = "Most errors come from gateway (454), payments (452) and auth (274)."
    server.push(code(LOGS_SCRIPT), text(answer))
    agent = make_agent(LOG_TOOLS)
    run = await agent.run("Analyse this week's error logs: which modules fail most?")

    assert run.status == "final_answer", run.error
    assert run.output == answer
    assert run.usage.model_calls == 2

    # The 12,450 records stay in the record...
    record = run.steps[0].record
    assert record is not None and record.ok
    assert len(record.tool_calls[0].result) == LOG_COUNT
    errors = sum(1 for log in generate_logs() if log["level"] == "ERROR")
    # ...and the model sees a few lines.
    second = server.requests[1]
    observation = second.last
    assert observation["role"] == "tool"
    assert observation["tool_call_id"] == second.messages[-2]["tool_calls"][0]["id"]
    content = observation["content"]
    assert f"records: {LOG_COUNT}, errors: {errors}" in content
    assert '{"top":[["gateway",454],["payments",452],["auth",274]]}' in content
    assert len(content) < 400, content
    assert run.steps[0].observation == content
    # the second request costs little more than the first
    first_tokens = run.steps[0].usage.prompt_tokens
    assert run.steps[1].usage.prompt_tokens - first_tokens < 400

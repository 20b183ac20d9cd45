"""The agent runs a task in a session: variables carry from one step's script to the next."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fake_openai import FakeOpenAI, code
from seed_tools import CITY_TOOLS

from tsact.agent import Agent

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]


async def test_a_later_step_uses_what_an_earlier_one_computed(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        code(
            'const cities = await external_search_cities({ country: "Vietnam" });\n'
            "console.log(cities.length);"
        ),
        code("final_answer(cities.filter((c) => c.startsWith('H')).length);"),
    )
    run = await make_agent(CITY_TOOLS).run("How many Vietnamese cities start with H?")
    assert run.status == "final_answer" and run.output == 4
    assert len(run.steps[1].record.tool_calls) == 0  # type: ignore[union-attr]
    observation = server.requests[1].observation
    assert observation.endswith("Kept for the next script: cities (array of 10 strings).")


async def test_the_prompt_says_what_carries_and_how_to_answer(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code("final_answer(1);"))
    await make_agent(CITY_TOOLS).run("Say 1.")
    prompt = server.requests[0].messages[0]["content"]
    assert "carry into your next script" in prompt
    assert "the tools may keep state of their own" in prompt
    assert "you see nothing that script printed" in prompt
    assert "in the form the task asks for" in prompt


async def test_a_returned_string_is_shown_as_text(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code('return "line one\\nline two";'), code("final_answer('done');"))
    await make_agent(CITY_TOOLS).run("Show two lines.")
    observation = server.requests[1].observation
    assert "Returned:\nline one\nline two" in observation


async def test_console_gets_the_room_a_missing_result_leaves(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        code("for (let i = 0; i < 400; i++) console.log('row ' + i);"),
        code("final_answer('done');"),
    )
    await make_agent(CITY_TOOLS, max_observation_chars=4000).run("Print rows.")
    observation = server.requests[1].observation
    assert len(observation) <= 4000
    shown = [line for line in observation.splitlines() if line.startswith("row ")]
    assert len(shown) > 250  # about 85% of the budget, not 40%

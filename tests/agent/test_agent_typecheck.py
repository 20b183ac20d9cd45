"""An agent that type-checks: what the checker stops, what it lets run, and never a raise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, code, text
from seed_tools import CITY_TOOLS

from tsact import Limits
from tsact._scripts.checker import TypeChecker
from tsact.agent import Agent

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]

SLOW_TYPES = """\
type L = "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h";
type Perm<T extends string, U extends string = T> =
  [T] extends [never] ? [] : T extends T ? [T, ...Perm<Exclude<U, T>>] : never;
const p: Perm<L> = ["a"];
"""


async def test_a_contract_bug_is_stopped_and_strictness_is_not(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        code('return await external_get_population({ town: "Hue" });'),
        code(
            'const names = await external_search_cities({ country: "Vietnam" });\n'
            'const hue = names.find((n) => n === "Hue");\n'
            "final_answer(await external_get_population({ city: hue }));"
        ),
    )
    run = await make_agent(CITY_TOOLS, typecheck=True).run("Population of Hue?")
    assert (run.status, run.output) == ("final_answer", 652_572)
    first = run.steps[0].record
    assert first is not None and first.error is not None and first.error.kind == "type"
    assert "The script did not run: the type checker found 1 error" in (
        server.requests[1].observation
    )


async def test_a_check_past_timeout_s_is_an_observation(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code(SLOW_TYPES), text("gave up"))
    run = await make_agent(CITY_TOOLS, typecheck=True, limits=Limits(timeout_s=1)).run("Go.")
    assert (run.status, run.output) == ("final_answer", "gave up")
    record = run.steps[0].record
    assert record is not None and record.error is not None and record.error.kind == "type"
    assert "type checking took longer than timeout_s" in server.requests[1].observation


async def test_a_broken_checker_is_an_internal_record_not_an_exception(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code("return 1"), text("done"))
    agent = make_agent(CITY_TOOLS, typecheck=True)
    agent.sandbox._checker = TypeChecker(Path("/bin/false"))
    run = await agent.run("Go.")
    assert run.output == "done"
    record = run.steps[0].record
    assert record is not None and record.error is not None
    assert record.error.kind == "internal"
    assert record.error.message.startswith("the type checker failed")
    agent.close()

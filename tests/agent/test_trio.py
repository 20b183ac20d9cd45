"""The other anyio backend, end to end: scripts, tools, limits, spares and the agent's
stream run on trio as they do on asyncio (the channel reads through anyio's stream there,
and sync tools answer from the event loop's worker threads)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from fake_openai import FakeOpenAI, code
from seed_tools import CITY_TOOLS, MATH_TOOLS

from tsact import Limits, Sandbox, tool
from tsact.agent import Agent, RunFinished

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "trio"


@tool
def add(a: int, b: int) -> int:
    """Add two numbers (a sync tool)."""
    return a + b


@tool
async def multiply(a: int, b: int) -> int:
    """Multiply two numbers (an async tool)."""
    return a * b


async def test_scripts_and_both_kinds_of_tools_run_on_trio() -> None:
    sandbox = Sandbox([add, multiply], limits=Limits(timeout_s=20))
    record = await sandbox.run(
        "const [s, p] = await Promise.all([external_add({ a: 1, b: 2 }),"
        " external_multiply({ a: 3, b: 4 })]);\nconsole.log(s);\nreturn s + p"
    )
    assert (record.status, record.result) == ("ok", 15)
    assert [entry.text for entry in record.console] == ["3"]
    assert [call.status for call in record.tool_calls] == ["ok", "ok"]
    failed = await sandbox.run("await external_add({ a: 'x', b: 1 })")
    assert failed.error is not None and failed.error.kind == "tool"
    stopped = await sandbox.run("while (true) {}", limits=Limits(timeout_s=1, fuel=None))
    assert stopped.error is not None and stopped.error.kind == "timeout"


async def test_spares_and_sessions_work_on_trio() -> None:
    sandbox = Sandbox([add], limits=Limits(timeout_s=20))
    async with sandbox, sandbox.session() as session:
        await sandbox.warm()
        first = await session.run("const total = await external_add({ a: 2, b: 2 });")
        second = await session.run("return total * 10")
    assert first.timings.prewarmed and second.result == 40


async def test_the_agent_and_its_stream_run_on_trio(
    server: FakeOpenAI, make_agent: Callable[..., Agent]
) -> None:
    server.push(code("const s = await external_AddNumbers({ left: 2, right: 3 });\nreturn s"))
    server.push(code("final_answer(s * 2);"))
    run = await make_agent(MATH_TOOLS).run("Twice two plus three.")
    assert (run.status, run.output) == ("final_answer", 10)
    server.push(code('final_answer((await external_search_cities({ country: "Vietnam" }))[0]);'))
    stream = make_agent(CITY_TOOLS).run_stream("First city.")
    finished = None
    async with contextlib.aclosing(stream):
        async for event in stream:
            if isinstance(event, RunFinished):
                finished = event.run
    assert finished is not None and finished.status == "final_answer"

"""Model timeouts, cancellation that keeps what finished, and sub-agents' usage."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import anyio
import pytest
from fake_openai import FakeOpenAI, Reply, code, slow
from seed_tools import CITY_TOOLS, MATH_TOOLS

from tsact import tool
from tsact.agent import Agent, AgentEvent, ModelFailed, RunFinished, Usage

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]


async def test_model_timeout_ends_a_call_that_never_answers(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(slow(60))
    events: list[AgentEvent] = []
    # the SDK's own timeout is long: model_timeout alone ends the call
    run = await make_agent(MATH_TOOLS, timeout=60.0, model_timeout=0.5).run(
        "Go.", on_event=events.append
    )
    assert run.status == "error"
    assert run.error == (
        f"model call failed at step 1: the model endpoint {server.url} gave no reply within "
        "model_timeout (0.5 s; --model-timeout on the command line)"
    )
    assert [type(event) for event in events][1:] == [ModelFailed, RunFinished]
    assert run.steps[0].model_error is not None and run.steps[0].fault is None
    assert run.usage.model_calls == 1


def test_model_timeout_has_a_default_and_is_checked(server: FakeOpenAI) -> None:
    agent = Agent("m", base_url=server.url, api_key="k")
    assert agent.model_timeout == 180.0
    assert Agent("m", base_url=server.url, api_key="k", model_timeout=None).model_timeout is None
    for bad in (0, -1.0, True, "5"):
        with pytest.raises(ValueError, match="model_timeout must be > 0"):
            Agent("m", base_url=server.url, api_key="k", model_timeout=bad)  # type: ignore[arg-type]


async def test_a_cancelled_run_keeps_its_finished_steps(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    asked = threading.Event()

    def second(_request: object) -> Reply:
        asked.set()
        return slow(60)

    server.push(code("console.log('step one'); return 1;"))
    server.responder = second  # type: ignore[assignment]
    agent = make_agent(MATH_TOOLS, model_timeout=None)
    finished: list[RunFinished] = []
    with anyio.move_on_after(30) as scope:
        async with anyio.create_task_group() as group:

            async def run() -> None:
                await agent.run(
                    "Go.",
                    on_event=lambda e: finished.append(e) if isinstance(e, RunFinished) else None,
                )

            group.start_soon(run)
            await anyio.to_thread.run_sync(asked.wait, 30)
            group.cancel_scope.cancel()
    assert not scope.cancelled_caught
    partial = agent.last_run
    assert partial is not None and partial.status == "cancelled"
    assert partial.error == "the run was cancelled at step 2, while waiting for the model"
    assert [step.index for step in partial.steps] == [1, 2]
    first = partial.steps[0].record
    assert first is not None and first.ok and first.console[0].text == "step one"
    assert partial.usage.model_calls == 1  # the cancelled call gave no usage
    assert [event.run for event in finished] == [partial]


gate = threading.Event()


@tool
def blocker(label: str) -> str:
    """Wait until the test lets go."""
    gate.wait(30)
    return label


async def test_a_script_cancelled_mid_run_has_a_record_of_what_it_did(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    gate.clear()
    server.push(
        code(
            "console.log('before');\n"
            "const a = await external_AddNumbers({ left: 1, right: 2 });\n"
            "await external_blocker({ label: 'x' });\n"
            "return a;"
        )
    )
    agent = make_agent([*MATH_TOOLS, blocker])
    started = anyio.Event()

    def on_event(event: AgentEvent) -> None:
        if getattr(event, "call", None) is not None and event.call.name == "blocker":  # type: ignore[union-attr]
            started.set()

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: agent.run("Go.", on_event=on_event))
            await started.wait()
            group.cancel_scope.cancel()
    finally:
        gate.set()
    partial = agent.last_run
    assert partial is not None and partial.status == "cancelled"
    assert partial.error == "the run was cancelled at step 1, while its script ran"
    record = partial.steps[0].record
    assert record is not None and record.error is not None
    assert record.error.kind == "cancelled"
    assert [entry.text for entry in record.console] == ["before"]
    assert [(call.name, call.status) for call in record.tool_calls] == [
        ("AddNumbers", "ok"),
        ("blocker", "cancelled"),
    ]
    assert record.tool_calls[0].result == 3


async def test_sub_agent_usage_adds_into_the_parent_run(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    with FakeOpenAI(model="inner-model") as inner_server:
        inner_usage = {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
        inner_server.push(
            Reply(tool_calls=code("return 1;").tool_calls, usage=inner_usage),
            Reply(content="8053663", usage=inner_usage),
        )
        researcher = Agent(
            "inner-model",
            CITY_TOOLS,
            base_url=inner_server.url,
            api_key="sk-inner",
            max_retries=0,
            typecheck=False,
        )
        outer_usage = {"prompt_tokens": 1000, "completion_tokens": 50, "total_tokens": 1050}
        server.push(
            Reply(
                tool_calls=code(
                    'return await external_researcher({ task: "Population of Hanoi?" });'
                ).tool_calls,
                usage=outer_usage,
            ),
            Reply(content="done", usage=outer_usage),
        )
        tool_ = researcher.as_tool(name="researcher", description="Finds facts about cities.")
        run = await make_agent([*MATH_TOOLS, tool_]).run("Population of Hanoi.")

    assert run.status == "final_answer", run.error
    inner = Usage(model_calls=2, prompt_tokens=200, completion_tokens=20, total_tokens=220)
    assert run.steps[0].sub_agent_usage == inner
    assert run.steps[1].sub_agent_usage == Usage()
    assert run.usage == Usage(
        model_calls=4, prompt_tokens=2200, completion_tokens=120, total_tokens=2320
    )
    assert run.usage == sum((step.usage + step.sub_agent_usage for step in run.steps), Usage())


def test_run_sync_works_inside_a_running_event_loop(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    """A notebook cell runs inside an event loop: run_sync must not need its own thread's."""
    server.push(code("final_answer(await external_AddNumbers({ left: 20, right: 22 }));"))
    agent = make_agent(MATH_TOOLS)
    box: dict[str, object] = {}

    async def cell() -> None:
        box["run"] = agent.run_sync("Add.")

    thread = threading.Thread(target=lambda: asyncio.run(cell()))
    thread.start()
    thread.join(60)
    run = box.get("run")
    assert run is not None, "run_sync raised inside the running loop"
    assert run.status == "final_answer" and run.output == 42  # type: ignore[attr-defined]

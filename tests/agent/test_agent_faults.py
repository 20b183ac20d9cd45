"""Model-side faults: each is told to the model to fix, or ends the run with a clear error.

Never a hang: every failing call is bounded by the client's timeout and retries.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fake_openai import EXECUTE, FakeOpenAI, Reply, ToolCall, call, code, http_error, slow, text
from seed_tools import CITY_TOOLS, MATH_TOOLS

from tsact.agent import Agent, StepFault
from tsact.agent._loop import CUT_OFF, EMPTY

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]


async def test_malformed_tool_call_json(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    bad = '{"code": "return 1'
    server.push(call(EXECUTE, bad), code("final_answer(1)"))
    run = await make_agent(MATH_TOOLS).run("One.")

    assert run.status == "final_answer" and run.output == 1
    assert run.steps[0].fault is not None and run.steps[0].record is None
    second = server.requests[1]
    # the malformed call is echoed back as sent, and answered on its own id
    assert second.messages[-2]["tool_calls"][0]["function"]["arguments"] == bad
    assert second.last["role"] == "tool"
    assert second.last["tool_call_id"] == second.messages[-2]["tool_calls"][0]["id"]
    assert second.observation.startswith(
        "The arguments of your execute_typescript call are not valid JSON (Unterminated string"
    )
    assert '{"code": "<the whole script>"}' in second.observation


async def test_arguments_without_code(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(call(EXECUTE, {"script": "return 1"}), code("final_answer(1)"))
    run = await make_agent(MATH_TOOLS).run("One.")
    assert run.output == 1
    assert server.requests[1].observation.startswith(
        'execute_typescript takes one argument, "code"'
    )


async def test_call_to_an_unknown_tool(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(call("search_cities", {"country": "Vietnam"}), code("final_answer(1)"))
    run = await make_agent(CITY_TOOLS).run("Cities?")
    assert run.output == 1
    observation = server.requests[1].observation
    assert observation.startswith("There is no tool named 'search_cities', so nothing ran.")
    assert "call external_search_cities(...) inside a script" in observation


async def test_empty_reply(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(Reply(content=""), text("fine"))
    run = await make_agent(MATH_TOOLS).run("Anything.")
    assert run.output == "fine"
    assert run.steps[0].fault == EMPTY
    second = server.requests[1]
    assert second.last == {"role": "user", "content": EMPTY}
    assert [m["role"] for m in second.messages] == ["system", "user", "user"]


async def test_reply_cut_off_by_max_tokens(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(
        Reply(tool_calls=(ToolCall(EXECUTE, '{"code": "const rows = ['),), finish_reason="length"),
        Reply(content="The answer is", finish_reason="length"),
        code("final_answer(3)"),
    )
    run = await make_agent(MATH_TOOLS, model_settings={"max_tokens": 16}).run("Three.")
    assert run.status == "final_answer" and run.output == 3
    assert server.requests[0].body["max_tokens"] == 16
    assert server.requests[1].observation == CUT_OFF and server.requests[1].last["role"] == "tool"
    third = server.requests[2]
    assert third.messages[-2] == {"role": "assistant", "content": "The answer is"}
    assert third.last == {"role": "user", "content": CUT_OFF}


async def test_text_mode_reply_cut_off_inside_a_code_block(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        text("```ts\nconst x = await external_AddNumbers({ left: 1,", finish_reason="length"),
        text("```ts\nfinal_answer(2)\n```"),
    )
    run = await make_agent(MATH_TOOLS, mode="text").run("Two.")
    assert run.output == 2
    assert server.requests[1].observation == CUT_OFF
    assert run.steps[0].record is None


async def test_repeated_faults_end_the_run(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(Reply(content=""), call("nope", "{}"), call(EXECUTE, "not json"))
    faults: list[str] = []
    run = await make_agent(MATH_TOOLS).run(
        "Go.", on_event=lambda e: faults.append(e.message) if isinstance(e, StepFault) else None
    )
    assert run.status == "error"
    assert run.error is not None and run.error.startswith(
        "the model's last 3 replies could not be used; the last one: The arguments of your"
    )
    assert len(server.requests) == 3 and len(faults) == 3


async def test_faults_count_only_in_a_row(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(
        Reply(content=""),
        call(EXECUTE, "not json"),
        code("console.log(await external_AddNumbers({ left: 1, right: 2 }));"),
        call("nope", "{}"),
        text("3"),
    )
    run = await make_agent(MATH_TOOLS).run("One plus two.")
    assert run.status == "final_answer" and run.output == "3"
    assert [step.fault is not None for step in run.steps] == [True, True, False, True, False]
    assert run.steps[2].record is not None and run.steps[2].record.console[0].text == "3"
    assert len(server.requests) == 5


async def test_http_500_after_the_sdk_retries(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(http_error(500, "overloaded"), http_error(502, "bad gateway"), http_error(500))
    run = await make_agent(MATH_TOOLS, max_retries=2).run("Go.")
    assert run.status == "error"
    assert len(server.requests) == 3
    assert run.error == (
        f"model call failed at step 1: the model endpoint {server.url} answered HTTP 500: "
        "scripted failure (after 2 retries)"
    )
    assert run.usage.model_calls == 1 and run.steps[0].model_error is not None
    assert run.steps[0].fault is None


async def test_http_429_then_success_mid_run(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(code("return 1"), http_error(429, "slow down"), text("ok"))
    run = await make_agent(MATH_TOOLS, max_retries=1).run("Go.")
    assert run.status == "final_answer" and run.output == "ok"
    assert len(server.requests) == 3
    # the retried request is the same request
    assert server.requests[1].body == server.requests[2].body


async def test_http_429_without_retries(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(http_error(429, "rate limited"))
    run = await make_agent(MATH_TOOLS).run("Go.")
    assert run.status == "error"
    assert run.error is not None
    assert run.error.endswith("answered HTTP 429: rate limited (no retries)")


async def test_http_400_is_not_retried(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(http_error(400, "context length exceeded"))
    run = await make_agent(MATH_TOOLS, max_retries=3).run("Go.")
    assert run.error is not None and run.error.endswith("HTTP 400: context length exceeded")
    assert len(server.requests) == 1


async def test_timeout(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(slow(30))
    run = await make_agent(MATH_TOOLS, timeout=0.3).run("Go.")
    assert run.status == "error"
    assert run.error == (
        f"model call failed at step 1: the model endpoint {server.url} did not answer within "
        "0.3 s (no retries)"
    )


async def test_unreachable_endpoint(make_agent: AgentFactory) -> None:
    with FakeOpenAI() as gone:
        url = gone.url
    run = await make_agent(MATH_TOOLS, base_url=url).run("Go.")
    assert run.status == "error"
    assert run.error is not None
    assert f"could not reach the model endpoint {url}" in run.error


async def test_unreadable_responses(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(
        Reply(raw_body="<html>gateway</html>"),
        Reply(raw_body='{"object": "list"}'),
        Reply(raw_body='{"choices": [{"index": 0, "finish_reason": "stop"}]}'),
    )
    agent = make_agent(MATH_TOOLS)
    errors = [(await agent.run("Go.")).error for _ in range(3)]
    assert all(error is not None for error in errors)
    assert "sent a response that cannot be read" in str(errors[0])
    assert "not a chat completion" in str(errors[1])
    assert "a choice without a message" in str(errors[2])


async def test_missing_usage_counts_calls(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(Reply(content="fine", send_usage=False))
    run = await make_agent(MATH_TOOLS).run("Go.")
    assert run.usage.model_calls == 1 and run.usage.total_tokens == 0


def test_client_timeout_settings_are_used(server: FakeOpenAI) -> None:
    client = server.client(timeout=1.5, max_retries=4)
    agent = Agent("m", MATH_TOOLS, client=client, typecheck=False)
    assert agent.client is client

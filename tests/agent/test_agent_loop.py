"""The loop: errors fed back and fixed, typed answers, limits, modes, approvals, sub-agents.

Each test asserts on what the fake server received (the observations the model saw),
not only on what the agent returned.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fake_openai import EXECUTE, FakeOpenAI, Reply, ToolCall, code, http_error, text
from pydantic import BaseModel
from seed_tools import CITY_TOOLS, MATH_TOOLS

from tsact import ApprovalRequest, tool
from tsact.agent import Agent
from tsact.agent._prompt import LAST_STEP_NOTICE

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]

BROKEN = """\
const names = await external_search_cities({ country: "Vietnam" });
const first = names.find((name) => name.startsWith("Z"));
console.log("looking at", names.length, "cities");
return first.toUpperCase();
"""
FIXED = """\
const names = await external_search_cities({ country: "Vietnam" });
final_answer(names.find((name) => name.startsWith("H")) ?? "none");
"""


async def test_runtime_error_is_shown_and_fixed(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(code(BROKEN), code(FIXED))
    run = await make_agent(CITY_TOOLS).run("Name a Vietnamese city starting with Z, upper case.")

    assert run.status == "final_answer" and run.output == "Hai Phong"
    assert len(run.steps) == 2
    first = run.steps[0].record
    assert first is not None and first.error is not None
    assert (first.error.kind, first.error.line) == ("runtime", 4)

    observation = server.requests[1].observation
    assert observation.startswith("The script failed: runtime error at line 4, column ")
    assert "TypeError: Cannot read properties of undefined (reading 'toUpperCase')" in observation
    assert "   4 | return first.toUpperCase();" in observation
    assert "   4 | return first.toUpperCase();\n     |              ^\n" in observation
    assert "Console output before the error:\nlooking at 10 cities" in observation
    assert run.steps[0].observation == observation


async def test_reply_without_code_ends_the_run(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(text("Paris is the capital of France."))
    run = await make_agent(MATH_TOOLS).run("What is the capital of France?")
    assert run.status == "final_answer"
    assert run.output == "Paris is the capital of France."
    assert run.steps[0].code is None and run.steps[0].record is None
    assert len(server.requests) == 1


async def test_max_steps_reached(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(code("return 1"), code("return 2"), code("return 3"))
    run = await make_agent(MATH_TOOLS, max_steps=3).run("Count forever.")

    assert run.status == "max_steps"
    assert run.error == "no final answer after 3 steps"
    assert run.output is None
    assert len(run.steps) == 3 and len(server.requests) == 3
    assert [r.observation for r in server.requests[1:]] == [
        "The script ran without error.\nReturned:\n1",
        "The script ran without error.\nReturned:\n2\n\n" + LAST_STEP_NOTICE,
    ]
    # the last observation is kept in the run, though no model call saw it
    assert run.steps[2].observation == "The script ran without error.\nReturned:\n3"


class Stats(BaseModel):
    """A typed answer."""

    cities: list[str]
    total: int
    stddev: float


async def test_invalid_typed_final_answer_is_fed_back(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        code('console.log("trying");\nfinal_answer({ cities: ["Hanoi"], total: "lots" });'),
        code('final_answer({ cities: ["Hanoi"], total: 8053663, stddev: 0 });'),
    )
    agent = make_agent(CITY_TOOLS, output_type=Stats)
    run = await agent.run("Stats for Hanoi.")

    assert run.status == "final_answer"
    assert run.output == Stats(cities=["Hanoi"], total=8053663, stddev=0.0)
    first = run.steps[0].record
    assert first is not None and first.final_answer and first.ok

    observation = server.requests[1].observation
    assert observation.startswith("final_answer was rejected: the value is not a valid Stats:")
    assert "- total: Input should be a valid integer" in observation
    assert "- stddev: missing" in observation
    assert "Console:\ntrying" in observation
    assert "declared type" in server.requests[0].messages[0]["content"]


async def test_typed_answer_given_as_text(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    server.push(text("about forty-two"), text("42"))
    run = await make_agent(MATH_TOOLS, output_type=int).run("How many?")

    assert run.status == "final_answer" and run.output == 42
    assert run.steps[0].fault is not None
    observation = server.requests[1].observation
    assert server.requests[1].last["role"] == "user"
    assert "its text is not a valid int" in observation
    assert "final_answer(value)" in observation


async def test_text_mode(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    reply = (
        "Let me add them.\n```ts\nconst s = await external_AddNumbers({ left: 2, right: 3 });\n"
        "console.log(`sum=${s}`);\n```\n"
    )
    server.push(text(reply), text("The sum is 5."))
    agent = make_agent(MATH_TOOLS, mode="text")
    run = await agent.run("Add 2 and 3.")

    assert run.status == "final_answer" and run.output == "The sum is 5."
    assert run.steps[0].code == (
        "const s = await external_AddNumbers({ left: 2, right: 3 });\nconsole.log(`sum=${s}`);"
    )
    first, second = server.requests
    assert "tools" not in first.body and "tools" not in second.body
    assert "```ts" in first.messages[0]["content"]
    assert second.messages[-2] == {"role": "assistant", "content": reply}
    assert second.last["role"] == "user"
    assert second.observation == (
        "The script ran without error (1 tool call).\nConsole:\nsum=5\n"
        "Kept for the next script: s (number)."
    )


async def test_text_mode_final_answer_in_script(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        text("```typescript\nfinal_answer(await external_AddNumbers({left: 1, right: 1}))\n```")
    )
    run = await make_agent(MATH_TOOLS, mode="text").run("1 + 1?")
    assert run.status == "final_answer" and run.output == 2
    assert len(server.requests) == 1


sent: list[str] = []


@tool(requires_approval=True)
def send_email(to: str, body: str) -> str:
    """Send an email."""
    sent.append(to)
    return f"sent to {to}"


async def test_approvals_granted_and_refused(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    sent.clear()
    asked: list[ApprovalRequest] = []

    def approve(request: ApprovalRequest) -> bool:
        asked.append(request)
        return bool(request.arguments["to"] != "boss@example.com")

    server.push(
        code(
            'console.log(await external_send_email({ to: "team@example.com", body: "hi" }));\n'
            'await external_send_email({ to: "boss@example.com", body: "hi" });\n'
        ),
        text("I could email the team but not the boss."),
    )
    run = await make_agent([send_email], approve=approve).run("Email the team and the boss.")

    assert run.status == "final_answer"
    assert sent == ["team@example.com"]
    assert [(r.name, r.arguments) for r in asked] == [
        ("send_email", {"to": "team@example.com", "body": "hi"}),
        ("send_email", {"to": "boss@example.com", "body": "hi"}),
    ]
    observation = server.requests[1].observation
    assert observation.startswith("The script failed: tool error at line 2")
    assert "send_email: the call was not approved" in observation
    assert "Console output before the error:\nsent to team@example.com" in observation
    assert "Failed tool calls (1 of 2):" in observation
    assert '- external_send_email({"to":"boss@example.com","body":"hi"})' in observation


async def test_sub_agent(server: FakeOpenAI, make_agent: AgentFactory) -> None:
    with FakeOpenAI() as inner_server:
        researcher = Agent(
            "inner-model",
            CITY_TOOLS,
            base_url=inner_server.url,
            api_key="sk-inner",
            max_retries=0,
            typecheck=False,
            output_type=int,
        )
        inner_server.push(
            code('final_answer(await external_get_population({ city: "Hanoi" }));'),
            http_error(400, "inner model is gone"),
        )
        server.push(
            code(
                'const pop = await external_researcher({ task: "Population of Hanoi?" });\n'
                "final_answer(await external_MultiplyNumbers({ left: pop, right: 2 }));"
            ),
            code('return await external_researcher({ task: "Population of Hue?" });'),
            text("done"),
        )
        tool_ = researcher.as_tool(name="researcher", description="Finds facts about cities.")
        outer = make_agent([*MATH_TOOLS, tool_])

        run = await outer.run("Twice the population of Hanoi.")
        assert run.status == "final_answer" and run.output == 2 * 8_053_663
        assert "external_researcher" in server.requests[0].messages[0]["content"]
        (inner_request,) = inner_server.requests
        assert inner_request.messages[1] == {"role": "user", "content": "Population of Hanoi?"}
        assert inner_request.body["model"] == "inner-model"

        run = await outer.run("Population of Hue.")
        observation = server.requests[2].observation
        assert "the sub-agent ended without an answer (error)" in observation
        assert "HTTP 400: inner model is gone" in observation


async def test_only_the_first_script_of_a_reply_runs(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    server.push(
        Reply(
            tool_calls=(
                ToolCall(EXECUTE, json.dumps({"code": "return 1"}), id="a"),
                ToolCall(EXECUTE, json.dumps({"code": "return 2"}), id="b"),
            )
        ),
        text("one"),
    )
    run = await make_agent(MATH_TOOLS).run("Go.")
    assert run.output == "one"
    messages = server.requests[1].messages
    assert messages[-2] == {
        "role": "tool",
        "tool_call_id": "a",
        "content": "The script ran without error.\nReturned:\n1",
    }
    assert messages[-1]["tool_call_id"] == "b"
    assert messages[-1]["content"].startswith("Not run: only the first execute_typescript call")


async def test_type_errors_caught_before_running(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    """A final answer of the wrong type stops the script; the script's own annotation that
    does not fit is only a note, and is not listed in the type record."""
    server.push(
        code(
            'const n: number = "seven";\n'
            "final_answer(String(await external_AddNumbers({ left: n, right: 1 })));"
        ),
        code("final_answer(await external_AddNumbers({ left: 7, right: 1 }));"),
    )
    async with make_agent(MATH_TOOLS, typecheck=True, output_type=int) as agent:
        assert agent.typecheck
        run = await agent.run("7 + 1")
    assert run.status == "final_answer"
    assert run.output == 8
    record = run.steps[0].record
    assert record is not None and record.error is not None
    assert record.error.kind == "type"
    assert [d.line for d in record.error.diagnostics] == [2]
    assert record.tool_calls == []  # nothing ran
    observation = server.requests[1].observation
    assert observation.startswith("The script did not run: the type checker found 1 error.")
    assert "script.ts:1:" not in observation
    assert "script.ts:2:14 - error TS2345: Argument of type 'string' is not assignable" in (
        observation
    )
    assert "   2 | final_answer(String(await external_AddNumbers({ left: n, right: 1 })));" in (
        observation
    )
    assert server.requests[1].last["role"] == "tool"

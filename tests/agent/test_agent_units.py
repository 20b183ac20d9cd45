"""The agent's pure parts: code extraction, cutting, observations, prompt, configuration."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fake_openai import FakeOpenAI
from seed_tools import CITY_TOOLS, MATH_TOOLS

from tsact import Diagnostic, ErrorInfo, ExecutionRecord, Sandbox, ToolDefinitionError
from tsact._records.record import ConsoleEntry, ToolCallRecord
from tsact.agent import (
    EXECUTE_TOOL_NAME,
    Agent,
    Usage,
    agent_run_json_schema,
    build_observation,
    build_system_prompt,
    cut,
    extract_code,
)

# code extraction (text mode)


def test_extract_tagged_blocks_joined_in_order() -> None:
    reply = (
        'First:\n```ts\nconst a = 1;\n```\nsome prose\n```json\n{"x": 1}\n```\n'
        "```TypeScript\nconsole.log(a);\n```\n```js\nreturn a;\n```"
    )
    extracted = extract_code(reply)
    assert extracted.code == "const a = 1;\n\nconsole.log(a);\n\nreturn a;"
    assert not extracted.unterminated


def test_extract_untagged_only_without_tagged() -> None:
    assert extract_code("```\nreturn 1\n```").code == "return 1"
    assert extract_code("```\nnot code\n```\n```ts\nreturn 2\n```").code == "return 2"


def test_extract_ignores_other_languages_and_prose() -> None:
    assert extract_code("The answer is 4.").code is None
    assert extract_code("```python\nprint(1)\n```").code is None
    assert extract_code("```ts\n\n```").code is None


def test_extract_unterminated_block_means_cut_off() -> None:
    extracted = extract_code("```ts\nconst x = [1, 2,")
    assert extracted.code is None and extracted.unterminated
    assert not extract_code("```python\nprint(").unterminated


def test_extract_longer_and_tilde_fences() -> None:
    assert extract_code("````ts\nconst s = '```';\n````").code == "const s = '```';"
    assert extract_code("~~~typescript\nreturn 3\n~~~").code == "return 3"


# cutting


def test_cut_keeps_short_text() -> None:
    assert cut("hello", 10) == "hello"


def test_cut_keeps_head_and_tail_and_says_what_was_left_out() -> None:
    text = "\n".join(f"line {i:04d}" for i in range(1000))
    result = cut(text, 400)
    assert result.startswith("line 0000\n") and result.endswith("line 0999")
    marker = re.search(r"\[\.\.\. ([\d,]+) characters, ([\d,]+) lines left out \.\.\.\]", result)
    assert marker is not None
    left_out = int(marker.group(1).replace(",", ""))
    assert len(result) - len(marker.group(0)) + left_out == len(text)
    assert int(marker.group(2)) == (left_out + 1) // 10  # whole lines of 9 characters + newline
    assert len(result) < 400 + len(marker.group(0)) + 2
    # whole lines on both sides
    head, tail = result.split(marker.group(0))
    assert head.endswith("\n") and tail.startswith("\n")
    lines = [line for line in (head + tail).splitlines() if line]
    assert all(re.fullmatch(r"line \d{4}", line) for line in lines)


def test_cut_a_single_long_line() -> None:
    result = cut("x" * 10_000, 200)
    assert "[... 9,800 characters left out ...]" in result
    assert result.startswith("x" * 100) and result.endswith("x" * 100)


# observations


def record(**fields: Any) -> ExecutionRecord:
    fields.setdefault("id", "r1")
    fields.setdefault("source", "return 1")
    fields.setdefault("status", "ok")
    return ExecutionRecord(**fields)


def test_observation_of_type_errors() -> None:
    source = 'const n: number = "seven";\nconst m: string = 1;\n'
    diagnostics = [
        Diagnostic(
            line=1,
            column=7,
            end_line=1,
            end_column=8,
            code=2322,
            message="Type 'string' is not assignable to type 'number'.",
        ),
        Diagnostic(
            line=2,
            column=7,
            end_line=2,
            end_column=8,
            code=2322,
            message="Type 'number' is not assignable to type 'string'.",
        ),
    ]
    error = ErrorInfo(kind="type", message="2 type errors", diagnostics=diagnostics)
    observation = build_observation(record(source=source, status="error", error=error))
    assert observation == (
        "The script did not run: the type checker found 2 errors. Fix them and run it again.\n"
        "script.ts:1:7 - error TS2322: Type 'string' is not assignable to type 'number'.\n"
        '   1 | const n: number = "seven";\n'
        "     |       ^\n"
        "script.ts:2:7 - error TS2322: Type 'number' is not assignable to type 'string'.\n"
        "   2 | const m: string = 1;\n"
        "     |       ^"
    )


def test_observation_of_a_syntax_error() -> None:
    error = ErrorInfo(kind="syntax", message="unexpected '='", line=1, column=5)
    observation = build_observation(record(source="x = = 1", status="error", error=error))
    assert observation == (
        "The script did not run: syntax error at line 1, column 5.\nunexpected '='\n"
        "   1 | x = = 1\n     |     ^"
    )


def test_observation_of_a_limit() -> None:
    error = ErrorInfo(kind="timeout", message="the script ran for more than 2 s")
    console = [ConsoleEntry(level="warn", text="slow", t_ms=1.0)]
    observation = build_observation(
        record(status="error", error=error, console=console), max_chars=1000
    )
    assert observation == (
        "The script failed: timeout error.\nthe script ran for more than 2 s\n"
        "Console output before the error:\n[warn] slow"
    )


def test_observation_when_nothing_is_returned_or_printed() -> None:
    assert "returned nothing and printed nothing" in build_observation(record(result=None))


def test_observation_cuts_long_console_and_result() -> None:
    console = [ConsoleEntry(level="log", text=f"row {i}", t_ms=0.0) for i in range(5000)]
    observation = build_observation(
        record(console=console, result=list(range(5000))), max_chars=2000
    )
    assert len(observation) < 2400
    assert observation.count("left out ...]") == 2
    assert "row 0\n" in observation and "row 4999" in observation
    assert observation.rstrip().endswith("4998,4999]")


def test_observation_lists_failed_tool_calls() -> None:
    calls = [
        ToolCallRecord(
            id=i,
            name="get_population",
            arguments={"city": f"C{i}"},
            status="error",
            error=f"get_population: no data for C{i}",
        )
        for i in range(7)
    ]
    calls.append(ToolCallRecord(id=9, name="get_population", arguments={"city": "Hue"}, result=1))
    observation = build_observation(record(tool_calls=calls, result=1))
    assert "Failed tool calls (7 of 8):" in observation
    assert '- external_get_population({"city":"C0"}): get_population: no data for C0' in observation
    assert "- ... and 2 more failed calls" in observation
    assert "C5" not in observation


@pytest.mark.parametrize("max_chars", [1000, 4000, 16_000])
def test_observation_stays_within_its_budget_when_every_part_is_oversized(
    max_chars: int,
) -> None:
    console = [ConsoleEntry(level="warn", text="w" * 300, t_ms=0.0) for _ in range(2000)]
    calls = [
        ToolCallRecord(
            id=i, name="lookup", arguments={"key": "k" * 5000}, status="error", error="e" * 5000
        )
        for i in range(7)
    ]
    source = "\n".join(["let a = 1;"] * 99_999 + ["x" * 10_000])
    stack = "Error: boom\n" + "\n".join(f"    at f{i} (script.ts:{i}:1)" for i in range(3000))
    failed = ErrorInfo(
        kind="runtime", message="boom\n" * 5000, line=100_000, column=9_999, stack=stack
    )
    diagnostics = [
        Diagnostic(line=100_000, column=1, end_line=1, end_column=2, code=2322, message="t" * 3000)
        for _ in range(30)
    ]
    records = [
        record(source=source, status="error", error=failed, console=console, tool_calls=calls),
        record(
            source=source,
            status="error",
            error=ErrorInfo(kind="type", message="30 type errors", diagnostics=diagnostics),
            console=console,
            tool_calls=calls,
        ),
        record(result=list(range(50_000)), console=console, tool_calls=calls),
    ]
    for item in records:
        observation = build_observation(item, max_chars=max_chars)
        assert len(observation) <= max_chars
        assert observation.count("left out ...]") >= 3
    rejected = build_observation(records[2], max_chars=max_chars, headline="h" * 50_000)
    assert len(rejected) <= max_chars and rejected.startswith("h" * 40)


# prompt


def test_system_prompt_in_both_modes() -> None:
    declarations = "declare function external_f(args: { x: number }): Promise<number>;\n"
    tools = build_system_prompt(
        declarations, mode="tools", typed_output=False, instructions="Answer in French."
    )
    assert f"call the `{EXECUTE_TOOL_NAME}` tool" in tools
    assert "```ts\n" + declarations + "```" in tools
    assert tools.endswith("Answer in French.")
    for rule in (
        "fresh sandbox",
        "No imports, no network, no files",
        "final_answer(value)",
        "Keep big data inside the script",
        "return` a JSON value",
    ):
        assert rule in tools
    assert "its text is the answer" in tools
    text = build_system_prompt(declarations, mode="text", typed_output=True, instructions=None)
    assert "fenced code block (```ts" in text and EXECUTE_TOOL_NAME not in text
    assert "declared type" in text and "its text is the answer" not in text
    assert "type-checked" not in text
    checked = build_system_prompt(
        declarations, mode="tools", typed_output=False, instructions=None, typecheck=True
    )
    assert "Each script is type-checked before it runs" in checked
    assert "a missing `await`" in checked and "possibly undefined" in checked


def test_agent_prompt_uses_the_sandbox_declarations(server: FakeOpenAI) -> None:
    agent = Agent(
        "m", CITY_TOOLS, base_url=server.url, api_key="k", typecheck=False, instructions="Be brief."
    )
    assert agent.sandbox.declarations() in agent.system_prompt
    assert agent.system_prompt.endswith("Be brief.")
    assert "type-checked" not in agent.system_prompt  # typecheck=False: nothing to say
    checked = Agent("m", CITY_TOOLS, base_url=server.url, api_key="k")
    assert "Each script is type-checked before it runs" in checked.system_prompt
    assert "search_cities" in repr(agent)


# configuration errors


class Opaque:
    """Not something pydantic can validate."""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "json"}, "mode must be 'tools' or 'text'"),
        ({"max_steps": 0}, "max_steps must be an integer >= 1"),
        ({"max_observation_chars": 10}, "max_observation_chars must be"),
        ({"model_settings": {"stream": True, "tools": []}}, "cannot set stream, tools"),
        ({"output_type": Opaque}, "cannot be described as JSON"),
        ({"timeout": 0}, "timeout must be > 0"),
        ({"client": object()}, "pass either client= or base_url/api_key"),
        ({"sandbox": "x"}, "pass either sandbox= or tools"),
        ({"sandbox": "x", "tools": ()}, "sandbox must be a tsact.Sandbox"),
    ],
)
def test_bad_configuration(server: FakeOpenAI, options: dict[str, Any], message: str) -> None:
    options.setdefault("base_url", server.url)
    options.setdefault("api_key", "k")
    tools = options.pop("tools", MATH_TOOLS)
    with pytest.raises(ValueError, match=re.escape(message)):
        Agent("m", tools, **options)


def test_bad_model_and_task(server: FakeOpenAI) -> None:
    with pytest.raises(ValueError, match="model must be a non-empty"):
        Agent("", MATH_TOOLS, base_url=server.url, api_key="k")
    agent = Agent("m", MATH_TOOLS, base_url=server.url, api_key="k", typecheck=False)
    with pytest.raises(ValueError, match="task must be a non-empty string"):
        agent.run_sync("   ")
    assert server.requests == []


def test_no_endpoint_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="no model endpoint: pass base_url= and api_key="):
        Agent("m", MATH_TOOLS)
    # a local server without a key is fine
    Agent("m", MATH_TOOLS, base_url="http://127.0.0.1:9/v1", typecheck=False)


def test_a_ready_sandbox(server: FakeOpenAI) -> None:
    sandbox = Sandbox(MATH_TOOLS)
    agent = Agent("m", sandbox=sandbox, base_url=server.url, api_key="k")
    assert agent.sandbox is sandbox


def test_a_ready_sandbox_gives_its_output_type(server: FakeOpenAI) -> None:
    typed = Sandbox(MATH_TOOLS, output_type=int)
    agent = Agent("m", sandbox=typed, base_url=server.url, api_key="k")
    assert agent.output_type is int
    assert "declare function final_answer(value: number): never;" in agent.system_prompt
    assert "declared type" in agent.system_prompt
    same = Agent("m", sandbox=typed, output_type=int, base_url=server.url, api_key="k")
    assert same.output_type is int
    with pytest.raises(ValueError, match=re.escape("output_type=<class 'str'> differs from")):
        Agent("m", sandbox=typed, output_type=str, base_url=server.url, api_key="k")
    untyped = Sandbox(MATH_TOOLS)
    with pytest.raises(ValueError, match="give the type to the sandbox"):
        Agent("m", sandbox=untyped, output_type=int, base_url=server.url, api_key="k")
    assert Agent("m", sandbox=untyped, base_url=server.url, api_key="k").output_type is None


def test_as_tool_checks_its_arguments(server: FakeOpenAI) -> None:
    agent = Agent(
        "m", MATH_TOOLS, base_url=server.url, api_key="k", typecheck=False, output_type=int
    )
    with pytest.raises(ValueError, match="needs a description"):
        agent.as_tool(name="helper", description=" ")
    with pytest.raises(ToolDefinitionError, match="not a valid identifier"):
        agent.as_tool(name="my helper", description="Helps.")
    helper = agent.as_tool(name="helper", description="Helps.")
    assert helper.name == "helper" and helper.output_schema() == {"type": "integer"}
    assert helper.input_schema()["required"] == ["task"]


def test_usage_adds_up() -> None:
    total = Usage(model_calls=1, prompt_tokens=10, completion_tokens=2, total_tokens=12) + Usage(
        model_calls=1, prompt_tokens=5, completion_tokens=1, total_tokens=6
    )
    assert total == Usage(model_calls=2, prompt_tokens=15, completion_tokens=3, total_tokens=18)


def test_run_schema_is_draft_2020_12() -> None:
    schema = agent_run_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "AgentStep" in schema["$defs"] and "ExecutionRecord" in schema["$defs"]

"""Every fault is a record with a kind, positioned in the user's own lines."""

from __future__ import annotations

import pytest

from tsact import Limits, Sandbox

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox([], limits=Limits(timeout_s=10))


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        ("const x: number = ;", 1, 17),
        ("const a = 1;\nif (a {\n}", 2, None),
        ("const a = 1;\nconst b = (;\n", 2, None),
    ],
)
async def test_syntax_errors_are_refused_with_the_line(
    sandbox: Sandbox, source: str, line: int, column: int | None
) -> None:
    record = await sandbox.run(source)
    assert record.status == "error"
    assert record.error is not None and record.error.kind == "syntax"
    assert record.error.line == line
    if column is not None:
        assert record.error.column == column
    assert record.tool_calls == [] and record.console == []


async def test_runtime_error_maps_to_user_lines_and_columns(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('start');\nfunction inner(o: any) {\n  return o.missing.deeper;\n}\n"
        "function outer() { return inner({}); }\nouter();"
    )
    assert record.error is not None
    assert record.error.kind == "runtime"
    assert record.error.name == "TypeError"
    assert record.error.message.startswith("TypeError: Cannot read properties of undefined")
    assert (record.error.line, record.error.column) == (3, 20)
    assert record.error.stack is not None
    frames = record.error.stack.splitlines()[1:]
    assert frames == [
        "    at inner (script.ts:3:20)",
        "    at outer (script.ts:5:27)",
        "    at script.ts:6:1",
    ]
    assert [entry.text for entry in record.console] == ["start"]


async def test_first_line_column_is_the_users(sandbox: Sandbox) -> None:
    record = await sandbox.run("  throw new RangeError('bad')")
    assert record.error is not None
    assert (record.error.line, record.error.column) == (1, 9)
    assert record.error.message == "RangeError: bad"


async def test_trailing_expression_keeps_columns(sandbox: Sandbox) -> None:
    record = await sandbox.run("const o: any = null;\no.x")
    assert record.error is not None
    assert (record.error.line, record.error.column) == (2, 3)


async def test_thrown_non_errors(sandbox: Sandbox) -> None:
    record = await sandbox.run("throw { code: 7 }")
    assert record.error is not None
    assert record.error.kind == "runtime"
    assert record.error.message == "{ code: 7 }"
    record = await sandbox.run("throw 'plain'")
    assert record.error is not None and record.error.message == "plain"


async def test_unhandled_rejection_and_timer_errors(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "Promise.reject(new Error('lost'));\nawait new Promise((r) => setTimeout(r, 50));"
    )
    assert record.error is not None
    assert record.error.kind == "runtime" and "lost" in record.error.message
    record = await sandbox.run(
        "setTimeout(() => { throw new Error('late') }, 0);\n"
        "await new Promise((r) => setTimeout(r, 50));"
    )
    assert record.error is not None and "late" in record.error.message
    assert record.error.line == 1


async def test_result_that_is_not_json(sandbox: Sandbox) -> None:
    record = await sandbox.run("return 10n")
    assert record.error is not None and record.error.kind == "runtime"
    assert "not JSON-serialisable" in record.error.message
    record = await sandbox.run("const a: any = {}; a.self = a; return a")
    assert record.error is not None and "circular" in record.error.message.lower()


async def test_stack_overflow_is_a_runtime_error(sandbox: Sandbox) -> None:
    record = await sandbox.run("function f(): number { return f() + 1 }\nf()")
    assert record.error is not None
    assert record.error.kind == "runtime"
    assert "Maximum call stack size exceeded" in record.error.message
    assert record.error.line == 1


async def test_console_and_tool_calls_before_a_failure_are_kept() -> None:
    from .tools import ALL

    sandbox = Sandbox(ALL)
    record = await sandbox.run(
        "console.log('a');\nconst s = await external_AddNumbers({ left: 1, right: 2 });\n"
        "console.log(s);\nnull.boom;"
    )
    assert record.error is not None and record.error.line == 4
    assert [entry.text for entry in record.console] == ["a", "3"]
    assert [call.result for call in record.tool_calls] == [3]


async def test_lone_surrogates_never_break_the_record() -> None:
    from tsact import tool

    @tool
    def echo(value: str) -> str:
        """Return the text."""
        return value

    @tool
    def broken_text() -> str:
        """Return text that is not Unicode."""
        return "bad \ud800 text"

    @tool
    def broken_error() -> str:
        """Fail with a message that is not Unicode."""
        raise ValueError("bad \udfff message")

    sandbox = Sandbox([echo, broken_text, broken_error], typecheck=True)
    record = await sandbox.run(
        "const bad = String.fromCharCode(0xD800) + 'x\\\\ud800';\n"
        "console.log(bad);\n"
        "const back = await external_echo({ value: bad });\n"
        "let text = '', error = '';\n"
        "try { text = await external_broken_text() } catch (e) { text = (e as Error).message }\n"
        "try { await external_broken_error() } catch (e) { error = (e as Error).message }\n"
        "return { bad, back, text, error };"
    )
    assert record.status == "ok", record.error
    assert record.result == {
        "bad": "\ufffdx\\ud800",
        "back": "\ufffdx\\ud800",
        "text": "broken_text returned text that is not valid Unicode",
        "error": "broken_error failed: ValueError: bad \ufffd message",
    }
    assert record.console[0].text == "\ufffdx\\ud800"
    assert '"status": "ok"' in record.to_json()
    from_source = await sandbox.run("return '\ud800'.length")
    assert from_source.result == 1
    assert from_source.source == "return '\ufffd'.length"
    sandbox.close()


async def test_a_nul_character_is_refused(sandbox: Sandbox) -> None:
    record = await sandbox.run("1\x00")
    assert record.error is not None and record.error.kind == "syntax"
    assert record.error.message == "the script contains a NUL character"


async def test_refusal_columns_count_utf16_units_like_syntax_errors(sandbox: Sandbox) -> None:
    # '😀' is one character but two UTF-16 units, as V8 counts columns
    forbidden = await sandbox.run("const s = '😀😀'; await import('x')")
    broken = await sandbox.run("const s = '😀😀'; const t = ;")
    assert forbidden.error is not None and forbidden.error.kind == "syntax"
    assert "dynamic import() is not available" in forbidden.error.message
    assert (forbidden.error.line, forbidden.error.column) == (1, 25)  # 23 in code points
    assert broken.error is not None and broken.error.message == "unexpected '='"
    assert (broken.error.line, broken.error.column) == (1, 27)  # the '=', in the same units

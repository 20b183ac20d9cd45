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

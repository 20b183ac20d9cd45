"""JavaScript runs as a strict classic script, evaluated at once; TypeScript is imported.

The two goals must mean the same program: a classic script that fails to compile is
imported for Deno's located report, and the forms the two goals read apart are refused
before anything runs (`await` outside an async function here; HTML-like comments and
escaped keywords in ``test_attacks_fuel.py``).
"""

from __future__ import annotations

import pytest

from tsact import Limits, Sandbox
from tsact._scripts.prepare import CLASSIC_OPEN, MODULE_OPEN, prepare

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox([], limits=Limits(timeout_s=10, fuel=100_000))


def prepared(source: str) -> tuple[str, str | None, bool]:
    script = prepare(source, max_source_bytes=1 << 20, fuel=True)
    return script.module, script.classic, script.javascript


def test_javascript_gets_a_classic_script_column_for_column() -> None:
    module, classic, javascript = prepared("const n: number = 1;\nreturn n + 1")
    assert javascript and classic is not None
    assert len(CLASSIC_OPEN) == len(MODULE_OPEN)
    assert module.startswith(MODULE_OPEN)
    assert classic == CLASSIC_OPEN + module[len(MODULE_OPEN) :]
    assert classic.startswith('"use strict";')


def test_typescript_has_no_classic_script() -> None:
    module, classic, javascript = prepared("enum Color { Red }\nreturn Color.Red")
    assert not javascript and classic is None
    assert module.startswith(MODULE_OPEN)


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("return 1 + 1", 2),
        ("enum Color { Red, Green }\nreturn Color.Green", 1),  # TypeScript: imported
        ("const f = async (x: number) => x * 2;\nreturn await f(21)", 42),
    ],
)
async def test_both_paths_run(sandbox: Sandbox, source: str, result: object) -> None:
    record = await sandbox.run(source)
    assert record.status == "ok", record.error
    assert record.result == result


async def test_the_classic_script_is_strict(sandbox: Sandbox) -> None:
    record = await sandbox.run("undeclared = 5;\nreturn 1")
    assert record.error is not None and record.error.kind == "runtime"
    assert record.error.message == "ReferenceError: undeclared is not defined"
    assert record.error.line == 1
    record = await sandbox.run("return [typeof this, (function () { return this; })()]")
    assert record.result == ["undefined", None]


async def test_nothing_the_script_declares_becomes_global(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "var v = 1; let l = 2; function f() {}\n"
        "return ['v', 'l', 'f'].map((name) => name in globalThis)"
    )
    assert record.result == [False, False, False]


async def test_code_from_strings_stays_refused(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const tries = [() => eval('1'), () => new Function('return 1'), "
        "() => (0, eval)('1')];\n"
        "return tries.map((t) => { try { t(); return 'ran'; } catch (e) { return String(e); } })"
    )
    assert (
        record.result == ["EvalError: Code generation from strings disallowed for this context"] * 3
    )


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("let x = 1;\nlet x = 2;\nreturn x", 2, 5, "Identifier 'x' has already been declared"),
        ("const a = 1;\nfor (;;) { continue missing; }", 2, 21, "Undefined label 'missing'"),
        ("let y = 1;\nlet await = 2;\nreturn y", 2, 5, "`await` cannot be used as an identifier"),
    ],
)
async def test_a_script_that_does_not_compile_is_reported_where(
    sandbox: Sandbox, source: str, line: int, column: int, message: str
) -> None:
    """tree-sitter accepts these; V8 does not, and a classic script's error says not
    where: the module import that follows does."""
    assert prepared(source)[1] is not None
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "syntax", record
    assert message in record.error.message
    assert (record.error.line, record.error.column) == (line, column)
    assert record.error.stack is not None and "data:" not in record.error.stack
    assert f"script.ts:{line}:{column}" in record.error.stack


@pytest.mark.parametrize(
    "source",
    [
        # to a classic script `await` is an identifier outside async functions: the
        # regex tree-sitter reads would be a division, and the loop in it would run
        "var await = 1;\nfunction f() { return await /1; while (true) {} //g }\nreturn f()",
        "var await = 1;\nconst f = () => await /1; while (true) {} //g\nreturn f()",
        "var await = 1;\nconst o = { m() { return await /1; while (true) {} //g } };\nreturn o.m()",
        "var await = 1;\nconst o = { get m() { return await /1; for (;;) {} //g } };\nreturn o.m",
        "var await = 1;\nclass A { x = await /1; while (true) {} //g }\nreturn new A()",
        "class B { static { await /1; while (true) {} //g } }\nreturn 1",
        "var await = 1;\nconst f = function () { return await /1; for (;;) {} //g };\nreturn f()",
        "var await = 1;\nfunction g(a = await /1; while (true) {} //g) {}\nreturn g()",
        "async function outer() {\n  function inner() { await 1; }\n}\nreturn 1",
        "function h() { for await (const x of []) {} }\nreturn 1",
        "[1].forEach((x) => { await x; });",
    ],
)
async def test_await_outside_an_async_function_is_refused(sandbox: Sandbox, source: str) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "syntax", record
    assert record.error.message == (
        "await is only valid at the script's top level and in async functions: "
        "make the function that holds it async"
    )
    assert record.timings.spawn_ms == 0  # refused before any process started


async def test_await_where_it_is_the_operator_runs(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const one = async () => await 1;\n"
        "async function two() { return (await one()) + 1; }\n"
        "const o = { async three() { return (await two()) + 1; } };\n"
        "class C { async four() { return (await o.three()) + 1; } }\n"
        "async function* gen() { yield await 5; }\n"
        "const seen = [];\nfor await (const v of gen()) seen.push(v);\n"
        "return [await new C().four(), ...seen]"
    )
    assert record.status == "ok", record.error
    assert record.result == [4, 5]

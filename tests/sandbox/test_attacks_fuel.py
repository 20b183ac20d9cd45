"""Fuel under attack: the meter cannot be reached, running out is terminal, every place
where script code runs is metered, and the fuel pass reads the program Deno runs.

Each script below broke one of these promises before (issue: "Every promise of the
sandbox holds under attack"); each test asserts the exact outcome in the record.
"""

from __future__ import annotations

import pytest

from tsact import ExecutionRecord, Limits, Sandbox

from .tools import ALL

pytestmark = pytest.mark.anyio

BUDGET = 10_000


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    # Unmetered, each attack would run for minutes: a timeout would say it escaped.
    return Sandbox(ALL, limits=Limits(timeout_s=20, fuel=BUDGET))


def assert_out_of_fuel(record: ExecutionRecord, line: int | None = None) -> None:
    assert record.error is not None, record.result
    assert record.error.kind == "fuel", record.error
    assert record.fuel_used == BUDGET
    assert record.console == [] and record.tool_calls == []
    if line is not None:
        assert record.error.line == line


# -- the meter is out of reach ------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        # the wrapper used to pass the meter as a parameter: arguments[0] was the meter
        "const m = (arguments as any)[0];\n"
        "if (m) { m.counter[0] = 2147483647; m.out = () => {}; }\n"
        "while (true) {}",
        "const self = this as any;\nif (self) self.counter[0] = 2147483647;\nwhile (true) {}",
        # call sites would hand out functions and receivers: prepareStackTrace is read-only
        "try { (Error as any).prepareStackTrace = (_: unknown, cs: any[]) =>"
        " cs.map((c) => c.getThis()); } catch {}\nnew Error().stack;\nwhile (true) {}",
        "try { (Error as any).stackTraceLimit = 0; } catch {}\nwhile (true) {}",
        "const f = function () { return (f as any).caller; };\n"
        "try { f(); } catch {}\nwhile (true) {}",
    ],
)
async def test_nothing_the_script_can_reach_leads_to_the_meter(
    sandbox: Sandbox, source: str
) -> None:
    assert_out_of_fuel(await sandbox.run(source))


async def test_the_script_sees_no_arguments_and_no_receiver(sandbox: Sandbox) -> None:
    record = await sandbox.run("return [arguments.length, typeof this]")
    assert record.result == [0, "undefined"]


async def test_the_engine_hooks_are_read_only(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const out: string[] = [];\n"
        "for (const [o, k] of [[Error, 'prepareStackTrace'], [Error, 'stackTraceLimit'],"
        " [Promise.prototype, 'constructor'], [Promise, Symbol.species]] as any) {\n"
        "  try { Object.defineProperty(o, k, { value: 1 }); out.push('redefined'); }\n"
        "  catch (e) { out.push((e as Error).name); }\n"
        "}\nreturn out"
    )
    assert record.result == ["TypeError"] * 4


# -- running out is terminal ---------------------------------------------------------------

PATCHES = [
    "String.prototype.indexOf = () => { throw 1 };",
    "(String.prototype as any).slice = () => { throw 1 };",
    "Object.defineProperty(Error.prototype, 'name', { get() { while (true) {} } });",
    "Object.defineProperty(Error.prototype, 'message', { get() { throw 1 } });",
    "(Array.prototype as any)[Symbol.iterator] = function* () { while (true) yield 1 };",
    "Array.prototype.push = () => { throw 1 };",
    "(Promise.prototype as any).then = function () { return this };",
    "JSON.stringify = () => { throw 1 };",
    "(Atomics as any).wait = () => 'ok'; (Atomics as any).store = () => 0;",
    "(Uint8Array.prototype as any).set = () => { throw 1 };",
    "Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'length',"
    " { get() { return 0 } });",
    "Object.defineProperty(Object.prototype, 'get', { get() { throw 1 } });",
    "Object.defineProperty(Object.prototype, 'value', { get() { throw 1 } });",
    "(WeakMap.prototype as any).set = () => { throw 1 };",
    "Error.captureStackTrace = () => { throw 1 };",
]


@pytest.mark.parametrize("patch", PATCHES)
async def test_running_out_ends_the_script_whatever_it_patched(
    sandbox: Sandbox, patch: str
) -> None:
    record = await sandbox.run(f"{patch}\ntry {{ while (true) {{}} }} catch {{}}\nreturn 'escaped'")
    assert_out_of_fuel(record, line=2)


async def test_no_script_code_runs_after_fuel_runs_out(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "queueMicrotask(() => console.log('microtask'));\n"
        "setTimeout(() => console.log('timer'), 0);\n"
        "const later = Promise.resolve().then(() => console.log('handler'));\n"
        "try { while (true) {} }\n"
        "catch { console.log('catch'); await external_echo({ value: 1 }); final_answer(42); }\n"
        "finally { console.log('finally'); }\n"
        "return 'escaped'"
    )
    assert_out_of_fuel(record, line=4)


async def test_running_out_in_a_tool_charge_is_terminal_too() -> None:
    sandbox = Sandbox(ALL, limits=Limits(timeout_s=20, fuel=1_000, fuel_per_tool_call=400))
    record = await sandbox.run(
        "const seen: unknown[] = [];\n"
        "for (let i = 0; i < 5; i++) {\n"
        "  try { seen.push(await external_echo({ value: i })); } catch (e) { seen.push(e); }\n"
        "}\n"
        "console.log(seen.length);\nreturn seen"
    )
    assert record.error is not None and record.error.kind == "fuel"
    assert record.fuel_used == 1_000
    assert [call.result for call in record.tool_calls] == [0, 1]
    assert record.console == []


async def test_a_getter_in_the_result_cannot_outlive_the_fuel(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "return { get x() { try { while (true) {} } catch { return 'escaped' } } }"
    )
    assert_out_of_fuel(record, line=1)


# -- every place where script code runs is metered ------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "function f(a = f()) {}",
        "function f({ a = f() } = {}) {}",
        "function f([a = f()] = []) {}",
        "const f = (a = f()) => a;",
        "class A { x = new A(); }\nconst f = () => new A();",
        "class B { static n = 0; y = new B(); }\nconst f = () => new B();",
        "const o = { m(a = o.m()) { return a; } };\nconst f = () => o.m();",
        "class C { constructor(public v = new C()) {} }\nconst f = () => new C();",
        "class D { #p = [new D()]; }\nconst f = () => new D();",
    ],
)
async def test_recursion_before_a_function_body_is_metered(sandbox: Sandbox, source: str) -> None:
    # Unmetered, the recursion overflows the stack before any body is entered: a
    # thousand calls or more for no fuel at all, and the script goes on.
    record = await sandbox.run(
        f"{source}\ntry {{ f(); }} catch {{}}\nreturn 'escaped'", limits=Limits(fuel=500)
    )
    assert record.error is not None and record.error.kind == "fuel", record.result
    assert record.fuel_used == 500


# -- the fuel pass reads the program Deno runs ----------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("let x = 1;\nx <!--x; /*\nwhile (true) {}\n// */\nreturn 1", "HTML-like comments"),
        ("let x = 1;\nx\n--> while (true) {}\nreturn 1", "HTML-like comments"),
        ("let x = 2;\nif (x <!--x) {}\nreturn x", "HTML-like comments"),
        ('\\u0069mport("data:text/javascript,export default 1");', "unicode escapes"),
        ("\\u0077hile (true) {}", ""),  # a call, then a block: a syntax error either way
        ("const \\u{61} = 1;\nreturn a", "unicode escapes"),
        ("for (;;) { \\u0062reak; }", "unicode escapes"),
    ],
)
async def test_sources_the_two_parsers_could_read_apart_are_refused(
    sandbox: Sandbox, source: str, message: str
) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "syntax"
    assert message in record.error.message
    assert record.timings.spawn_ms == 0  # refused before any process started


@pytest.mark.parametrize(
    "source",
    [
        # a comment ends at a line terminator other than \n for Deno: the code after it
        # is code to tree-sitter too, and metered
        "// c\u2028while (true) {}\nreturn 1",
        "// c\u2029while (true) {}\nreturn 1",
        "// c\rwhile (true) {}\nreturn 1",
        # what tree-sitter reads as a comment is blanked out of the module: never code
        "/* a\n*/ while (true) {}\nreturn 1",
    ],
)
async def test_code_next_to_comments_is_metered(sandbox: Sandbox, source: str) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "fuel", record.error
    assert record.fuel_used == BUDGET


async def test_comment_text_never_runs(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "let n = 0;\n/* n = 1; */\n// n = 2;\nconst s = '<!-- text -->';\n"
        "const r = /<!--.*-->/.test(s);\nreturn [n, s, r]"
    )
    assert record.result == [0, "<!-- text -->", True]


async def test_nesting_that_would_crash_the_transpiler_is_the_scripts_error(
    sandbox: Sandbox,
) -> None:
    record = await sandbox.run("return " + "(" * 3000 + "1" + ")" * 3000)
    assert record.error is not None and record.error.kind == "limit"
    assert "nests deeper than 256" in record.error.message
    assert record.timings.spawn_ms == 0
    deep_ok = await sandbox.run("return " + "[" * 100 + "]" * 100 + ".length")
    assert deep_ok.result == 1

"""Fuel in the real sandbox: deterministic, terminal, untamperable."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tsact import Limits, Sandbox, tool

pytestmark = pytest.mark.anyio


@tool
def numbers(n: int) -> list[int]:
    """Return 0..n-1."""
    return list(range(n))


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox([numbers], limits=Limits(timeout_s=20))


SPIN = """
let i = 0;
function step(n: number) { return n + 1; }
while (true) {
  i = step(i);
  if (i % 1000 === 0) console.log(`at ${i}`);
}
"""


@pytest.fixture
def busy_cores() -> Iterator[None]:
    """Keep both cores busy from another process while the test runs."""
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


async def test_running_out_is_deterministic_even_under_load(
    sandbox: Sandbox, busy_cores: None
) -> None:
    outcomes = set()
    for _ in range(3):
        record = await sandbox.run(SPIN, limits=Limits(fuel=25_000, timeout_s=20))
        assert record.error is not None and record.error.kind == "fuel"
        outcomes.add(
            (
                record.fuel_used,
                record.error.line,
                record.error.column,
                tuple(entry.text for entry in record.console),
            )
        )
    assert len(outcomes) == 1
    fuel_used, line, _, console = outcomes.pop()
    assert fuel_used == 25_000
    assert line in (3, 4)  # a function entry or a loop iteration
    assert console[-1] == "at 12000"


async def test_fuel_used_is_reported_when_the_script_finishes(sandbox: Sandbox) -> None:
    first = await sandbox.run("let n = 0;\nfor (let i = 0; i < 10; i++) n += i;\nreturn n")
    second = await sandbox.run("let n = 0;\nfor (let i = 0; i < 10; i++) n += i;\nreturn n")
    assert (first.result, first.fuel_used) == (45, 10)
    assert second.fuel_used == 10
    assert (await sandbox.run("return 1", limits=Limits(fuel=None))).fuel_used is None


async def test_tool_calls_cost_fuel(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "await external_numbers({ n: 1 });\nawait external_numbers({ n: 1 });",
        limits=Limits(fuel_per_tool_call=100),
    )
    assert record.fuel_used == 200
    record = await sandbox.run(
        "for (let i = 0; i < 10; i++) await external_numbers({ n: 1 });",
        limits=Limits(fuel=350, fuel_per_tool_call=100),
    )
    assert record.error is not None and record.error.kind == "fuel"
    assert len(record.tool_calls) == 3


@pytest.mark.parametrize(
    "source",
    [
        # a loop in a callback passed to a tool result's .map
        "const xs = await external_numbers({ n: 3 });\nxs.map(() => { while (true) {} });",
        # recursion without loops
        "function r(): number { return r() + 1 }\n"
        "function go(): number {\n"
        "  try { return r() } catch (e) { if (String(e).includes('fuel')) throw e; return go() }\n"
        "}\ngo()",
        # generators and iterators
        "function* g() { while (true) yield 1 }\nfor (const _ of g()) {}",
        "const it = {\n"
        "  [Symbol.iterator]() { return { next: () => ({ done: false, value: 1 }) } },\n"
        "};\n"
        "for (const _ of it) {}",
        # catch and continue, finally, promise handlers, a loop around a try
        "for (;;) { try { while (true) {} } catch { } }",
        "for (;;) { try { while (true) {} } finally { continue } }",
        "while (true) { await Promise.resolve().then(() => { for (;;) {} }).catch(() => 0) }",
        # user functions run by built-ins: sort comparators, getters, proxies, coercions
        "const a = Array.from({ length: 5000 }, (_, i) => 5000 - i);\n"
        "while (true) a.slice().sort((x, y) => x - y);",
        "const o = { get v() { return 1 } };\nlet s = 0;\nwhile (true) s += o.v;",
        "const p = new Proxy({}, { get: () => 1 });\nlet s = 0;\nwhile (true) s += (p as any).x;",
        "const v = { valueOf() { return 1 } };\nlet s = 0;\nwhile (true) s += +v;",
        "class A { constructor() { } }\nwhile (true) new A();",
        "async function* ag() { while (true) yield 1 }\nfor await (const _ of ag()) {}",
        "outer: for (;;) { inner: for (;;) { continue outer } }",
        "do { } while (true);",
        "for (const k in { a: 1 }) { while (true) {} }",
    ],
)
async def test_every_escape_still_runs_out(sandbox: Sandbox, source: str) -> None:
    record = await sandbox.run(source, limits=Limits(fuel=200_000, timeout_s=20))
    assert record.error is not None, record.result
    assert record.error.kind == "fuel", record.error
    assert record.fuel_used == 200_000


async def test_catching_fuel_exhaustion_cannot_print_or_call_tools(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "try { while (true) {} } catch (e) {\n"
        "  console.log('escaped', String(e));\n"
        "  await external_numbers({ n: 1 });\n"
        "}\nreturn 'kept running';",
        limits=Limits(fuel=1000),
    )
    assert record.error is not None and record.error.kind == "fuel"
    assert record.error.line == 1
    assert record.console == [] and record.tool_calls == []


@pytest.mark.parametrize(
    "source",
    [
        "const __tsact_f = new Int32Array(1);",
        "__tsact_out = () => {};",
        "const x = { __tsact_meter: 1 };",
        "const \\u005f_tsact_f = 1;",
        "label: for (;;) { break label; }\n__tsact_f[0] = 1e9;",
    ],
)
async def test_the_meter_cannot_be_named(sandbox: Sandbox, source: str) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "syntax"
    assert "reserved by tsact" in record.error.message


@pytest.mark.parametrize(
    ("source", "line"),
    [("for (let i = 0; i < 3; i++ {\n}", 1), ("const a = 1;\nwhile (true {}", 2), ("let x = ;", 1)],
)
async def test_unparseable_sources_are_refused_not_run_uninstrumented(
    sandbox: Sandbox, source: str, line: int
) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "syntax"
    assert record.error.line == line
    assert record.timings.spawn_ms == 0

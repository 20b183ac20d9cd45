"""Type-checking scripts against the declarations, before anything runs."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from tsact import Sandbox
from tsact._scripts.checker import removed_globals

from .tools import ALL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(ALL, typecheck=True)
    yield sandbox
    sandbox.close()


def test_declarations_compile_on_their_own(sandbox: Sandbox, tmp_path: Path) -> None:
    file = tmp_path / "decls.ts"
    file.write_text(sandbox.declarations() + "\nexport {};\n")
    done = subprocess.run(
        [str(sandbox.deno_path), "check", "--no-config", "--no-lock", "--quiet", str(file)],
        capture_output=True,
        text=True,
        env={"DENO_DIR": str(tmp_path / "dd"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_declarations_show_descriptions_and_types(sandbox: Sandbox) -> None:
    text = sandbox.declarations()
    assert (
        "/** Add two integers and return the result. */\n"
        "declare function external_AddNumbers(args: {\n"
        "  /** The left-hand integer operand */\n"
        "  left: number;\n"
        "  /** The right-hand integer operand */\n"
        "  right: number;\n"
        "}): Promise<number>;"
    ) in text
    assert "declare function external_crash(args?: {\n" in text
    assert (
        "declare function external_thread_name(args?: { [k: string]: never }): Promise<string>;"
    ) in text
    assert "type Point = {\n  x: number;\n  y: number;\n};" in text  # shared helper type
    assert "declare class ToolError extends Error" in text
    assert "declare function final_answer(value: unknown): never;" in text
    assert Sandbox(ALL).declarations() == text  # deterministic


def test_final_answer_is_typed_with_the_output_type(sandbox: Sandbox) -> None:
    class Answer(BaseModel):
        total: int
        cities: list[str]

    text = sandbox.declarations(output_type=Answer)
    assert (
        "declare function final_answer(value: {\n  total: number;\n  cities: string[];\n}): never;"
    ) in text


async def test_a_sandbox_output_type_types_final_answer_in_checks_and_runs() -> None:
    class Answer(BaseModel):
        total: int

    sandbox = Sandbox(ALL, typecheck=True, output_type=Answer)
    try:
        assert sandbox.declarations() == Sandbox(ALL).declarations(output_type=Answer)
        record = await sandbox.run("final_answer({ total: 'many' })")
        assert record.error is not None and record.error.kind == "type"
        [diagnostic] = record.error.diagnostics
        assert (diagnostic.line, diagnostic.code) == (1, 2322)
        record = await sandbox.run("final_answer({ total: 3 })")
        assert (record.status, record.result, record.final_answer) == ("ok", {"total": 3}, True)
    finally:
        sandbox.close()


@pytest.mark.parametrize(
    ("source", "line", "column", "code", "fragment"),
    [
        (
            "const s = await external_AddNumbers({ left: 1, rigt: 2 });",
            1,
            48,
            2561,
            "'rigt' does not exist in type '{ left: number; right: number; }'",
        ),
        (
            "const a = 1;\nconst s = await external_AddNumbers({ left: 1 });",
            2,
            37,
            2345,
            "Property 'right' is missing",
        ),
        (
            "await external_AddNumbers({ left: '1', right: 2 });",
            1,
            29,
            2322,
            "Type 'string' is not assignable to type 'number'",
        ),
        (
            "const p = await external_get_population({ city: 'Hue' });\np.toUpperCase();",
            2,
            3,
            2339,
            "Property 'toUpperCase' does not exist on type 'number'",
        ),
        (
            "const r = await external_make_report();\nconsole.log(r.point.z);",
            2,
            21,
            2339,
            "Property 'z' does not exist on type 'Point'",
        ),
        ("await external_nope({});", 1, 7, 2304, "Cannot find name 'external_nope'"),
    ],
)
async def test_mistakes_are_caught_in_user_lines(
    sandbox: Sandbox, source: str, line: int, column: int, code: int, fragment: str
) -> None:
    diagnostics = await sandbox.check(source)
    assert diagnostics, "expected a diagnostic"
    first = diagnostics[0]
    assert (first.line, first.column, first.code) == (line, column, code)
    assert fragment in first.message


VALID = [
    "return 1",
    "1 + 2",
    "const sum = await external_AddNumbers({ left: 7, right: 5 });\nconsole.log(`sum=${sum}`);\n"
    "const pops = await Promise.all(['Hanoi', 'Hue'].map((city) => "
    "external_get_population({ city })));\nreturn { total: sum * 9, pops };",
    "try {\n  await external_crash({ reason: 'x' });\n} catch (e) {\n"
    "  if (e instanceof ToolError) console.log(e.tool, e.code, e.message);\n}",
    "const r = await external_make_report();\nconst when = new Date(r.when);\n"
    "final_answer({ year: when.getUTCFullYear(), color: r.color, x: r.point.x });",
    "interface Row { city: string; n: number }\nconst rows: Row[] = [];\n"
    "for (const city of ['Hue']) rows.push({ city, n: await external_get_population({ city }) });\n"
    "rows.sort((a, b) => b.n - a.n);\nrows.map((r) => r.city)",
    "const values = [1, 2, 3];\nconst mean = values.reduce((a, b) => a + b, 0) / values.length;\n"
    "Math.sqrt(values.map((v) => (v - mean) ** 2).reduce((a, b) => a + b) / values.length)",
    "await external_echo();\nawait external_echo({ value: [1, 'a'] });\n"
    "await external_thread_name();",
    "const m = new Map<string, number>();\nm.set('a', 1);\nreturn [...m.entries()]",
    # the web globals the sandbox keeps; a local name may reuse a removed global's name
    "setTimeout(() => {}, 1);\nconst bytes = new TextEncoder().encode('x');\n"
    "const url = new URL('https://example.com/a');\nconst fetch = (s: string) => s.length;\n"
    "return [crypto.randomUUID(), structuredClone({ a: 1 }), bytes.length, url.host, "
    "atob('eA=='), fetch('abc'), typeof Deno]",
]


@pytest.mark.parametrize("source", VALID)
async def test_valid_scripts_have_no_false_alarms(sandbox: Sandbox, source: str) -> None:
    assert await sandbox.check(source) == []


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("const page = await fetch('https://example.com');\nreturn page.status;", "fetch"),
        ("return Deno.readTextFileSync('/etc/passwd');", "Deno"),
        ("new WebAssembly.Module(new Uint8Array(8));", "WebAssembly"),
        ("localStorage.setItem('k', 'v');", "localStorage"),
        ("process.exit(1);", "process"),
        ("new Worker('data:,1');", "Worker"),
    ],
)
async def test_globals_the_sandbox_removes_are_type_errors(
    sandbox: Sandbox, source: str, name: str
) -> None:
    [diagnostic] = await sandbox.check(source)
    assert diagnostic.line == 1
    assert f"{name} is not available in the tsact sandbox" in diagnostic.message
    record = await sandbox.run("await external_echo();\n" + source)
    assert record.error is not None and record.error.kind == "type"
    assert record.tool_calls == []  # nothing ran, not even the call before


async def test_every_global_the_worker_removes_is_a_type_error(sandbox: Sandbox) -> None:
    names = removed_globals()
    assert {"Deno", "fetch", "WebAssembly", "process"} <= set(names)
    source = "\n".join(f"{name}.x;" for name in names)
    diagnostics = await sandbox.check(source)
    assert [d.line for d in diagnostics] == list(range(1, len(names) + 1))
    for name, diagnostic in zip(names, diagnostics, strict=True):
        assert f"{name} is not available in the tsact sandbox" in diagnostic.message


async def test_a_type_error_record_runs_nothing(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('never');\nawait external_AddNumbers({ left: 1, right: 'two' });"
    )
    assert record.status == "error"
    assert record.error is not None
    assert record.error.kind == "type"
    assert record.error.line == 2
    assert record.error.diagnostics[0].code == 2322
    assert record.error.stack is not None
    assert record.error.stack.startswith("script.ts:2:")
    assert record.tool_calls == [] and record.console == []
    ok = await sandbox.run("return await external_AddNumbers({ left: 1, right: 2 })")
    assert ok.result == 3


def test_toolbox_declarations_match_the_sandbox(sandbox: Sandbox) -> None:
    from tsact import Toolbox

    assert Toolbox(ALL).declarations() == sandbox.declarations()


async def test_a_checker_killed_between_checks_is_restarted_at_the_next() -> None:
    sandbox = Sandbox(ALL, typecheck=True)
    try:
        assert await sandbox.check("return 1") == []
        checker = sandbox._checker
        assert checker is not None and checker._process is not None
        old_home = checker._home
        os.killpg(checker._process.pid, signal.SIGKILL)
        [diagnostic] = await sandbox.check("await external_AddNumbers({ left: 'x', right: 1 });")
        assert diagnostic.code == 2322
        assert old_home is not None and not old_home.exists()  # the dead server's files
        assert await sandbox.check("return 2") == []
    finally:
        sandbox.close()

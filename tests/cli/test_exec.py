"""``tsact exec``: output for people and for programs, limits, exit statuses, input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tsact import ExecutionRecord

from .helpers import (
    CITIES_TOOLS,
    EXAMPLES,
    FAILING_SCRIPT,
    LOGS_TOOLS,
    MATH_TOOLS,
    assert_input_error,
    invoke,
    run_cli,
)


def test_exec_example_as_a_user_runs_it() -> None:
    done = run_cli("exec", str(EXAMPLES / "math_task.ts"), "--tools", MATH_TOOLS)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("✓ ok  math_task.ts")
    assert "(7 + 5) * 9 = 108" in out
    for name in ("current_utc_time", "AddNumbers", "MultiplyNumbers"):
        assert name in out
    assert '"result": 108' in out
    assert "\x1b" not in out  # no colour when stdout is not a terminal
    assert done.stderr == ""


def test_exec_json_is_the_record_and_nothing_else() -> None:
    done = run_cli("exec", str(EXAMPLES / "cities_task.ts"), "--tools", CITIES_TOOLS, "--json")
    assert done.returncode == 0, done.stderr
    record = ExecutionRecord.from_json(done.stdout)
    assert record.result == {
        "cities": ["Ho Chi Minh City", "Hanoi", "Haiphong", "Can Tho", "Da Nang"],
        "total": 21_444_740,
        "stddev": 3_483_929,
    }
    assert [call.name for call in record.tool_calls] == ["search_cities"] + ["get_population"] * 5
    assert done.stderr == ""


def test_logs_example_keeps_the_records_inside() -> None:
    result = invoke(["exec", str(EXAMPLES / "logs_task.ts"), "--tools", LOGS_TOOLS, "--json"])
    assert result.exit_code == 0, result.stderr
    record = ExecutionRecord.from_json(result.stdout)
    assert len(record.tool_calls[0].result) == 12_450
    assert record.console[0].text == "12450 records, 536 errors"
    assert [row["module"] for row in record.result] == ["payments", "checkout", "notifications"]
    assert sum(len(entry.text) for entry in record.console) < 300


def test_failed_script_exits_1_and_marks_the_line(tmp_path: Path) -> None:
    script = tmp_path / "failing.ts"
    script.write_text(FAILING_SCRIPT)
    result = invoke(["exec", str(script), "--tools", MATH_TOOLS])
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("✗ runtime error  failing.ts")
    assert "> 5 │     throw new Error(`bad row ${row} after ${sum}`);" in out
    assert "  │           ^ runtime: Error: bad row 3 after 12" in out
    assert "Error (runtime) at failing.ts:5:11" in out
    assert "warn   about to fail" in out


def test_missing_tool_gets_a_hint(tmp_path: Path) -> None:
    result = invoke(["exec", str(EXAMPLES / "math_task.ts")])
    assert result.exit_code == 1
    assert "hint: no tool named 'current_utc_time' was offered; pass --tools" in result.stdout


def test_limit_flags_reach_the_record(tmp_path: Path) -> None:
    script = tmp_path / "count.ts"
    script.write_text("let n = 0;\nfor (let i = 0; i < 10; i++) { n++; }\nn;\n")
    args = ["exec", str(script), "--timeout", "5", "--memory", "128", "--fuel", "20000", "--json"]
    result = invoke(args)
    assert result.exit_code == 0, result.stdout
    record = ExecutionRecord.from_json(result.stdout)
    assert record.result == 10
    assert (record.limits.timeout_s, record.limits.memory_mb, record.limits.fuel) == (5, 128, 20000)


def test_fuel_flag_stops_a_busy_loop(tmp_path: Path) -> None:
    script = tmp_path / "spin.ts"
    script.write_text("let n = 0;\nwhile (true) { n++; }\n")
    result = invoke(["exec", str(script), "--fuel", "20000"])
    assert result.exit_code == 1
    assert result.stdout.startswith("✗ fuel error  spin.ts")


def test_timeout_flag(tmp_path: Path) -> None:
    script = tmp_path / "spin.ts"
    script.write_text("while (true) {}\n")
    result = invoke(["exec", str(script), "--timeout", "0.3", "--fuel", "0"])
    assert result.exit_code == 1
    assert result.stdout.startswith("✗ timeout error")


def test_script_from_stdin_and_no_tools() -> None:
    result = invoke(["exec", "-", "--json"], stdin="console.log('hi');\n6 * 7;\n")
    assert result.exit_code == 0, result.stderr
    record = ExecutionRecord.from_json(result.stdout)
    assert (record.result, record.console[0].text) == (42, "hi")


def test_tools_spec_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tools.py").write_text(
        "from tsact import tool\n"
        "print('importing tools')  # must not reach --json output\n"
        "@tool\n"
        "def double(x: int) -> int:\n"
        "    '''Twice x.'''\n"
        "    return 2 * x\n"
        "def triple(x: int) -> int:\n"
        "    return 3 * x\n"
        "TOOLS = [double, triple]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    script = tmp_path / "s.ts"
    script.write_text("(await external_double({ x: 2 })) + (await external_triple({ x: 1 }))")
    for spec in ("mypkg.tools:TOOLS", f"{package / 'tools.py'}:TOOLS"):
        result = invoke(["exec", str(script), "--tools", spec, "--json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["result"] == 7
        assert "importing tools" in result.stderr
    # Without an attribute, only the tsact.Tool objects are collected: triple is a plain function.
    result = invoke(["exec", str(script), "--tools", "mypkg.tools", "--json"])
    assert result.exit_code == 1
    assert "external_triple is not defined" in result.stdout


def _write(path: Path, content: str | bytes) -> str:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


def test_input_errors(tmp_path: Path) -> None:
    task = str(EXAMPLES / "math_task.ts")
    broken = _write(tmp_path / "broken.py", "import json\nraise RuntimeError('boom')\n")
    empty = _write(tmp_path / "empty.py", "x = 1\n")
    syntax = _write(tmp_path / "syntax.py", "def f(:\n")
    binary = _write(tmp_path / "latin1.ts", "const s = 'caf\xe9';".encode("latin-1"))
    cases = [
        (["exec", str(tmp_path / "nope.ts")], "script not found: "),
        (["exec", task, "--tools", str(tmp_path / "nope.py")], "tools file not found: "),
        (["exec", task, "--tools", broken], "failed to import: RuntimeError: boom (line 2)"),
        (["exec", task, "--tools", syntax], "failed to import: SyntaxError: invalid syntax"),
        (["exec", task, "--tools", empty], f"no tools found in {empty}"),
        (["exec", task, "--tools", "no_such_module_here"], "no module named 'no_such_module_here'"),
        (["exec", task, "--tools", f"{MATH_TOOLS}:nope"], "has no attribute 'nope'"),
        (["exec", task, "--tools", f"{MATH_TOOLS}:BinaryMathArgs"], "not a tool or a list"),
        (["exec", task, "--tools", MATH_TOOLS, "--tools", MATH_TOOLS], "two tools are named"),
        (["exec", binary], "is not UTF-8 text (byte 0xe9 at offset 14)"),
        (["exec", str(tmp_path)], "is a directory"),
        (["exec", task, "--memory", "10"], "--memory must be at least 64"),
        (["exec", task, "--timeout", "0"], "--timeout must be > 0"),
    ]
    for args, fragment in cases:
        result = invoke(args)
        assert_input_error(result.stderr, result.exit_code, fragment)
        assert result.stdout == ""


def test_input_error_in_a_real_process(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def helper():\n    return 1 / 0\nhelper()\n")
    done = run_cli("exec", str(EXAMPLES / "math_task.ts"), "--tools", str(broken), "--json")
    assert_input_error(done.stderr, done.returncode, "ZeroDivisionError: division by zero (line 2)")
    assert done.stdout == ""


def test_bad_usage_exits_2() -> None:
    done = run_cli("exec")
    assert done.returncode == 2
    assert "Missing argument" in done.stderr
    assert done.stdout == ""

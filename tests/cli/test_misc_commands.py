"""``tsact schema``, ``tsact types``, ``--help`` and ``--version``."""

from __future__ import annotations

import json
from pathlib import Path

from tsact import ExecutionRecord, __version__, record_json_schema

from .helpers import CITIES_TOOLS, EXAMPLES, MATH_TOOLS, assert_input_error, invoke, run_cli


def test_help_lists_every_command() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    for command in ("run", "exec", "inspect", "replay", "types", "check", "schema"):
        assert command in done.stdout
    assert run_cli("--version").stdout == f"tsact {__version__}\n"


def test_every_command_has_help() -> None:
    for command in ("run", "exec", "inspect", "replay", "types", "check", "schema"):
        result = invoke([command, "--help"])
        assert result.exit_code == 0
        assert f"Usage: tsact {command} " in result.stdout


def test_schema_prints_the_record_schema() -> None:
    result = invoke(["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == record_json_schema()


def test_types_prints_the_declarations() -> None:
    result = invoke(["types", "--tools", MATH_TOOLS])
    assert result.exit_code == 0
    for name in ("external_AddNumbers", "external_MultiplyNumbers", "external_current_utc_time"):
        assert f"declare function {name}(" in result.stdout
    missing = invoke(["types", "--tools", "nope.py"])
    assert_input_error(missing.stderr, missing.exit_code, "tools file not found: nope.py")


TYPE_ERRORS = """\
const sum: string = await external_AddNumbers({ a: 7, b: "5" });
console.log(sum.toUpperCase());
"""


def test_check_reports_type_errors_and_exec_typecheck_stops_them(tmp_path: Path) -> None:
    script = tmp_path / "typed.ts"
    script.write_text(TYPE_ERRORS)
    done = run_cli("check", str(script), "--tools", MATH_TOOLS)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(
        "typed.ts:1:7 - note TS2322: Type 'number' is not assignable to type 'string'.\n"
        "typed.ts:1:55 - error TS2322: Type 'string' is not assignable to type 'number'.\n"
    )
    assert "> 1 │ const sum: string" in done.stdout
    assert "✗ 1 type error (1 note)" in done.stdout
    noted = tmp_path / "noted.ts"
    noted.write_text("const n: number = 'text';\nreturn n;\n")  # runs: only reported
    done = run_cli("check", str(noted), "--tools", MATH_TOOLS)
    assert done.returncode == 0, done.stdout
    assert "noted.ts:1:7 - note TS2322" in done.stdout
    assert "✓ noted.ts type-checks (1 note)" in done.stdout
    good = invoke(["check", str(EXAMPLES / "cities_task.ts"), "--tools", CITIES_TOOLS, "--json"])
    assert (good.exit_code, json.loads(good.stdout)) == (0, [])
    ran = invoke(["exec", str(script), "--tools", MATH_TOOLS, "--typecheck", "--json"])
    assert ran.exit_code == 1
    record = ExecutionRecord.from_json(ran.stdout)
    assert record.error is not None and record.error.kind == "type"
    assert record.tool_calls == []  # stopped before it ran
    missing = invoke(["check", str(tmp_path / "nope.ts")])
    assert_input_error(missing.stderr, missing.exit_code, "script not found")

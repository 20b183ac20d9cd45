"""``tsact inspect``: a saved record shown for a person, or re-emitted as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tsact import ExecutionRecord
from tsact.agent import AgentRun

from .helpers import EXAMPLES, assert_input_error, invoke, run_cli


def test_inspect_shows_source_tool_calls_console_and_result(cities_record_file: Path) -> None:
    done = run_cli("inspect", str(cities_record_file))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("✓ ok  cities.json")
    assert "Source" in out
    assert " 2 │ const cities = await external_search_cities(" in out
    assert "Tool calls (6)" in out
    assert '{"country": "Vietnam", "limit": 5}' in out
    assert '{"city": "Da Nang"}' in out and "1134310" in out
    assert "log    total 21,444,740, standard deviation 3,483,929" in out
    assert '"total": 21444740' in out
    assert "limits: timeout 30 s, memory 512 MB" in out
    assert "\x1b" not in out


def test_inspect_marks_the_error_line(failing_record_file: Path) -> None:
    result = invoke(["inspect", str(failing_record_file)])
    assert result.exit_code == 0
    out = result.stdout
    assert "  1 │ const sum" in out  # every line is shown
    assert "> 5 │     throw new Error" in out
    assert "  │           ^ runtime: Error: bad row 3 after 12" in out
    assert "Error (runtime) at failing.json:5:11" in out
    assert "Result" not in out


def test_inspect_json_is_normalised(failing_record_file: Path, tmp_path: Path) -> None:
    original = ExecutionRecord.from_json(failing_record_file.read_text())
    squashed = tmp_path / "squashed.json"
    squashed.write_text(json.dumps(json.loads(failing_record_file.read_text())))
    result = invoke(["inspect", str(squashed), "--json"])
    assert result.exit_code == 0
    assert result.stdout == original.to_json() + "\n"


def test_untrusted_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    record = ExecutionRecord(
        id="x",
        source='console.log("\\x1b[2J")\n',
        status="ok",
        result="\x1b]0;pwned\x07",
        stderr="\x1b[31mred\u202e",
    )
    record_dict = json.loads(record.to_json())
    record_dict["console"] = [{"level": "log", "text": "\x1b[2Jcleared\rover", "t_ms": 1.0}]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(record_dict))
    result = invoke(["inspect", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "\\x1b[2Jcleared\\x0dover" in result.stdout
    assert "\\x1b[31mred\\u202e" in result.stdout


def test_inspect_input_errors(tmp_path: Path, failing_record_file: Path) -> None:
    invalid = tmp_path / "invalid.json"
    invalid.write_text('{"id": "x",\n  "source": }')
    array = tmp_path / "array.json"
    array.write_text("[1, 2]")
    other = tmp_path / "other.json"
    other.write_text('{"name": "not a record"}')
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"id": "x", "source": 3, "status": "ok"}')
    bad_run = tmp_path / "bad_run.json"
    bad_run.write_text('{"task": "t", "steps": "none"}')
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"id": "caf\xe9"}')
    cases = [
        ([str(tmp_path / "missing.json")], "record file not found: "),
        ([str(invalid)], "is not valid JSON: Expecting value at line 2, column 13"),
        ([str(array)], "expected a JSON object, got an array"),
        ([str(other)], "is neither an execution record (a JSON object with 'source' and"),
        ([str(bad_run)], "is not a valid agent run: Expected `array`, got `str` - at `$.steps`"),
        (
            [str(wrong)],
            "is not a valid execution record: Expected `str`, got `int` - at `$.source`",
        ),
        ([str(latin)], "is not UTF-8 text (byte 0xe9 at offset 11)"),
        ([str(failing_record_file), "--step", "2"], "--step applies to agent runs"),
    ]
    for args, fragment in cases:
        result = invoke(["inspect", *args])
        assert_input_error(result.stderr, result.exit_code, fragment)


def test_inspect_invalid_json_in_a_real_process(tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.json"
    invalid.write_text("{")
    done = run_cli("inspect", str(invalid))
    assert_input_error(done.stderr, done.returncode, "is not valid JSON")
    assert done.stdout == ""


def test_inspect_a_saved_run_and_one_step() -> None:
    run = str(EXAMPLES / "runs" / "cities.json")
    result = invoke(["inspect", run])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("✓ final answer  cities.json  2 steps · 2 model calls")
    assert "Task: What's the total population of the 5 largest cities in Vietnam?" in out
    assert out.index("Step 1") < out.index("> 3 │") < out.index("Step 2")
    assert "Error (tool) at script.ts:3:26" in out
    step = invoke(["inspect", run, "--step", "2"])
    assert step.exit_code == 0
    assert "Step 1" not in step.stdout and "Step 2" in step.stdout
    assert "Output" in step.stdout
    as_json = invoke(["inspect", run, "--step", "1", "--json"])
    assert json.loads(as_json.stdout)["index"] == 1
    whole = invoke(["inspect", run, "--json"])
    assert AgentRun.from_json(whole.stdout).to_json() + "\n" == whole.stdout
    missing = invoke(["inspect", run, "--step", "3"])
    assert_input_error(missing.stderr, missing.exit_code, "has no step 3: the run has 2 steps")

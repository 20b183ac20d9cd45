"""``tsact replay``: offline from the recording, live against changed tools; divergence."""

from __future__ import annotations

import json
from pathlib import Path

from tsact import ExecutionRecord

from .helpers import (
    CITIES_TOOLS,
    EXAMPLES,
    MATH_TOOLS,
    assert_input_error,
    invoke,
    record_of,
    run_cli,
    scripted_server_module,
)


def test_offline_replay_matches(cities_record_file: Path) -> None:
    done = run_cli("replay", str(cities_record_file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "offline (tool calls answered from the recording)" in done.stdout
    assert "✓ matches the recording" in done.stdout


def test_offline_replay_detects_a_call_the_recording_does_not_hold(
    cities_record_file: Path, tmp_path: Path
) -> None:
    data = json.loads(cities_record_file.read_text())
    data["source"] = data["source"].replace("limit: 5", "limit: 6")
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    result = invoke(["replay", str(edited)])
    assert result.exit_code == 1
    out = result.stdout
    assert "✗ diverges from the recording" in out
    assert "1 call the recording does not hold" in out
    assert 'not in the recording: search_cities({"country": "Vietnam", "limit": 6})' in out
    assert "tool_calls[1:6]" in out
    report = json.loads(invoke(["replay", str(edited), "--json"]).stdout)
    assert report["mode"] == "offline" and report["matches"] is False
    (execution,) = report["executions"]
    assert execution["unanswered_calls"] == [
        {"name": "search_cities", "arguments": {"country": "Vietnam", "limit": 6}}
    ]
    assert execution["differences"][1] == {
        "where": "error",
        "recorded": None,
        "replayed": "tool error at line 2: search_cities: replay: the recording holds no call "
        "with these arguments",
    }


def test_offline_replay_of_a_recorded_call_made_once_more(tmp_path: Path) -> None:
    script = """
const sums: number[] = [];
for (let i = 0; i < 2; i++) sums.push(await external_AddNumbers({ a: 1, b: 2 }));
return sums;
"""
    data = json.loads(record_of(script, MATH_TOOLS).to_json())
    data["source"] = data["source"].replace("i < 2", "i < 3")
    edited = tmp_path / "again.json"
    edited.write_text(json.dumps(data))
    result = invoke(["replay", str(edited), "--json"])
    assert result.exit_code == 1, result.stdout
    (execution,) = json.loads(result.stdout)["executions"]
    assert execution["unanswered_calls"] == [{"name": "AddNumbers", "arguments": {"a": 1, "b": 2}}]
    assert [call["status"] for call in execution["replayed"]["tool_calls"]] == ["ok", "ok", "error"]
    error = {d["where"]: d for d in execution["differences"]}["error"]
    assert error["replayed"] == (
        "tool error at line 3: AddNumbers: replay: the recording holds no further call "
        "with these arguments"
    )


def test_offline_replay_repeats_recorded_errors(tmp_path: Path) -> None:
    tools = tmp_path / "flaky.py"
    tools.write_text(
        "from tsact import ToolError, tool\n"
        "@tool\n"
        "def lookup(key: str) -> int:\n"
        "    '''Look a key up.'''\n"
        "    if key == 'missing':\n"
        "        raise ToolError('no such key')\n"
        "    if key == 'zero':\n"
        "        return 1 // 0\n"
        "    return len(key)\n"
    )
    script = """
const out: string[] = [];
for (const key of ["abc", "missing", "zero", 5]) {
  try { out.push(String(await external_lookup({ key } as { key: string }))); }
  catch (e) { out.push(`${(e as ToolError).code}: ${(e as Error).message}`); }
}
out;
"""
    record = record_of(script, str(tools))
    assert record.result[1:3] == [
        "tool: lookup: no such key",
        "tool: lookup failed: ZeroDivisionError: integer division or modulo by zero",
    ]
    assert record.result[3].startswith("validation: lookup: invalid arguments: key:")
    saved = tmp_path / "flaky.json"
    saved.write_text(record.to_json())
    result = invoke(["replay", str(saved), "--json"])
    assert result.exit_code == 0, result.stdout
    replayed = json.loads(result.stdout)["executions"][0]["replayed"]
    assert replayed["result"] == record.result
    codes = [call["error_code"] for call in replayed["tool_calls"]]
    assert (
        codes
        == [call.error_code for call in record.tool_calls]
        == [
            None,
            "tool",
            "tool",
            "validation",
        ]
    )


def test_live_replay_shows_what_a_tool_change_changes(
    cities_record_file: Path, tmp_path: Path
) -> None:
    same = invoke(["replay", str(cities_record_file), "--tools", CITIES_TOOLS])
    assert same.exit_code == 0, same.stdout
    assert "live (against the current tools)" in same.stdout
    changed = tmp_path / "cities_v2.py"
    changed.write_text(
        (EXAMPLES / "cities.py")
        .read_text()
        .replace('("Da Nang", "South Central Coast", 1_134_310)', '("Da Nang", "x", 1_220_190)')
    )
    result = invoke(["replay", str(cities_record_file), "--tools", str(changed)])
    assert result.exit_code == 1
    out = result.stdout
    assert "✗ diverges from the recording" in out
    assert 'get_population({"city": "Da Nang"}) -> 1134310' in out
    assert 'get_population({"city": "Da Nang"}) -> 1220190' in out
    report = json.loads(
        invoke(["replay", str(cities_record_file), "--tools", str(changed), "--json"]).stdout
    )
    where = [d["where"] for d in report["executions"][0]["differences"]]
    assert where == ["result", "tool_calls[0]", "tool_calls[5]", "console[4]", "console[5]"]
    replayed = ExecutionRecord.from_json(json.dumps(report["executions"][0]["replayed"]))
    assert replayed.result["total"] == 21_444_740 - 1_134_310 + 1_220_190


def test_replay_input_errors(tmp_path: Path, cities_record_file: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    result = invoke(["replay", str(bad)])
    assert_input_error(result.stderr, result.exit_code, "is not valid JSON")
    result = invoke(["replay", str(cities_record_file), "--tools", str(tmp_path / "gone.py")])
    assert_input_error(result.stderr, result.exit_code, "tools file not found")


def test_calls_the_script_never_saw_are_not_divergence() -> None:
    from tsact import ToolCallRecord
    from tsact.cli.diff import compare_records

    def record(status: str, name: str = "f") -> ExecutionRecord:
        call = ToolCallRecord(id=1, name=name, arguments={}, status=status, error="x")  # type: ignore[arg-type]
        return ExecutionRecord(id="r", source="", status="error", tool_calls=[call])

    assert compare_records(record("error"), record("cancelled")) == []
    assert [d.where for d in compare_records(record("error"), record("cancelled", "g"))] == [
        "tool_calls[0]"
    ]


def test_replaying_a_run_carries_its_variables_from_step_to_step(tmp_path: Path) -> None:
    server_module = scripted_server_module()
    saved = tmp_path / "run.json"
    replies = [
        server_module.code(
            'const found = await external_search_cities({ country: "Vietnam" });\n'
            "console.log(found.length);"
        ),
        server_module.code("final_answer(found.length * 2);"),
    ]
    with server_module.ScriptedOpenAI(replies) as server:
        done = run_cli(
            "run",
            "Twice the number of cities.",
            "--tools",
            CITIES_TOOLS,
            "--model",
            "m",
            "--save",
            str(saved),
            env={"OPENAI_BASE_URL": server.url},
        )
    assert done.returncode == 0, done.stdout + done.stderr
    offline = run_cli("replay", str(saved), "--json")
    assert offline.returncode == 0, offline.stdout + offline.stderr
    report = json.loads(offline.stdout)
    assert report["matches"] is True
    assert len(report["executions"]) == 2
    live = run_cli("replay", str(saved), "--tools", CITIES_TOOLS, "--json")
    assert live.returncode == 0, live.stdout + live.stderr

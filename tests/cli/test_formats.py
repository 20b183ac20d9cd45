"""Records and runs carry their format: newer ones are refused, older ones read with the
fields they lack shown as unknown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tsact import ExecutionRecord
from tsact._records.record import FORMAT

from .helpers import EXAMPLES, assert_input_error, run_cli


def _write(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value))
    return str(path)


def test_records_and_runs_are_written_with_their_format(math_record_file: Path) -> None:
    record = json.loads(math_record_file.read_text())
    assert record["format"] == FORMAT
    assert next(iter(record)) == "format"
    schema = json.loads(run_cli("schema", "run").stdout)
    assert "format" in schema["$defs"]["AgentRun"]["properties"]


def test_a_newer_record_is_refused_by_inspect_and_replay(
    math_record_file: Path, tmp_path: Path
) -> None:
    record = json.loads(math_record_file.read_text())
    record["format"] = FORMAT + 1
    path = _write(tmp_path / "future.json", record)
    for command in ("inspect", "replay"):
        done = run_cli(command, path)
        assert_input_error(done.stderr, done.returncode, f"format {FORMAT + 1}")
        assert "newer tsact" in done.stderr and "upgrade" in done.stderr
        assert done.stdout == ""


def test_a_newer_run_is_refused(tmp_path: Path) -> None:
    run = json.loads((EXAMPLES / "runs" / "math.json").read_text())
    run["format"] = FORMAT + 5
    done = run_cli("inspect", _write(tmp_path / "future-run.json", run))
    assert_input_error(done.stderr, done.returncode, "newer tsact")


def test_an_older_record_shows_missing_fields_as_unknown(
    math_record_file: Path, tmp_path: Path
) -> None:
    record = json.loads(math_record_file.read_text())
    assert record["fuel_used"] is not None
    del record["format"], record["fuel_used"], record["limits"]
    for call in record["tool_calls"]:
        del call["printed"]
    path = _write(tmp_path / "old.json", record)
    done = run_cli("inspect", path)
    assert done.returncode == 0, done.stderr
    assert "fuel unknown" in done.stdout
    assert "limits: unknown" in done.stdout
    assert "format 0" in done.stdout
    assert "what the tools printed: unknown" in done.stdout
    # --json gives the file back as it is, not with today's defaults filled in
    again = json.loads(run_cli("inspect", path, "--json").stdout)
    assert "fuel_used" not in again and "format" not in again
    # the library reads it too, keeping the file's format
    assert ExecutionRecord.from_json(json.dumps(record)).format == 0


def test_a_current_record_shows_every_field(math_record_file: Path) -> None:
    done = run_cli("inspect", str(math_record_file))
    assert done.returncode == 0, done.stderr
    assert "unknown" not in done.stdout
    assert f"format {FORMAT}" in done.stdout

"""The examples: the saved runs read back, replay offline, and can be made again; the
quickstart runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tsact import ExecutionRecord
from tsact.agent import AgentRun

from .helpers import EXAMPLES, MATH_TOOLS, cli_env, invoke, scripted_server_module

RUNS = sorted((EXAMPLES / "runs").glob("*.json"))


def test_every_example_has_a_saved_run() -> None:
    assert [path.stem for path in RUNS] == ["cities", "logs", "math"]


@pytest.mark.parametrize("path", RUNS, ids=[path.stem for path in RUNS])
def test_saved_runs_inspect_and_replay_offline(path: Path) -> None:
    run = AgentRun.from_json(path.read_text())
    assert run.status == "final_answer"
    shown = invoke(["inspect", str(path)])
    assert shown.exit_code == 0
    assert shown.stdout.startswith(f"✓ final answer  {path.name}")
    replayed = invoke(["replay", str(path), "--json"])
    assert replayed.exit_code == 0, replayed.stdout[-2000:]
    report = json.loads(replayed.stdout)
    assert report["matches"] is True
    assert [e["step"] for e in report["executions"]] == [s.index for s in run.steps if s.record]


def test_live_replay_of_a_saved_run_sees_the_clock_move() -> None:
    result = invoke(["replay", str(EXAMPLES / "runs" / "math.json"), "--tools", MATH_TOOLS])
    assert result.exit_code == 1
    assert "step 1" in result.stdout
    assert "current_utc_time({}) ->" in result.stdout


def test_saved_runs_can_be_made_again() -> None:
    module = scripted_server_module()
    run = AgentRun.from_json(module.make_run("math"))
    assert run.status == "final_answer"
    assert run.output["result"] == 108
    assert run.usage.model_calls == 1


def test_quickstart_prints_the_record_of_the_readme_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    record = ExecutionRecord.from_json(done.stdout)
    assert record.status == "ok"
    assert record.result == {"total": 108, "pops": [8_435_700, 652_572]}
    assert [entry.text for entry in record.console] == ["sum=12"]
    assert [call.name for call in record.tool_calls] == [
        "AddNumbers",
        "get_population",
        "get_population",
    ]

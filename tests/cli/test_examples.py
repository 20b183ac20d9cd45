"""The examples: the saved runs read back, replay offline, and can be made again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tsact.agent import AgentRun

from .helpers import EXAMPLES, MATH_TOOLS, invoke, scripted_server_module

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

"""``tsact run``: the agent against a scripted OpenAI-compatible server over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tsact.agent import AgentRun

from .helpers import (
    CITIES_TOOLS,
    MATH_TOOLS,
    assert_input_error,
    invoke,
    run_cli,
    scripted_server_module,
)

SERVER = scripted_server_module()
TASK = "What's the total population of the 5 largest cities in Vietnam?"


def test_run_without_an_endpoint_says_how_to_set_one() -> None:
    done = run_cli("run", TASK, "--tools", CITIES_TOOLS)
    assert_input_error(done.stderr, done.returncode, "no model endpoint: set OPENAI_API_KEY")
    assert "OPENAI_BASE_URL" in done.stderr


def test_run_shows_every_step_and_saves_the_run(tmp_path: Path) -> None:
    saved = tmp_path / "run.json"
    with SERVER.ScriptedOpenAI(SERVER.CITIES_REPLIES) as server:
        done = run_cli(
            "run",
            TASK,
            "--tools",
            CITIES_TOOLS,
            "--model",
            "m1",
            "--save",
            str(saved),
            env={"OPENAI_BASE_URL": server.url},
        )
        requests: list[dict[str, Any]] = server.requests
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert out.startswith("✓ final answer  ")
    assert "2 steps · 2 model calls" in out
    assert "> 3 │   cities.map((c: any) => external_get_population({ city: c.city }))," in out
    assert "Observation sent to the model" in out
    assert "✓ Output: the final answer of step 2" in out
    assert [request["model"] for request in requests] == ["m1", "m1"]
    run = AgentRun.from_json(saved.read_text())
    assert run.status == "final_answer"
    assert run.output["total"] == 21_444_740


def test_run_json_and_flags(tmp_path: Path) -> None:
    replies = [SERVER.code("console.log(await external_AddNumbers({ a: 1, b: 2 }));")]
    with SERVER.ScriptedOpenAI(replies) as server:
        result = invoke(
            [
                "run",
                "add 1 and 2",
                "--tools",
                MATH_TOOLS,
                "--base-url",
                server.url,
                "--max-steps",
                "1",
                "--timeout",
                "7",
                "--json",
            ]
        )
        (request,) = server.requests
    assert result.exit_code == 1  # no answer within one step
    run = AgentRun.from_json(result.stdout)
    assert run.status == "max_steps"
    (step,) = run.steps
    assert step.record is not None and step.record.console[0].text == "3"
    assert step.record.limits.timeout_s == 7
    assert "external_AddNumbers" in request["messages"][0]["content"]


def test_text_mode_and_a_text_answer() -> None:
    replies = [SERVER.text("```ts\nfinal_answer(6 * 7);\n```")]
    with SERVER.ScriptedOpenAI(replies) as server:
        result = invoke(["run", "six times seven", "--base-url", server.url, "--mode", "text"])
        (request,) = server.requests
    assert result.exit_code == 0, result.stdout
    assert "tools" not in request
    assert "42" in result.stdout


def test_run_input_errors(tmp_path: Path) -> None:
    with SERVER.ScriptedOpenAI([]) as server:
        cases = [
            (["--save", str(tmp_path / "no" / "run.json")], "does not exist"),
            (["--save", str(tmp_path)], "is a directory"),
            (["--mode", "voice"], "--mode must be 'tools' or 'text'"),
            (["--tools", str(tmp_path / "none.py")], "tools file not found"),
        ]
        for extra, fragment in cases:
            result = invoke(["run", TASK, "--base-url", server.url, *extra])
            assert_input_error(result.stderr, result.exit_code, fragment)
        assert server.requests == []  # nothing reached the model
    result = invoke(["run", "  ", "--base-url", "http://127.0.0.1:9/v1"])
    assert_input_error(result.stderr, result.exit_code, "the task is empty")


def test_schema_of_runs() -> None:
    from tsact.agent import agent_run_json_schema

    result = invoke(["schema", "run"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == agent_run_json_schema()
    bad = invoke(["schema", "nope"])
    assert_input_error(bad.stderr, bad.exit_code, "expected 'record' or 'run'")


def test_unreachable_endpoint_ends_the_run_with_exit_1() -> None:
    result = invoke(["run", TASK, "--base-url", "http://127.0.0.1:9/v1", "--no-typecheck"])
    assert result.exit_code == 1
    assert result.stdout.startswith("✗ error  run  1 step")
    assert "Run failed: model call failed at step 1: could not reach the model endpoint" in (
        " ".join(result.stdout.split())
    )

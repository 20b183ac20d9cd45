"""Details of the command line a user meets: help, flags, colour, width, messages."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tsact.cli.app import FUEL_HELP, MODEL_TIMEOUT

from .helpers import EXAMPLES, MATH_TOOLS, REPO, run_cli

sys.path.insert(0, str(REPO / "tests" / "agent"))
from fake_openai import FakeOpenAI, code, slow

COMMANDS = [
    ["exec"],
    ["run"],
    ["inspect"],
    ["replay"],
    ["types"],
    ["check"],
    ["schema"],
    ["mcp", "serve"],
    [],
]
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
SGR_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "tsact")
def test_help_shows_types_plainly(command: list[str]) -> None:
    done = run_cli(*command, "--help")
    assert done.returncode == 0, done.stderr
    for noise in ("<bool>", "<str>", "<int>", "<float>", "<list"):
        assert noise not in done.stdout, f"{noise} in {command} --help"
    usage = next(line for line in done.stdout.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage


def test_fuel_is_described_the_same_way_everywhere() -> None:
    flat = " ".join(FUEL_HELP.split())
    for command in (["exec"], ["run"], ["mcp", "serve"]):
        done = run_cli(*command, "--help", env={"COLUMNS": "400"})
        text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", done.stdout).split())
        assert flat in text, command


def test_no_color_is_honoured_even_when_colour_is_forced(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ts"
    bad.write_text("await external_AddNumbers({ a: 1 });\nthrow new Error('x');\n")
    runs = [
        run_cli("--help", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}),
        run_cli("exec", "--bogus", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}),
        run_cli("exec", str(bad), "--tools", MATH_TOOLS, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}),
        run_cli(
            "check", str(bad), "--tools", MATH_TOOLS, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
        ),
        run_cli(
            "inspect",
            str(EXAMPLES / "runs" / "cities.json"),
            env={"FORCE_COLOR": "1", "NO_COLOR": "1"},
        ),
        run_cli(
            "replay",
            str(EXAMPLES / "runs" / "math.json"),
            env={"FORCE_COLOR": "1", "NO_COLOR": "1"},
        ),
        run_cli("exec", "missing.ts", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}),
    ]
    for done in runs:
        assert not SGR_COLOUR.search(done.stdout + done.stderr), done.args
    # and the same commands do colour their output when forced without NO_COLOR
    coloured = run_cli("exec", str(bad), "--tools", MATH_TOOLS, env={"FORCE_COLOR": "1"})
    assert SGR_COLOUR.search(coloured.stdout)


def test_tables_keep_their_cells_whole_in_a_pipe() -> None:
    done = run_cli("inspect", str(EXAMPLES / "runs" / "cities.json"), env={"COLUMNS": ""})
    assert done.returncode == 0, done.stderr
    message = "error: get_population: invalid arguments: missing required argument 'city'"
    rows = [line for line in done.stdout.splitlines() if "│ get_population │ {} " in line]
    assert rows and all(message in row for row in rows), rows[:2]
    rule = next(line for line in done.stdout.splitlines() if "Step 1" in line)
    assert len(rule) <= 120


def test_check_several_files_with_one_checker(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ts"
    bad.write_text("await external_AddNumbers({ left: 1 });\n")
    good = str(EXAMPLES / "math_task.ts")
    done = run_cli("check", good, str(bad), good, "--tools", MATH_TOOLS)
    assert done.returncode == 1, done.stderr
    assert done.stdout.count("type-checks") == 2
    assert f"{bad}:1:29 - error TS2353" in done.stdout
    assert "3 files checked, 1 with type errors" in done.stdout
    as_json = json.loads(run_cli("check", good, str(bad), "--tools", MATH_TOOLS, "--json").stdout)
    assert [entry["file"] for entry in as_json] == [good, str(bad)]
    assert as_json[0]["diagnostics"] == [] and as_json[1]["diagnostics"][0]["line"] == 1


def test_check_uses_one_warm_checker_for_all_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tsact import _sandbox
    from tsact.cli.check_command import check_scripts

    started: list[object] = []
    original = _sandbox.TypeChecker

    class Counting(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            started.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(_sandbox, "TypeChecker", Counting)
    scripts = []
    for index in range(4):
        path = tmp_path / f"s{index}.ts"
        path.write_text(f"await external_AddNumbers({{ a: {index}, b: 1 }});\n")
        scripts.append(str(path))
    found = check_scripts(scripts, [MATH_TOOLS], as_json=True)
    assert found == [[], [], [], []]
    assert len(started) == 1


def test_replay_shows_each_steps_result_and_console_when_verbose() -> None:
    run = str(EXAMPLES / "runs" / "cities.json")
    done = run_cli("replay", run)
    assert done.returncode == 0, done.stderr
    assert "Error (tool) at line 3: get_population: invalid arguments" in done.stdout
    assert 'Final answer: {"cities": ["Ho Chi Minh City"' in done.stdout
    assert "Hanoi: 8,053,663" not in done.stdout
    verbose = run_cli("replay", run, "--verbose")
    assert "Console:" in verbose.stdout and "Hanoi: 8,053,663" in verbose.stdout


def test_types_prints_one_json_schema(tmp_path: Path) -> None:
    schema = tmp_path / "city.schema.json"
    schema.write_text(
        json.dumps(
            {
                "title": "city record",
                "type": "object",
                "properties": {"name": {"type": "string"}, "tags": {"$ref": "#/$defs/Tags"}},
                "required": ["name"],
                "$defs": {"Tags": {"type": "array", "items": {"type": "string"}}},
            }
        )
    )
    named = run_cli("types", "--schema", str(schema), "--name", "City")
    assert named.returncode == 0, named.stderr
    assert named.stdout.startswith("/** city record */\ntype City = {\n  name: string;\n")
    assert "type Tags = string[];" in named.stdout
    titled = run_cli("types", "--schema", str(schema))
    assert "type City_record = {" in titled.stdout
    bad_name = run_cli("types", "--schema", str(schema), "--name", "a-b")
    assert bad_name.returncode == 2 and "not a TypeScript identifier" in bad_name.stderr
    both = run_cli("types", "--schema", str(schema), "--tools", MATH_TOOLS)
    assert both.returncode == 2 and "either --schema or --tools" in both.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"$ref": "#/$defs/Nope"}')
    widened = run_cli("types", "--schema", str(broken))  # an unresolvable $ref widens
    assert widened.returncode == 0 and "Traceback" not in widened.stderr
    assert (
        "type Broken = unknown;" in widened.stdout and "is not in this document" in widened.stdout
    )
    invalid = tmp_path / "invalid.json"
    invalid.write_text('{"type": 3}')
    failed = run_cli("types", "--schema", str(invalid))
    assert failed.returncode in (0, 2) and "Traceback" not in failed.stderr


def test_model_timeout_flag_ends_a_silent_endpoint() -> None:
    with FakeOpenAI([slow(60)]) as fake:
        done = run_cli(
            "run", "Go.", "--tools", MATH_TOOLS, "--base-url", fake.url, "--model-timeout", "1"
        )
    assert done.returncode == 1, done.stderr
    assert "gave no reply within model_timeout (1 s; --model-timeout" in done.stdout
    assert "Model call failed" in done.stdout and "Unusable reply" not in done.stdout
    assert MODEL_TIMEOUT == 180.0
    from tsact.agent._agent import DEFAULT_MODEL_TIMEOUT

    assert MODEL_TIMEOUT == DEFAULT_MODEL_TIMEOUT
    bad = run_cli("run", "Go.", "--base-url", fake.url, "--model-timeout", "-1")
    assert bad.returncode == 2 and "--model-timeout must be >= 0" in bad.stderr


def test_a_connection_failure_is_not_an_unusable_reply() -> None:
    with FakeOpenAI() as gone:
        url = gone.url
    done = run_cli("run", "Go.", "--tools", MATH_TOOLS, "--base-url", url)
    assert done.returncode == 1
    assert "Model call failed: could not reach the model endpoint" in done.stdout
    assert "Unusable reply" not in done.stdout


def test_fuel_zero_turns_metering_off_in_run() -> None:
    with FakeOpenAI(
        [code("let n = 0; for (let i = 0; i < 10; i++) n++; final_answer(n);")]
    ) as fake:
        done = run_cli(
            "run", "Go.", "--tools", MATH_TOOLS, "--base-url", fake.url, "--fuel", "0", "--json"
        )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)["steps"][0]["record"]
    assert record["limits"]["fuel"] is None and record["fuel_used"] is None

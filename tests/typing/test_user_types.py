"""Users who run ``mypy --strict`` get tsact's types (py.typed), and precise ones.

Each test writes a small user program and runs the real mypy on it in a subprocess,
as a user's CI would: with the installed tsact, not this checkout's sources on a path.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def mypy_strict(tmp_path: Path, source: str) -> tuple[int, str]:
    program = tmp_path / "user_program.py"
    program.write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_both_packages_say_they_are_typed() -> None:
    assert (REPO / "tsact" / "py.typed").is_file()
    assert (REPO / "typegen" / "py.typed").is_file()


USER_PROGRAM = """\
from tsact import ExecutionRecord, Limits, Sandbox, ToolCallRecord, tool
from tsact.agent import Agent, AgentRun, Usage
from typegen import schema_to_typescript


@tool
def add(left: int, right: int) -> int:
    \"\"\"Add two integers.\"\"\"
    return left + right


sandbox = Sandbox([add], limits=Limits(timeout_s=5))
record: ExecutionRecord = sandbox.run_sync("return 1")
calls: list[ToolCallRecord] = record.tool_calls
fuel: int | None = record.fuel_used
agent = Agent("m", [add], base_url="http://127.0.0.1:1/v1", model_timeout=30)
run: AgentRun = agent.run_sync("go")
usage: Usage = run.usage + run.steps[0].sub_agent_usage
text: str = schema_to_typescript({"type": "object"}, "Thing")
wrong: str = record.duration_ms  # the one error mypy must report
"""


def test_public_types_reach_a_strict_user(tmp_path: Path) -> None:
    status, output = mypy_strict(tmp_path, USER_PROGRAM)
    assert "py.typed" not in output and "missing library stubs" not in output, output
    # exactly the planted error: everything else type-checks, nothing is Any-typed away
    assert status == 1, output
    assert output.count("error:") == 1, output
    assert 'Incompatible types in assignment (expression has type "float"' in output


TOOL_SIGNATURE = """\
from tsact import tool


@tool
def add(left: int, right: int) -> int:
    \"\"\"Add two integers.\"\"\"
    return left + right


total: int = add(2, 3)
add("two", 3)  # the one error mypy must report
"""


@pytest.mark.xfail(
    strict=True,
    reason="needs tsact/_tools.py: Tool generic over the function's ParamSpec and return "
    "type, with __call__, and tool() overloads returning Tool[P, R]",
)
def test_tool_keeps_the_functions_signature(tmp_path: Path) -> None:
    status, output = mypy_strict(tmp_path, TOOL_SIGNATURE)
    assert status == 1, output
    assert output.count("error:") == 1, output
    assert 'Argument 1 to "add" has incompatible type "str"; expected "int"' in output

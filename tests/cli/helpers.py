"""Helpers for the CLI tests: run ``tsact`` as a user does, or in-process with CliRunner."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner, Result

from tsact import ExecutionRecord, Sandbox
from tsact.cli import app
from tsact.cli.tools_file import load_tools

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
MATH_TOOLS = str(EXAMPLES / "math_tools.py")
CITIES_TOOLS = str(EXAMPLES / "cities.py")
LOGS_TOOLS = str(EXAMPLES / "logs.py")
WIDE: dict[str, str | None] = {
    "COLUMNS": "200",
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "OPENAI_API_KEY": None,
    "OPENAI_BASE_URL": None,
    "TSACT_MODEL": None,
}


MODEL_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TSACT_MODEL")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a ``tsact`` subprocess: this checkout importable, wide, no colour,
    and no model endpoint unless ``extra`` sets one."""
    dropped = ("NO_COLOR", "FORCE_COLOR", *MODEL_ENV)
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "200"
    env.update(extra)
    return env


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tsact.cli ARGS`` in a subprocess, the way a user runs ``tsact``."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [sys.executable, "-m", "tsact.cli", *args],
        input=data,
        capture_output=True,
        env=cli_env(**(env or {})),
        cwd=cwd or REPO,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode(),
        completed.stderr.decode(),
    )


def invoke(args: Sequence[str], stdin: str | None = None) -> Result:
    """Run the typer app in-process (same behaviour, no interpreter start-up)."""
    return CliRunner().invoke(
        app, list(args), input=stdin, env=WIDE, catch_exceptions=False, prog_name="tsact"
    )


def assert_input_error(stderr: str, exit_code: int, fragment: str) -> None:
    """One ``tsact: error:`` line containing ``fragment``, exit 2, no traceback."""
    assert exit_code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("tsact: error: "), stderr
    assert fragment in lines[0], stderr
    assert "Traceback" not in stderr


def scripted_server_module() -> ModuleType:
    """``examples/make_saved_runs.py``, which holds the scripted OpenAI-compatible server."""
    name = "tsact_examples_make_saved_runs"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / "make_saved_runs.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def record_of(script: Path | str, tools: str | None) -> ExecutionRecord:
    """Run a script with the library directly (fixtures; the CLI is tested elsewhere)."""
    source = Path(script).read_text() if isinstance(script, Path) else script
    sandbox = Sandbox(load_tools([tools]) if tools else [])
    return sandbox.run_sync(source)


FAILING_SCRIPT = """\
const sum = await external_AddNumbers({ a: 7, b: 5 });
console.warn("about to fail");
for (const row of [1, 2, 3]) {
  if (row === 3) {
    throw new Error(`bad row ${row} after ${sum}`);
  }
}
"""

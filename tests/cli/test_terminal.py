"""A run on a terminal (a pseudo-terminal) shows live progress; ``--json`` stays clean."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from tsact import ExecutionRecord

from .helpers import CITIES_TOOLS, EXAMPLES, REPO, cli_env, scripted_server_module


def _run_on_pty(
    args: list[str], *, stdout_on_pty: bool, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run tsact with stderr (and optionally stdout) on a pseudo-terminal."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tsact.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_on_pty else subprocess.PIPE,
        stderr=slave,
        env=cli_env(TERM="xterm-256color", **(env or {})),
        cwd=REPO,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    piped = process.stdout.read().decode() if process.stdout is not None else ""
    process.wait(timeout=60)
    return process.returncode, b"".join(chunks).decode(errors="replace"), piped


def test_terminal_run_shows_live_progress_in_colour() -> None:
    args = ["exec", str(EXAMPLES / "cities_task.ts"), "--tools", CITIES_TOOLS]
    code, terminal, _ = _run_on_pty(args, stdout_on_pty=True)
    assert code == 0, terminal
    assert "\x1b[" in terminal  # colour on a terminal
    assert "→ #1" in terminal and "search_cities" in terminal
    assert "← #6" in terminal
    assert "Da Nang: 1,134,310" in terminal
    # Live lines come before the final summary, which does not repeat them as a table.
    assert terminal.index("→ #1") < terminal.index("✓ ok")
    assert "Tool calls (" not in terminal


def test_json_on_a_terminal_keeps_progress_out_of_stdout() -> None:
    args = ["exec", str(EXAMPLES / "cities_task.ts"), "--tools", CITIES_TOOLS, "--json"]
    code, terminal, stdout = _run_on_pty(args, stdout_on_pty=False)
    assert code == 0, terminal
    record = ExecutionRecord.from_json(stdout)
    assert record.result["total"] == 21_444_740
    assert "\x1b" not in stdout
    assert "→ #1" in terminal  # the progress went to the terminal on stderr


def test_agent_run_on_a_terminal_shows_each_step_live() -> None:
    server_module = scripted_server_module()
    with server_module.ScriptedOpenAI(server_module.CITIES_REPLIES) as server:
        task = "population of Vietnam's 5 largest cities"
        args = ["run", task, "--tools", CITIES_TOOLS, "--no-typecheck"]
        code, terminal, _ = _run_on_pty(
            args, stdout_on_pty=True, env={"OPENAI_BASE_URL": server.url}
        )
    assert code == 0, terminal
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal)
    step1, step2 = plain.index("Step 1"), plain.index("Step 2")
    assert step1 < plain.index("I'll look the cities up") < step2
    assert step1 < plain.index("3 │   cities.map((c: any)") < step2  # the code, numbered
    assert step1 < plain.index("✗ #2 get_population error: get_population: invalid") < step2
    assert step2 < plain.rindex("→ #6 get_population") < plain.index("Da Nang: 1,134,310")
    assert plain.rindex("✓ final answer") > plain.index("Da Nang: 1,134,310")
    assert '"total": 21444740' in plain

"""Ctrl-C in ``tsact run`` keeps what finished: a real SIGINT to a real ``tsact`` process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ..leaks import tsact_temp_dirs
from .helpers import MATH_TOOLS, REPO, cli_env

sys.path.insert(0, str(REPO / "tests" / "agent"))
from fake_openai import FakeOpenAI, Reply, code, slow


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell starts a background job


def _start(*args: str, sigint_ignored: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tsact.cli", "run", "Go.", "--no-typecheck", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
        cwd=REPO,
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )


def _interrupt(
    process: subprocess.Popen[bytes], signum: signal.Signals = signal.SIGINT
) -> tuple[int, str, str]:
    os.kill(process.pid, signum)
    out, err = process.communicate(timeout=60)
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(
    ("signum", "sigint_ignored"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGTERM, True)],
    ids=["ctrl-c", "sigterm", "sigterm-in-a-background-job"],
)
def test_ctrl_c_while_waiting_for_the_model_saves_the_finished_steps(
    tmp_path: Path, signum: signal.Signals, sigint_ignored: bool
) -> None:
    asked = threading.Event()

    def second_request(_request: object) -> Reply:
        asked.set()
        return slow(60)

    saved = tmp_path / "run.json"
    with FakeOpenAI([code("console.log('step one'); return 1;")], responder=second_request) as fake:
        process = _start(
            "--tools",
            MATH_TOOLS,
            "--base-url",
            fake.url,
            "--save",
            str(saved),
            sigint_ignored=sigint_ignored,
        )
        assert asked.wait(60), "the second model request never came"
        status, out, err = _interrupt(process, signum)
    assert status == 130, err
    assert "Traceback" not in err
    run = json.loads(saved.read_text())
    assert run["status"] == "cancelled"
    assert run["error"] == "the run was cancelled at step 2, while waiting for the model"
    first, second = run["steps"]
    assert first["record"]["status"] == "ok"
    assert first["record"]["console"][0]["text"] == "step one"
    assert second["record"] is None
    assert "✗ cancelled" in out
    assert "✓ ok  step 1" in out
    assert f"The steps so far are saved to {saved}" in out
    assert tsact_temp_dirs(process.pid) == set()  # the spare booting for step 2 is gone too


TOOLS = """\
import time
from tsact import tool

@tool
def hold(fifo: str) -> str:
    \"\"\"Say on a FIFO that the call has begun, then take a long time.\"\"\"
    with open(fifo, "w") as signal:
        signal.write("started\\n")
    time.sleep(60)
    return "late"
"""


def test_ctrl_c_while_a_script_runs_keeps_what_it_did(tmp_path: Path) -> None:
    fifo = tmp_path / "signal.fifo"
    os.mkfifo(fifo)
    tools = tmp_path / "hold_tools.py"
    tools.write_text(TOOLS)
    script = f"console.log('calling');\nreturn await external_hold({{ fifo: {str(fifo)!r} }});"
    saved = tmp_path / "run.json"
    with FakeOpenAI([code(script)]) as fake:
        process = _start(
            "--tools", str(tools), "--base-url", fake.url, "--save", str(saved), "--json"
        )
        with open(fifo) as reader:  # blocks until the tool is running
            assert reader.readline() == "started\n"
        status, out, err = _interrupt(process)
    assert status == 130, err
    assert "Traceback" not in err
    printed = json.loads(out)  # --json: the partial run, and nothing else, on stdout
    run = json.loads(saved.read_text())
    assert printed == run
    assert run["status"] == "cancelled"
    assert run["error"] == "the run was cancelled at step 1, while its script ran"
    record = run["steps"][0]["record"]
    assert record["error"]["kind"] == "cancelled"
    assert [entry["text"] for entry in record["console"]] == ["calling"]
    assert [(call["name"], call["status"]) for call in record["tool_calls"]] == [
        ("hold", "cancelled")
    ]
    assert "Interrupted." in err
    assert tsact_temp_dirs(process.pid) == set()


def test_a_sigterm_handler_set_by_someone_else_is_left_alone() -> None:
    from tsact.cli import stop_gracefully_on_sigterm

    def theirs(signum: int, frame: object) -> None:
        pass

    before = signal.signal(signal.SIGTERM, theirs)
    try:
        stop_gracefully_on_sigterm()
        assert signal.getsignal(signal.SIGTERM) is theirs
    finally:
        signal.signal(signal.SIGTERM, before)

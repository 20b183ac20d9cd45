"""The ``tsact`` logger: useful debug messages when asked for, silent by default."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, code, text
from seed_tools import MATH_TOOLS

from tsact.agent import Agent

REPO = Path(__file__).resolve().parents[2]


def test_debug_messages_follow_a_run(
    server: FakeOpenAI, make_agent: Callable[..., Agent], caplog: pytest.LogCaptureFixture
) -> None:
    server.push(code("return await external_AddNumbers({ left: 1, right: 2 });"), text("3"))
    with caplog.at_level(logging.DEBUG, logger="tsact"):
        run = make_agent(MATH_TOOLS).run_sync("One plus two.")
    assert run.status == "final_answer"
    messages = [record.getMessage() for record in caplog.records]
    names = {record.name for record in caplog.records}
    assert {"tsact.agent", "tsact.process"} <= names

    def index(fragment: str) -> int:
        return next(i for i, message in enumerate(messages) if fragment in message)

    assert index("run ") < index("model request to") < index("model reply from")
    assert index("sandbox process") < index("step 1: script ended ok")
    assert "killed" in messages[index("sandbox process group")]
    assert messages[-1].endswith("final_answer after 2 steps")


def test_silent_by_default() -> None:
    program = (
        "import logging, tsact\n"
        "logging.getLogger('tsact.process').warning('should not be seen')\n"
        "print(tsact.Sandbox([]).run_sync('return 1').result)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1\n"
    assert done.stderr == ""

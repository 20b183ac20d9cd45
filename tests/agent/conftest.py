"""Fixtures of the agent tests: a fake OpenAI-compatible server and agents pointed at it.

Every test talks to the server over real HTTP with the real openai client, and every
script runs in the real sandbox (real Deno).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from fake_openai import FakeOpenAI  # noqa: E402

from tsact.agent import Agent  # noqa: E402


@pytest.fixture
def anyio_backend() -> str:
    """The agent tests run on asyncio."""
    return "asyncio"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    """A started fake server with an empty script (push replies in the test)."""
    with FakeOpenAI() as fake:
        yield fake


AgentFactory = Callable[..., Agent]


@pytest.fixture
def make_agent(server: FakeOpenAI) -> AgentFactory:
    """``make_agent(tools, **options)``: an agent on ``server`` with fast failure settings
    (no retries, 5 s timeout) and type-checking off unless asked for."""

    def build(tools: Any = (), **options: Any) -> Agent:
        options.setdefault("typecheck", False)
        if "client" not in options:
            options.setdefault("base_url", server.url)
            options.setdefault("api_key", "sk-test")
            options.setdefault("max_retries", 0)
            options.setdefault("timeout", 5.0)
        return Agent("fake-model", tools, **options)

    return build

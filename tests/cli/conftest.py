"""Fixtures of the CLI tests: saved records of the example scripts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import CITIES_TOOLS, EXAMPLES, FAILING_SCRIPT, MATH_TOOLS, record_of


@pytest.fixture(autouse=True)
def _restore_import_state() -> Iterator[None]:
    """In-process runs import tools files and extend sys.path: undo it after each test."""
    path = list(sys.path)
    modules = set(sys.modules)
    yield
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        if name.startswith("_tsact_tools_") or name == "mypkg" or name.startswith("mypkg."):
            del sys.modules[name]


@pytest.fixture(scope="session")
def math_record_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved record of examples/math_task.ts."""
    path = tmp_path_factory.mktemp("records") / "math.json"
    path.write_text(record_of(EXAMPLES / "math_task.ts", MATH_TOOLS).to_json())
    return path


@pytest.fixture(scope="session")
def cities_record_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved record of examples/cities_task.ts."""
    path = tmp_path_factory.mktemp("records") / "cities.json"
    path.write_text(record_of(EXAMPLES / "cities_task.ts", CITIES_TOOLS).to_json())
    return path


@pytest.fixture(scope="session")
def failing_record_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved record of a script that throws on line 5, column 11."""
    path = tmp_path_factory.mktemp("records") / "failing.json"
    path.write_text(record_of(FAILING_SCRIPT, MATH_TOOLS).to_json())
    return path

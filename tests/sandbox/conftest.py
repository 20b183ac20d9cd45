"""Fixtures for sandbox tests: shared tools and a check that nothing is left behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..leaks import LeakCheck, child_pids, open_fds, tsact_temp_dirs

__all__ = ["LeakCheck", "child_pids", "open_fds", "tsact_temp_dirs"]


@pytest.fixture
def leak_check() -> Iterator[LeakCheck]:
    """Fails the test if an execution leaves a process, a temp dir or an fd behind."""
    check = LeakCheck()
    yield check
    check.assert_clean()

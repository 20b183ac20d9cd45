"""Code that is not async: ``run_sync``, ``check_sync`` and ``with Sandbox(...)``, also where
an event loop already runs (Jupyter and IPython run the user's cells inside one)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tsact import Sandbox

from .conftest import LeakCheck
from .tools import add_numbers, get_population

SCRIPT = (
    "return await external_AddNumbers({ left: 2, right: 3 })"
    " + await external_get_population({ city: 'Hue' });"
)


def in_running_loop(work: object) -> object:
    """Call ``work()`` from a coroutine on a running event loop, as a notebook cell does.

    The loop runs in a thread of its own, so that the test's thread stays free."""
    box: dict[str, object] = {}

    async def cell() -> None:
        assert asyncio.get_running_loop().is_running()
        box["value"] = work()  # type: ignore[operator]

    thread = threading.Thread(target=lambda: asyncio.run(cell()))
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert "value" in box, "the cell raised"
    return box["value"]


def test_run_sync_works_inside_a_running_event_loop(leak_check: LeakCheck) -> None:
    sandbox = Sandbox([add_numbers, get_population])
    record = in_running_loop(lambda: sandbox.run_sync(SCRIPT))
    assert record.status == "ok", record.error  # type: ignore[attr-defined]
    assert record.result == 5 + 652_572  # type: ignore[attr-defined]


def test_check_sync_reports_type_errors_inside_and_outside_a_loop() -> None:
    sandbox = Sandbox([add_numbers])
    try:
        assert sandbox.check_sync("await external_AddNumbers({ left: 1, right: 2 });") == []
        (diagnostic,) = in_running_loop(  # type: ignore[misc]
            lambda: sandbox.check_sync("await external_AddNumbers({ left: 1 });")
        )
        assert diagnostic.line == 1
        assert "right" in diagnostic.message
    finally:
        sandbox.close()


def test_with_block_keeps_a_spare_for_sync_code(leak_check: LeakCheck) -> None:
    with Sandbox([add_numbers, get_population]) as sandbox:
        first = sandbox.run_sync(SCRIPT)
        second = sandbox.run_sync(SCRIPT)
    assert first.ok and second.ok
    assert second.timings.prewarmed, "the second run did not use the spare process"
    assert sandbox._portal is None


def test_with_block_works_inside_a_running_event_loop(leak_check: LeakCheck) -> None:
    def cell() -> bool:
        with Sandbox([add_numbers, get_population]) as sandbox:
            sandbox.run_sync(SCRIPT)
            return sandbox.run_sync(SCRIPT).timings.prewarmed

    assert in_running_loop(cell) is True


def test_with_block_cannot_be_entered_twice() -> None:
    sandbox = Sandbox([add_numbers])
    with sandbox, pytest.raises(RuntimeError, match="already open"):
        sandbox.__enter__()

"""Sandboxes under a plain ``asyncio.run``, as most programs use them (not anyio's runner).

Tool calls start from event-loop callbacks (the frame reader's, or one a tool's thread
scheduled), where no task runs: anyio, asked there which library runs, must still find
asyncio.
"""

from __future__ import annotations

import asyncio

from tsact import Limits, Sandbox, tool

from .conftest import LeakCheck


@tool
async def slow_double(n: int) -> int:
    """Double ``n`` after a pause."""
    await asyncio.sleep(0.005)
    return 2 * n


@tool
def triple(n: int) -> int:
    """Triple ``n``."""
    return 3 * n


def _run(source: str, **limits: int) -> object:
    async def main() -> object:
        sandbox = Sandbox([slow_double, triple], limits=Limits(timeout_s=20, **limits))
        record = await sandbox.run(source)
        assert record.ok, record.error
        async with sandbox:  # a pool's spare, reaped in the background
            again = await sandbox.run(source)
        assert again.result == record.result
        return record.result

    return asyncio.run(main())


def test_an_async_tool(leak_check: LeakCheck) -> None:
    assert _run("return await external_slow_double({ n: 2 });") == 4


def test_a_sync_tool(leak_check: LeakCheck) -> None:
    assert _run("return await external_triple({ n: 2 });") == 6


def test_calls_that_wait_for_a_slot_start_from_callbacks(leak_check: LeakCheck) -> None:
    # one slot: each waiting call starts when the one before is settled, which for a sync
    # tool happens in a callback its thread scheduled
    source = (
        "const calls = [];\n"
        "for (let i = 0; i < 6; i++) {\n"
        "  calls.push(i % 2 ? external_triple({ n: i }) : external_slow_double({ n: i }));\n"
        "}\n"
        "return await Promise.all(calls);"
    )
    assert _run(source, tool_concurrency=1) == [0, 3, 4, 9, 8, 15]
    assert _run(source, tool_concurrency=3) == [0, 3, 4, 9, 8, 15]

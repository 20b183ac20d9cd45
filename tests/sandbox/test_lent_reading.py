"""Sync calls answered where the frames are read: the loop lends a tool's thread the reading.

A run of sequential sync calls is answered on one thread, without the event loop; these
tests hold that this changes nothing a script or a record can see: order, limits,
budgets, concurrency, timeouts, and what comes back to the loop.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from tsact import ExecutionRecord, Limits, Sandbox, ToolCallRecord, tool
from tsact._wire.channel import FrameChannel
from tsact._wire.dispatcher import LEND_WATCH_S

from .conftest import LeakCheck

pytestmark = pytest.mark.anyio


@tool
def bump(n: int) -> int:
    """Return n + 1."""
    return n + 1


@tool
def nap(ms: int) -> int:
    """Sleep ms milliseconds, then return them."""
    time.sleep(ms / 1000)
    return ms


@tool
def fail_at(n: int, at: int) -> int:
    """Return n, or raise when n == at."""
    if n == at:
        raise RuntimeError(f"no {n}")
    return n


@tool
def blob(size: int) -> str:
    """A string of size characters."""
    return "x" * size


@tool
def size_of(text: str) -> int:
    """The length of text."""
    return len(text)


@tool
def noisy(n: int) -> int:
    """Print, then return n."""
    print(f"call {n}")
    return n


@tool
async def later(n: int) -> int:
    """Return n, on the event loop."""
    await anyio.sleep(0)
    return n


TOOLS = [bump, nap, fail_at, blob, size_of, noisy, later]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(TOOLS, limits=Limits(timeout_s=20, fuel=None))


@pytest.fixture
def loop_reads() -> Iterator[list[int]]:
    """Counts the reads the event loop makes of any channel's pipe."""
    count = [0]
    original = FrameChannel._on_readable

    def counted(self: FrameChannel) -> None:
        count[0] += 1
        original(self)

    FrameChannel._on_readable = counted  # type: ignore[method-assign]
    try:
        yield count
    finally:
        FrameChannel._on_readable = original  # type: ignore[method-assign]


def calls_seen(record: ExecutionRecord) -> list[tuple[Any, ...]]:
    """What a record says of its calls, apart from timings."""
    return [
        (c.id, c.name, c.arguments, c.status, c.result, c.error_code, c.error, c.printed)
        for c in record.tool_calls
    ]


async def followed_and_not(sandbox: Sandbox, source: str, **limits: Any) -> list[ExecutionRecord]:
    """The record of ``source`` run with an event handler (every call starts on the loop)
    and without one (calls may start on a thread), in that order."""
    events: list[object] = []
    return [
        await sandbox.run(
            source, limits=Limits(timeout_s=20, fuel=None, **limits), on_event=handler
        )
        for handler in (events.append, None)
    ]


async def test_a_run_of_sync_calls_is_answered_without_the_loop(
    sandbox: Sandbox, loop_reads: list[int]
) -> None:
    record = await sandbox.run(
        "let n = 0;\nfor (let i = 0; i < 400; i++) n = await external_bump({ n });\nreturn n"
    )
    assert record.result == 400, record.error
    assert [c.result for c in record.tool_calls] == list(range(1, 401))
    # on a loaded machine a thread may give the reading back now and then, not per call
    assert loop_reads[0] < 100


@pytest.mark.parametrize(
    ("source", "limits"),
    [
        (  # an error answer, then on
            "const out = [];\nfor (let i = 0; i < 40; i++) {\n"
            "  try { out.push(await external_fail_at({ n: i, at: 17 })); }\n"
            "  catch (e) { out.push(String(e)); }\n}\nreturn out",
            {},
        ),
        (  # invalid arguments, checked on the thread
            "const out = [];\nfor (let i = 0; i < 30; i++) {\n"
            "  try { out.push(await external_bump({ n: (i === 12 ? 'x' : i) as number })); }\n"
            "  catch (e) { out.push(String(e)); }\n}\nreturn out",
            {},
        ),
        (  # the call limit: the record stops at the same call
            "let n = 0;\nfor (let i = 0; i < 50; i++) n = await external_bump({ n });\nreturn n",
            {"max_tool_calls": 23},
        ),
        (  # the tool-data budget: markers from the same call on
            "let s = 0;\nfor (let i = 0; i < 30; i++)\n"
            "  s += (await external_blob({ size: 100 })).length;\nreturn s",
            {"max_tool_data_bytes": 1500},
        ),
        (  # what tools print stays with each call
            "let s = 0;\nfor (let i = 0; i < 30; i++)\n"
            "  s += await external_noisy({ n: i });\nreturn s",
            {},
        ),
        (  # async calls between sync ones go back to the loop
            "let s = 0;\nfor (let i = 0; i < 30; i++)\n"
            "  s += await (i % 7 === 3 ? external_later({ n: i }) : external_bump({ n: i }));\n"
            "return s",
            {},
        ),
        (  # a big argument (its frame read in several pieces), then small ones again
            "let s = 0;\nfor (let i = 0; i < 30; i++)\n"
            "  s += await external_size_of({ text: 'y'.repeat(i === 11 ? 300000 : 2) });\n"
            "return s",
            {},
        ),
        (  # a big result, then small ones again
            "let s = 0;\nfor (let i = 0; i < 30; i++)\n"
            "  s += (await external_blob({ size: i === 9 ? 300000 : 3 })).length;\nreturn s",
            {},
        ),
    ],
)
async def test_records_match_calls_started_on_the_loop(
    sandbox: Sandbox, source: str, limits: dict[str, Any]
) -> None:
    followed, unfollowed = await followed_and_not(sandbox, source, **limits)
    assert unfollowed.status == followed.status
    assert unfollowed.result == followed.result
    assert unfollowed.error == followed.error
    assert calls_seen(unfollowed) == calls_seen(followed)
    assert len(unfollowed.tool_calls) >= 23


async def test_console_lines_and_calls_keep_their_order(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "let n = 0;\nfor (let i = 0; i < 200; i++) {\n"
        "  console.log(i);\n  n = await external_bump({ n });\n}\nreturn n"
    )
    assert record.result == 200, record.error
    assert [e.text for e in record.console] == [str(i) for i in range(200)]
    for entry, call in zip(record.console, record.tool_calls, strict=True):
        assert entry.t_ms <= call.started_ms + 0.5
    for call, entry in zip(record.tool_calls, record.console[1:], strict=False):
        assert entry.t_ms >= call.started_ms + call.duration_ms - 0.5


@pytest.mark.parametrize(
    "batch",
    [
        "Promise.all([0, 1, 2].map(() => external_nap({ ms: 600 })))",
        # the later calls are made a microtask after the first: their frames come apart
        "Promise.all([external_nap({ ms: 600 }), ...[1, 2].map(async () => {"
        " await null; await null; return external_nap({ ms: 600 }); })])",
    ],
)
async def test_calls_made_together_after_a_run_still_overlap(sandbox: Sandbox, batch: str) -> None:
    record = await sandbox.run(
        f"let n = 0;\nfor (let i = 0; i < 50; i++) n = await external_bump({{ n }});\n"
        f"return await {batch};"
    )
    assert record.result == [600, 600, 600], record.error
    naps = record.tool_calls[50:]
    starts = [c.started_ms for c in naps]
    # all three run at once: each starts well before the first ends
    assert max(starts) - min(starts) < 300, starts
    assert min(c.started_ms + c.duration_ms for c in naps) > max(starts)


async def test_a_fast_tool_turning_slow_meets_the_timeout(
    sandbox: Sandbox, leak_check: LeakCheck
) -> None:
    started = time.perf_counter()
    record = await sandbox.run(
        "for (let i = 0; i < 40; i++) await external_nap({ ms: i < 30 ? 0 : 5000 });",
        limits=Limits(timeout_s=1.5, fuel=None),
    )
    elapsed = time.perf_counter() - started
    assert record.error is not None and record.error.kind == "timeout", record.error
    assert elapsed < 4
    calls: list[ToolCallRecord] = record.tool_calls
    assert [c.status for c in calls] == ["ok"] * 30 + ["cancelled"]


async def test_a_thread_in_a_slow_call_gives_the_reading_back(sandbox: Sandbox) -> None:
    # while the slow call runs, the script's console lines still arrive as they are made
    record = await sandbox.run(
        "for (let i = 0; i < 20; i++) await external_bump({ n: i });\n"
        "const slow = external_nap({ ms: 800 });\n"
        "await new Promise((done) => setTimeout(done, 200));\n"
        "console.log('mid');\nreturn await slow;"
    )
    assert record.result == 800, record.error
    [entry] = record.console
    nap = record.tool_calls[-1]
    assert entry.t_ms < nap.started_ms + nap.duration_ms - 300
    assert entry.t_ms - nap.started_ms < 200 + 300 + LEND_WATCH_S * 1000


def reading_threads() -> list[str]:
    """Threads that are reading a channel's pipe for the loop now."""
    return [
        thread.name
        for thread in threading.enumerate()
        if thread.ident is not None
        and (frame := sys._current_frames().get(thread.ident)) is not None
        and any(f.f_code.co_name == "read_lent" for f, _ in traceback.walk_stack(frame))
    ]


async def test_no_thread_keeps_reading_after_a_run(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "let n = 0;\nfor (let i = 0; i < 100; i++) n = await external_bump({ n });\nreturn n"
    )
    assert record.result == 100
    deadline = time.monotonic() + 2
    while reading_threads() and time.monotonic() < deadline:
        await anyio.sleep(0.01)
    assert reading_threads() == []
    # while a run goes on, a thread does read (the check above can fail)
    seen: list[str] = []

    async def run() -> None:
        await sandbox.run(
            "let n = 0;\nfor (let i = 0; i < 3000; i++) n = await external_bump({ n });"
        )
        group.cancel_scope.cancel()

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        while not seen:
            seen.extend(reading_threads())
            await anyio.sleep(0.001)
    assert seen


@pytest.mark.parametrize(
    ("source", "limits", "kind"),
    [
        (  # a run the timeout stops
            "let n = 0;\nwhile (true) n = await external_tally({ n });",
            {"timeout_s": 1.0, "max_tool_calls": 10**6},
            "timeout",
        ),
        (  # a run the call limit stops
            "let n = 0;\nwhile (true) n = await external_tally({ n });",
            {"max_tool_calls": 150},
            "limit",
        ),
        (  # a run that ends with a call sent and not awaited
            "let n = 0;\nfor (let i = 0; i < 100; i++) n = await external_tally({ n });\n"
            "void external_tally({ n });\nreturn n;",
            {},
            None,
        ),
    ],
)
async def test_every_call_a_tool_ran_is_in_the_record(
    source: str, limits: dict[str, Any], kind: str | None
) -> None:
    # However a run of calls ends, the host runs no call the record does not show,
    # then or later.
    ran = [0]

    @tool
    def tally(n: int) -> int:
        """Count the call, return n + 1."""
        ran[0] += 1
        return n + 1

    record = await Sandbox([tally]).run(source, limits=Limits(fuel=None, **limits))
    assert (record.error.kind if record.error else None) == kind, record.error
    assert len(record.tool_calls) >= 100
    await anyio.sleep(0.2)  # a call that was on its way has run by now
    assert ran[0] == len(record.tool_calls)

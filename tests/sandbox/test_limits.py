"""Each limit is hit on purpose; the record says which, and nothing escapes."""

from __future__ import annotations

import pytest

from tsact import ExecutionEvent, Limits, Sandbox, ToolCallFinished, ToolCallStarted
from tsact._records.console import line_cap

from .conftest import LeakCheck
from .tools import ALL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL)


async def test_timeout_kills_a_busy_loop(leak_check: LeakCheck) -> None:
    limits = Limits(timeout_s=1, fuel=None)
    async with Sandbox(ALL, limits=limits) as sandbox:
        await sandbox.warm()  # a spare boots first, so the whole second is the script's
        record = await sandbox.run("console.log('spinning');\nwhile (true) {}")
    assert record.error is not None and record.error.kind == "timeout"
    assert record.error.message == "the script ran longer than timeout_s (1 s) and was stopped"
    assert record.duration_ms >= 1000
    assert [entry.text for entry in record.console] == ["spinning"]


async def test_timeout_while_a_tool_runs(sandbox: Sandbox, leak_check: LeakCheck) -> None:
    record = await sandbox.run(
        "await external_slow_async({ ms: 20000 })", limits=Limits(timeout_s=2)
    )
    assert record.error is not None and record.error.kind == "timeout"
    assert record.tool_calls[0].status == "cancelled"


async def test_heap_exhaustion_is_memory(sandbox: Sandbox, leak_check: LeakCheck) -> None:
    record = await sandbox.run(
        "const keep = [];\nwhile (true) keep.push({ a: Math.random(), b: [1, 2, 3] });",
        limits=Limits(memory_mb=128, timeout_s=20),
    )
    assert record.error is not None and record.error.kind == "memory"


async def test_off_heap_array_buffers_are_stopped(sandbox: Sandbox, leak_check: LeakCheck) -> None:
    record = await sandbox.run(
        "const keep = [];\n"
        "while (true) { const b = new Uint8Array(32 * 1024 * 1024); b.fill(1); keep.push(b); }",
        limits=Limits(memory_mb=128, timeout_s=20),
    )
    # stopped by the watchdog: unstopped, the loop would run into the 20 s timeout
    assert record.error is not None and record.error.kind == "memory"
    assert "over memory_mb (128 MiB" in record.error.message


async def test_one_huge_array_buffer_is_refused_or_stopped(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const b = new Uint8Array(8 * 1024 * 1024 * 1024); b.fill(7); return b.length",
        limits=Limits(memory_mb=128, timeout_s=20),
    )
    # Refused by V8 (the script's own RangeError: no memory was used), or stopped by the
    # watchdog if the allocation succeeds and the fill grows the process.
    assert record.error is not None
    refused = (record.error.kind, record.error.name) == ("runtime", "RangeError")
    assert refused or record.error.kind == "memory", record.error
    if refused:
        assert "Array buffer allocation failed" in record.error.message
        assert record.error.line == 1


async def test_max_tool_calls(sandbox: Sandbox, leak_check: LeakCheck) -> None:
    record = await sandbox.run(
        "for (let i = 0; i < 10; i++) await external_AddNumbers({ left: i, right: 1 });",
        limits=Limits(max_tool_calls=3),
    )
    assert record.error is not None and record.error.kind == "limit"
    assert record.error.message == "the script made more than max_tool_calls (3) tool calls"
    assert [call.result for call in record.tool_calls] == [1, 2, 3]


async def test_max_source_bytes(sandbox: Sandbox) -> None:
    record = await sandbox.run("return 1;" + " " * 100, limits=Limits(max_source_bytes=50))
    assert record.error is not None and record.error.kind == "limit"
    assert record.error.message == "the script is 109 bytes, over max_source_bytes (50)"


async def test_max_result_bytes(sandbox: Sandbox) -> None:
    record = await sandbox.run("return 'x'.repeat(5000)", limits=Limits(max_result_bytes=1000))
    assert record.error is not None and record.error.kind == "limit"
    assert record.error.message == "the result is 5002 bytes of JSON, over max_result_bytes (1000)"


async def test_console_keeps_head_and_tail(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "for (let i = 0; i < 5000; i++) console.log(`line ${i}`);\nreturn 'done'",
        limits=Limits(max_output_bytes=2000),
    )
    assert record.result == "done"
    texts = [entry.text for entry in record.console]
    assert texts[0] == "line 0"
    assert texts[-1] == "line 4999"
    marker = [entry for entry in record.console if entry.level == "omitted"]
    assert len(marker) == 1
    assert "console entries" in marker[0].text and "omitted" in marker[0].text
    kept_bytes = sum(len(text) for text in texts if not text.startswith("[..."))
    assert kept_bytes <= 2000


async def test_one_huge_console_line_is_cut(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('a'.repeat(100000) + 'END')", limits=Limits(max_output_bytes=1000)
    )
    (entry,) = record.console
    assert entry.text.startswith("a") and entry.text.endswith("END")
    assert "bytes omitted" in entry.text and len(entry.text) < 1100


async def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="timeout_s must be > 0"):
        Limits(timeout_s=0)
    with pytest.raises(ValueError, match="memory_mb must be at least 64"):
        Limits(memory_mb=10)
    with pytest.raises(ValueError, match="tool_concurrency must be >= 1"):
        Limits(tool_concurrency=0)


async def test_calls_still_queued_when_time_runs_out_are_cancelled(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "await Promise.all([1, 2, 3].map(() => external_slow_async({ ms: 20000 })));",
        # time enough for the script to start and issue its calls, even on a loaded machine
        limits=Limits(timeout_s=3, tool_concurrency=1),
    )
    assert record.error is not None and record.error.kind == "timeout"
    assert [call.status for call in record.tool_calls] == ["cancelled"] * 3
    assert all(call.error is not None for call in record.tool_calls)


async def test_huge_console_lines_and_arguments_stay_within_limits(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('y'.repeat(30_000_000));\n"
        "let code = '';\n"
        "try { await external_echo({ value: 'z'.repeat(30_000_000) }) }"
        " catch (e) { code = (e as ToolError).code }\n"
        "return code;",
        limits=Limits(timeout_s=20, max_result_bytes=1_000_000),
    )
    assert record.status == "ok", record.error
    assert record.result == "limit"
    assert record.tool_calls == []
    (entry,) = record.console
    assert len(entry.text) < 1_100_000
    assert "omitted" in entry.text


async def test_a_console_line_under_max_output_bytes_is_never_an_internal_error(
    sandbox: Sandbox,
) -> None:
    record = await sandbox.run(
        "console.log('a'.repeat(9e6)); return 'done'",
        limits=Limits(timeout_s=20, max_result_bytes=1000, max_output_bytes=10_000_000),
    )
    assert record.status == "ok", record.error
    (entry,) = record.console
    # cut to the per-line cap (what half of max_output_bytes holds of one entry), marker
    # included
    cap = line_cap(10_000_000)
    assert cap == 5_000_000 - 256
    marker = f"\n[... {9_000_000 - cap + 33} bytes omitted ...]\n"
    head = (cap - len(marker)) // 2
    assert entry.text == "a" * head + marker + "a" * (cap - len(marker) - head)
    assert len(entry.text) == cap


async def test_arguments_are_measured_in_utf8_bytes(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "try { await external_echo({ value: '中'.repeat(4_900_000) }) }"
        " catch (e) { return [(e as ToolError).code, (e as Error).message] }",
        limits=Limits(timeout_s=20, max_result_bytes=5_000_000),
    )
    assert record.status == "ok", record.error
    assert record.result == [
        "limit",
        "arguments of external_echo are 14700012 bytes of JSON, over max_result_bytes (5000000)",
    ]
    assert record.tool_calls == []


async def test_a_long_console_line_is_cut_once_with_the_exact_count(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('a'.repeat(5000))", limits=Limits(max_output_bytes=1000)
    )
    (entry,) = record.console
    # 497 bytes per line (500 less an entry's overhead), marker included: 233 + 30 + 234,
    # and 5000 - 467 bytes left out
    assert line_cap(1000) == 497
    assert entry.text == "a" * 233 + "\n[... 4533 bytes omitted ...]\n" + "a" * 234


async def test_a_cut_console_line_keeps_whole_characters(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('é' + '中'.repeat(5000) + 'é')", limits=Limits(max_output_bytes=1000)
    )
    (entry,) = record.console
    head, marker, tail = entry.text.split("\n")
    assert head == "é" + "中" * 77 and tail == "中" * 77 + "é"  # 233 bytes each
    assert marker == "[... 14538 bytes omitted ...]"  # 15004 - 2 * 233
    assert len(entry.text.encode()) <= 500


async def test_huge_error_texts_are_cut_not_internal(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const e = new Error('m'.repeat(3e7)); e.name = 'N'.repeat(3e7); throw e",
        limits=Limits(timeout_s=20, max_output_bytes=1000),
    )
    assert record.error is not None and record.error.kind == "runtime"
    assert "bytes omitted" in record.error.message
    assert len(record.error.message.encode()) < 40_000  # 16 KiB each for name and message


async def test_every_started_call_finishes_even_when_it_waited_for_a_slot(
    sandbox: Sandbox,
) -> None:
    events: list[ExecutionEvent] = []
    record = await sandbox.run(
        "await Promise.all([1, 2, 3].map(() => external_slow_async({ ms: 20000 })));",
        # time enough for the script to start and issue its calls, even on a loaded machine
        limits=Limits(timeout_s=3, tool_concurrency=1),
        on_event=events.append,
    )
    assert record.error is not None and record.error.kind == "timeout"
    started = [event.call.id for event in events if isinstance(event, ToolCallStarted)]
    finished = [event.call.id for event in events if isinstance(event, ToolCallFinished)]
    assert started == [1, 2, 3]
    assert sorted(finished) == started
    assert all(
        event.call.status == "cancelled" for event in events if isinstance(event, ToolCallFinished)
    )


async def test_a_script_that_blocks_its_own_thread_is_stopped_by_the_timeout(
    sandbox: Sandbox, leak_check: LeakCheck
) -> None:
    # Atomics.wait blocks the worker's thread: no tick, no fuel, only the clock stops it
    record = await sandbox.run(
        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\nreturn 'woke'",
        limits=Limits(timeout_s=1, fuel=1_000),
    )
    assert record.error is not None and record.error.kind == "timeout"
    assert record.fuel_used is None

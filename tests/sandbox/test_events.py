"""Events are snapshots: what a handler holds never changes when the call goes on."""

from __future__ import annotations

import pytest

from tsact import ExecutionEvent, Sandbox, ToolCallFinished, ToolCallRecord, ToolCallStarted

from .tools import add_numbers, get_population


@pytest.mark.anyio
async def test_a_held_tool_call_started_still_reads_as_started() -> None:
    held: list[ExecutionEvent] = []
    sandbox = Sandbox([add_numbers, get_population])
    record = await sandbox.run(
        "const a = await external_AddNumbers({ left: 1, right: 2 });\n"
        "try { await external_get_population({ city: 'Nowhere' }); } catch {}\n"
        "return a;",
        on_event=held.append,
    )
    assert record.ok
    started = [event.call for event in held if isinstance(event, ToolCallStarted)]
    finished = [event.call for event in held if isinstance(event, ToolCallFinished)]
    assert [call.status for call in started] == ["running", "running"]
    assert all(call.result is None and call.duration_ms == 0 for call in started)
    assert [call.status for call in finished] == ["ok", "error"]
    assert finished[0].result == 3
    assert "no city named" in (finished[1].error or "")
    # the execution's own record went on: the snapshots are copies of it, not it
    assert [call.status for call in record.tool_calls] == ["ok", "error"]
    assert all(a is not b for a, b in zip(finished, record.tool_calls, strict=True))


def test_a_snapshot_does_not_follow_the_live_record() -> None:
    live = ToolCallRecord(id=1, name="t", arguments={"x": 1})
    event = ToolCallFinished(live)
    live.status = "error"
    live.error = "later"
    assert event.call.status == "ok" and event.call.error is None

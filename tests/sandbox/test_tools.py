"""Tools on the host: validation, errors, serialisation, threads, concurrency, approval."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import anyio
import pytest
from pydantic import BaseModel, field_validator

from tsact import (
    ApprovalRequest,
    Limits,
    Sandbox,
    Tool,
    ToolCallFinished,
    ToolCallStarted,
    ToolError,
    tool,
)
from tsact._wire.dispatcher import TOOL_THREADS

from .tools import ALL, GAUGE

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL, limits=Limits(timeout_s=10))


async def test_invalid_arguments_reach_the_script_as_tool_error(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        """
try {
  await external_AddNumbers({ left: "seven", right: 5, extra: 1 });
} catch (e) {
  return [e instanceof ToolError, e.name, e.tool, e.code, e.message];
}
"""
    )
    assert record.status == "ok", record.error
    is_tool_error, name, tool_name, code, message = record.result
    assert (is_tool_error, name, tool_name, code) == (True, "ToolError", "AddNumbers", "validation")
    assert message.startswith("AddNumbers: invalid arguments:")
    assert "left: Input should be a valid integer" in message
    assert "unexpected argument 'extra'" in message
    call = record.tool_calls[0]
    assert (call.status, call.error_code) == ("error", "validation")


async def test_missing_argument_is_named(sandbox: Sandbox) -> None:
    record = await sandbox.run("await external_AddNumbers({ left: 1 })")
    assert record.error is not None
    assert record.error.kind == "tool"
    assert "missing required argument 'right'" in record.error.message
    assert record.error.line == 1


async def test_uncaught_tool_error_points_at_the_call(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const a = 1;\nconst p = await external_get_population({ city: 'Paris' });"
    )
    assert record.error is not None
    assert record.error.kind == "tool"
    assert record.error.message == "get_population: no city named 'Paris'"
    assert record.error.line == 2
    assert record.error.stack is not None and "script.ts:2:" in record.error.stack


async def test_tool_exception_names_type_and_message(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "try { await external_crash({ reason: 'disk full' }) } catch (e) { return e.message }"
    )
    assert record.result == "crash failed: RuntimeError: disk full"


async def test_results_serialise_through_pydantic(sandbox: Sandbox) -> None:
    record = await sandbox.run("return await external_make_report()")
    assert record.result == {
        "when": "2026-01-02T03:04:05Z",
        "color": "red",
        "point": {"x": 1, "y": 2},
        "tags": ["a"],
    }


async def test_unserialisable_result_is_a_clear_tool_error(sandbox: Sandbox) -> None:
    record = await sandbox.run("return await external_unserialisable()")
    assert record.error is not None and record.error.kind == "tool"
    assert "unserialisable returned a value that cannot be serialised as JSON" in (
        record.error.message
    )


async def test_unknown_argument_shapes_are_refused_in_the_script(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        """
const out = [];
for (const bad of [[1], 3, "s", null]) {
  try { await external_echo(bad) } catch (e) { out.push(e.code) }
}
try { await external_echo({ value: 1n }) } catch (e) { out.push(e.code) }
const f = () => 1;
out.push(await external_echo({ value: { f, d: new Date(0) } }));
return out;
"""
    )
    assert record.result == [
        "arguments",
        "arguments",
        "arguments",
        "arguments",
        "arguments",
        {"d": "1970-01-01T00:00:00.000Z"},  # JSON semantics: functions dropped, dates as text
    ]
    assert len(record.tool_calls) == 1


@tool
def guarded(key: str) -> str:
    """Refuse every key, the way the host refuses a call."""
    raise ToolError(f"{key} is not allowed", code="refused")


async def test_a_tool_can_raise_a_declared_error_code() -> None:
    record = await Sandbox([guarded]).run(
        "try { await external_guarded({ key: 'k' }) } catch (e) {\n"
        "  return [e instanceof ToolError, e.code, e.tool, e.message] }"
    )
    assert record.result == [True, "refused", "guarded", "guarded: k is not allowed"]
    assert record.tool_calls[0].error_code == "refused"
    with pytest.raises(ValueError, match="ToolError code must be one of"):
        ToolError("x", code="bogus")


class Touchy(BaseModel):
    key: str

    @field_validator("key")
    @classmethod
    def _explode(cls, value: str) -> str:
        raise RuntimeError(
            f"validator broke on {value!r}"
        )  # not a ValueError: pydantic lets it out


@tool
def touchy_sync(args: Touchy) -> str:
    """Never reached: the argument model's validator fails."""
    return args.key


@tool
async def touchy_async(args: Touchy) -> str:
    """Never reached: the argument model's validator fails."""
    return args.key


async def test_a_host_side_failure_still_answers_the_script() -> None:
    record = await Sandbox([touchy_sync, touchy_async]).run(
        "const out = [];\n"
        "for (const call of [external_touchy_sync, external_touchy_async]) {\n"
        "  try { await call({ key: 'k' }) } catch (e) { out.push([e.code, e.message]) }\n"
        "}\nreturn out"
    )
    assert record.status == "ok", record.error
    assert record.result == [
        ["tool", f"{name}: the host could not answer: RuntimeError: validator broke on 'k'"]
        for name in ("touchy_sync", "touchy_async")
    ]
    assert [call.error_code for call in record.tool_calls] == ["tool", "tool"]


async def _doubled(value: int) -> int:
    await anyio.sleep(0.01)
    return value * 2


async def test_a_sync_function_returning_a_coroutine_is_awaited_on_the_loop() -> None:
    later = Tool.from_schema(
        "later",
        "Double n, through a coroutine made by a plain function.",
        {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
        lambda args: _doubled(args["n"]),
    )
    record = await Sandbox([later]).run("return await external_later({ n: 21 })")
    assert (record.status, record.result) == ("ok", 42), record.error


async def test_sync_tools_run_in_a_worker_thread(sandbox: Sandbox) -> None:
    record = await sandbox.run("return await external_thread_name()")
    assert record.result != threading.current_thread().name


async def test_concurrency_is_bounded_by_tool_concurrency(sandbox: Sandbox) -> None:
    GAUGE.peak = 0
    record = await sandbox.run(
        "return await Promise.all(\n"
        "Array.from({ length: 12 }, () => external_slow_async({ ms: 50 })))",
        limits=Limits(tool_concurrency=3),
    )
    assert record.result == [50] * 12
    assert GAUGE.peak == 3
    GAUGE.peak = 0
    await sandbox.run(
        "await Promise.all(Array.from({ length: 12 }, () => external_slow_async({ ms: 50 })))",
        limits=Limits(tool_concurrency=12),
    )
    assert GAUGE.peak == 12


@pytest.mark.parametrize("name", ["slow_sync", "slow_async"])
async def test_calls_beyond_the_bound_wait_their_turn_in_order(sandbox: Sandbox, name: str) -> None:
    GAUGE.peak = 0
    # the long call outlasts the four short ones even on a machine that stalls
    record = await sandbox.run(
        f"return await Promise.all([800, 10, 10, 10, 10].map((ms) => external_{name}({{ ms }})))",
        limits=Limits(tool_concurrency=2),
    )
    assert record.result == [800, 10, 10, 10, 10]
    assert GAUGE.peak == 2
    calls = record.tool_calls
    assert [c.status for c in calls] == ["ok"] * 5
    # the first slot is held by the 800 ms call; the four short ones share the other in turn
    short = calls[1:]
    for before, after in itertools.pairwise(short):
        assert after.started_ms >= before.started_ms + before.duration_ms
    assert calls[0].duration_ms >= 800


async def test_sequential_sync_calls_are_recorded_in_order(sandbox: Sandbox) -> None:
    events: list[tuple[str, int]] = []

    def on_event(event: object) -> None:
        if isinstance(event, (ToolCallStarted, ToolCallFinished)):
            events.append((type(event).__name__, event.call.id))

    record = await sandbox.run(
        "let s = 0;\nfor (let i = 0; i < 300; i++) {\n"
        "  s += await external_AddNumbers({ left: i, right: 1 });\n"
        "  console.log(i);\n}\nreturn s",
        on_event=on_event,
    )
    assert record.result == sum(range(300)) + 300
    ids = [call.id for call in record.tool_calls]
    assert events == [(kind, i) for i in ids for kind in ("ToolCallStarted", "ToolCallFinished")]
    # each console line comes after the call before it has ended, never before
    for call, entry in zip(record.tool_calls, record.console, strict=True):
        assert entry.t_ms >= call.started_ms + call.duration_ms - 0.5


async def test_a_sync_tool_answering_after_the_end_changes_nothing() -> None:
    release, answered = threading.Event(), threading.Event()

    @tool
    def late() -> int:
        """Block until released, then answer."""
        release.wait(60)
        return 7

    @tool
    def quick() -> int:
        """Answer at once."""
        return 1

    sandbox = Sandbox([late, quick])
    record = await sandbox.run("await external_late()", limits=Limits(timeout_s=2))
    assert record.error is not None and record.error.kind == "timeout"
    before = record.to_json()
    [call] = record.tool_calls
    assert (call.status, call.result, call.error_code) == ("cancelled", None, None)

    def answer_late() -> None:
        idle = TOOL_THREADS.idle  # the late tool's thread is busy, not among them
        release.set()  # the tool returns and its thread tries to answer
        if TOOL_THREADS.wait_until(idle=idle + 1, timeout=60):
            answered.set()

    await anyio.to_thread.run_sync(answer_late)
    assert answered.is_set()
    assert record.to_json() == before
    again = await sandbox.run("return await external_quick()")
    assert again.result == 1, again.error


async def test_sync_tools_overlap_in_threads(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const t = Date.now();\n"
        "await Promise.all([1, 2, 3, 4].map(() => external_slow_sync({ ms: 200 })));\n"
        "return Date.now() - t;"
    )
    assert record.status == "ok", record.error
    assert record.result < 600


async def test_unknown_tool_name_cannot_be_called(sandbox: Sandbox) -> None:
    record = await sandbox.run("return typeof external_nope")
    assert record.result == "undefined"


@tool(requires_approval=True)
def delete_file(path: str) -> str:
    """Pretend to delete a file."""
    return f"deleted {path}"


async def test_approval_granted_and_refused() -> None:
    seen: list[ApprovalRequest] = []

    def approve(request: ApprovalRequest) -> bool:
        seen.append(request)
        return request.arguments["path"] != "/etc/passwd"

    sandbox = Sandbox([delete_file], approve=approve)
    record = await sandbox.run(
        """
const ok = await external_delete_file({ path: "/tmp/x" });
let refused = null;
try { await external_delete_file({ path: "/etc/passwd" }) }
catch (e) { refused = [e.code, e.message] }
return { ok, refused };
"""
    )
    assert record.result == {
        "ok": "deleted /tmp/x",
        "refused": ["refused", "delete_file: the call was not approved"],
    }
    assert [(r.name, r.arguments) for r in seen] == [
        ("delete_file", {"path": "/tmp/x"}),
        ("delete_file", {"path": "/etc/passwd"}),
    ]


async def test_async_approval_and_no_callback() -> None:
    async def approve(request: ApprovalRequest) -> bool:
        return True

    assert (
        await Sandbox([delete_file], approve=approve).run(
            "return await external_delete_file({ path: 'a' })"
        )
    ).result == "deleted a"
    record = await Sandbox([delete_file]).run("await external_delete_file({ path: 'a' })")
    assert record.error is not None
    assert record.error.message == (
        "delete_file requires approval and no approve callback was given"
    )


async def test_plain_parameters_and_docstring_args() -> None:
    @tool
    def greet(name: str, excited: bool = False) -> str:
        """Greet someone.

        Args:
            name: Who to greet.
            excited: Add an exclamation mark.
        """
        return f"hello {name}" + ("!" if excited else "")

    schema: dict[str, Any] = greet.input_schema()
    assert schema["properties"]["name"]["description"] == "Who to greet."
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["name"]
    assert greet.description == "Greet someone."
    record = await Sandbox([greet]).run(
        "return [await external_greet({ name: 'a' }),\n"
        " await external_greet({ name: 'b', excited: true })]"
    )
    assert record.result == ["hello a", "hello b!"]


@tool
def big(n: int, mark: str) -> list[str]:
    """Return n copies of a 1,000-character text."""
    return [mark * 1000] * n


async def test_big_results_written_concurrently_never_interleave() -> None:
    sandbox = Sandbox([big], limits=Limits(max_result_bytes=50_000_000))
    record = await sandbox.run(
        "const parts = await Promise.all(['a', 'b', 'c', 'd'].map((mark, i) =>\n"
        "  external_big({ n: 1000 * (i + 2), mark })));\n"
        "return parts.map((p) => [p.length, p.every((s) => s === p[0][0].repeat(1000))]);"
    )
    assert record.status == "ok", record.error
    assert record.result == [[2000, True], [3000, True], [4000, True], [5000, True]]


async def test_an_approver_that_raises_refuses_the_call() -> None:
    def approve(request: ApprovalRequest) -> bool:
        raise RuntimeError("boom")

    record = await Sandbox([delete_file], approve=approve).run(
        "try { await external_delete_file({ path: 'a' }) }"
        " catch (e) { return [(e as ToolError).code, (e as Error).message] }"
    )
    assert record.result == ["refused", "delete_file: approval failed: RuntimeError: boom"]


async def test_a_sync_calls_end_is_live_for_whoever_follows_the_events(sandbox: Sandbox) -> None:
    # With events followed, the loop is woken as the reply leaves: the call's end is seen
    # while the script is still busy, not when its next frame comes.
    finished_at: list[float] = []

    def on_event(event: object) -> None:
        if isinstance(event, ToolCallFinished):
            finished_at.append(time.perf_counter())

    record = await sandbox.run(
        "const n = await external_AddNumbers({ left: 1, right: 2 });\n"
        "const t = Date.now(); while (Date.now() - t < 400) {}\nreturn n;",
        limits=Limits(fuel=None),
        on_event=on_event,
    )
    returned_at = time.perf_counter()
    assert record.result == 3
    assert len(finished_at) == 1
    assert returned_at - finished_at[0] >= 0.3


async def test_a_sync_calls_end_is_recorded_though_nothing_followed_it(sandbox: Sandbox) -> None:
    # Without events followed, the call's end is drained with the next frame: here the final.
    record = await sandbox.run(
        "const n = await external_AddNumbers({ left: 1, right: 2 });\n"
        "const t = Date.now(); while (Date.now() - t < 100) {}\nreturn n;",
        limits=Limits(fuel=None),
    )
    (call,) = record.tool_calls
    assert (call.status, call.result) == ("ok", 3)
    assert call.duration_ms is not None and call.duration_ms < 100

"""How a sandbox process ends: by itself once its final frame is out or its host is gone,
with nothing of the script running on the way, and never held open by the script.

The prelude ends the process through Deno's own exit, told first (in a flag only it sets,
at that moment) that the `unload` event is past. A script may plant its own property on
that flag, or on the event machinery Deno would otherwise use: the exit must run none of
it, and the process must end anyway (killed by the host, or, with the host gone, by the
kernel once the host's CPU lease on it runs out).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import anyio
import pytest

import tsact._execution.process as process_module
from tsact import Limits, Sandbox, Tool, tool
from tsact._deno import runtime_dir
from tsact._execution.execute import spawn_sandbox
from tsact._records.capture import CUT_MARKER
from tsact._scripts.prepare import prepare
from tsact._wire.protocol import StartFrame, StartParams, encode_frame

from .conftest import LeakCheck

pytestmark = pytest.mark.anyio

PLANT = """
const g = globalThis as any;
const trap = () => { external_mark({}); console.log("trap ran"); throw new Error("held"); };
Object.defineProperty(g, Symbol.for("Deno.isUnloadDispatched"), { get: trap });
Object.defineProperty(Object.prototype, Symbol.for("Deno.isUnloadDispatched"), { get: trap });
g.dispatchEvent = trap;
g.onunload = trap;
g.onbeforeunload = trap;
Object.defineProperty(Object.prototype, "dispatchEvent", { get: trap });
"""


class Marks:
    """A tool that counts its calls: any call the trap made would reach it."""

    def __init__(self) -> None:
        self.count = 0

    def tool(self) -> Tool:
        @tool
        def mark() -> int:
            """Count one call."""
            self.count += 1
            return self.count

        return mark


@pytest.mark.parametrize(
    "ending",
    [
        "return 7;",
        "final_answer(7);",
        "await new Promise((r) => setTimeout(r, 5)); return 7;",
        "throw new Error('out');",
        "while (true) {}",
    ],
    ids=["return", "final_answer", "after-a-timer", "thrown", "fuel"],
)
async def test_a_planted_exit_runs_nothing_and_the_process_ends(
    ending: str, leak_check: LeakCheck
) -> None:
    marks = Marks()
    sandbox = Sandbox([marks.tool()], limits=Limits(timeout_s=20, fuel=1_000_000))
    record = await sandbox.run(PLANT + "await external_mark({});\n" + ending)
    assert marks.count == 1  # the script's own call; none from the trap
    assert [entry.text for entry in record.console] == []
    assert [call.name for call in record.tool_calls] == ["mark"]
    if ending.startswith("while"):
        assert record.error is not None and record.error.kind == "fuel"
    elif ending.startswith("throw"):
        assert record.error is not None and record.error.message == "Error: out"
    else:
        assert record.ok and record.result == 7, record.error


@pytest.mark.parametrize(
    "plant",
    [
        # a prototype that answers every lookup the exit could make on the global object
        "const trap = () => { external_mark({}); throw new Error('held'); };\n"
        "Object.setPrototypeOf(globalThis, new Proxy({}, {\n"
        "  get: trap, has: trap, getOwnPropertyDescriptor: trap, defineProperty: trap,\n"
        "}));",
        # no property can be added to the global object: the exit's flag neither
        "Object.preventExtensions(globalThis);",
        "Object.freeze(globalThis);",
    ],
    ids=["proxy-prototype", "not-extensible", "frozen"],
)
async def test_a_global_object_bent_against_the_exit_still_ends(
    plant: str, leak_check: LeakCheck
) -> None:
    marks = Marks()
    sandbox = Sandbox([marks.tool()], limits=Limits(timeout_s=20))
    record = await sandbox.run(plant + "\nawait external_mark({});\nreturn 7;")
    assert record.ok and record.result == 7, record.error
    assert marks.count == 1  # the script's own call; none from the trap
    assert [call.name for call in record.tool_calls] == ["mark"]


async def test_the_global_scope_has_no_exit_flag_before_the_end(leak_check: LeakCheck) -> None:
    record = await Sandbox([]).run(
        "return [Object.getOwnPropertySymbols(globalThis).length,"
        " (globalThis as any)[Symbol.for('Deno.isUnloadDispatched')] ?? null];"
    )
    assert record.result == [0, None]


def _start_frame(source: str, tools: list[str]) -> bytes:
    script = prepare(source, max_source_bytes=10**6, fuel=False)
    params = StartParams(
        module=script.module_url,
        max_result_bytes=10**6,
        line_cap=10**5,
        error_cap=10**5,
        max_json_depth=256,
        cut_marker=CUT_MARKER,
        fuel=None,
        fuel_per_tool_call=0,
        tools=tools,
        seal="",
        source=script.classic,
    )
    return bytes(encode_frame(StartFrame(params=params)))


async def _read_until(frames: int, marker: bytes) -> None:
    seen = b""
    with anyio.fail_after(20):
        while marker not in seen:
            await anyio.wait_readable(frames)
            chunk = os.read(frames, 1 << 16)
            assert chunk, f"the process ended before {marker!r}: {seen[-500:]!r}"
            seen += chunk


@pytest.mark.parametrize("planted", [False, True], ids=["clean", "planted"])
async def test_a_process_whose_host_closed_its_stdin_ends(
    planted: bool, monkeypatch: pytest.MonkeyPatch, leak_check: LeakCheck
) -> None:
    # The host's pipes close while the script waits on a tool. Clean, the prelude exits
    # at once; with the exit planted it spins instead, and the kernel ends it once the
    # CPU it may use runs out (the host renews that lease only while it runs the script).
    monkeypatch.setattr(process_module, "IDLE_CPU_S", 2)
    settings = Sandbox([])._settings(Limits(timeout_s=30))
    spawned = await spawn_sandbox(settings)
    try:
        source = (PLANT if planted else "") + "return await external_mark({});"
        frames, replies = await spawned.take_pipes()
        os.write(replies, _start_frame(source.replace("external_mark", "external_x"), ["x"]))
        await _read_until(frames, b'"tool_call"')
        started = time.monotonic()
        os.close(replies)
        with anyio.fail_after(30):
            code = await spawned.process.wait()
        os.close(frames)
        if planted:
            assert code == -signal.SIGXCPU
        else:
            assert code == 0
            assert time.monotonic() - started < 5
    finally:
        await spawned.aclose()


@pytest.fixture
def short_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lease of 1 CPU second, renewed every 0.2 s (and 1 s before the first)."""
    monkeypatch.setattr(process_module, "IDLE_CPU_S", 1)
    monkeypatch.setattr(process_module, "CPU_LEASE_S", 1)
    monkeypatch.setattr(process_module, "CPU_LEASE_EVERY_S", 0.2)


@pytest.mark.usefixtures("short_lease")
async def test_a_busy_script_keeps_its_lease_while_the_host_lives(leak_check: LeakCheck) -> None:
    record = await Sandbox([], limits=Limits(timeout_s=30, fuel=None)).run(
        "const t = Date.now(); let n = 0; while (Date.now() - t < 3000) n++; return n > 0;"
    )
    assert record.ok and record.result is True, record.error


async def test_a_stack_through_the_prelude_shows_no_host_path(leak_check: LeakCheck) -> None:
    record = await Sandbox([]).run(
        "const seen: string[] = [];\n"
        "const probe = { toJSON() { seen.push(String(new Error().stack)); return 1; } };\n"
        "try { (null as any).x; } catch (e) { seen.push(String((e as Error).stack)); }\n"
        "final_answer({ probe, seen });"
    )
    assert record.ok, record.error
    text = str(record.result)
    assert str(runtime_dir()) not in text
    assert "deno_runtime" not in text and "site-packages" not in text


@pytest.mark.usefixtures("short_lease")
async def test_a_lease_that_runs_out_under_a_blocked_host_is_said_so(
    leak_check: LeakCheck,
) -> None:
    # The host's loop stops for 3 s while the script is busy: the lease is not renewed,
    # and the kernel ends the process. The record says why, not just an exit code.
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, time.sleep, 3)  # blocks the loop itself
    record = await Sandbox([], limits=Limits(timeout_s=30, fuel=None)).run(
        "const t = Date.now(); while (Date.now() - t < 10000) {} return 1;"
    )
    assert record.error is not None and record.error.kind == "internal"
    assert "CPU lease" in record.error.message

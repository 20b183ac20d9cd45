"""Nothing is left behind however an execution ends: processes, temp dirs, fds."""

from __future__ import annotations

import os
import signal
import threading

import anyio
import pytest

from tsact import ConsoleEvent, ExecutionEvent, Limits, Sandbox, tool
from tsact._execution import spares
from tsact._execution.execute import ExecutionSettings, SpawnedSandbox

from .conftest import LeakCheck, child_pids
from .tools import ALL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL)


@pytest.mark.parametrize(
    ("source", "limits", "kind"),
    [
        ("return 1", Limits(), None),
        ("throw new Error('x')", Limits(), "runtime"),
        ("while (true) {}", Limits(timeout_s=0.5, fuel=None), "timeout"),
        (
            "const a = []; while (true) a.push(new Array(1e5).fill(1));",
            Limits(memory_mb=96),
            "memory",
        ),
        (
            "const k = [];\n"
            "while (true) { const b = new Uint8Array(1 << 25); b.fill(1); k.push(b); }",
            Limits(memory_mb=96),
            "memory",
        ),
        (
            "for (;;) await external_AddNumbers({ left: 1, right: 1 });",
            Limits(max_tool_calls=2),
            "limit",
        ),
        ("const x = ;", Limits(), "syntax"),
    ],
)
async def test_every_ending_cleans_up(
    sandbox: Sandbox, leak_check: LeakCheck, source: str, limits: Limits, kind: str | None
) -> None:
    record = await sandbox.run(source, limits=limits)
    assert (record.error.kind if record.error else None) == kind


async def test_a_crashed_process_is_an_internal_error(
    sandbox: Sandbox, leak_check: LeakCheck
) -> None:
    def kill_when_up(event: ExecutionEvent) -> None:
        if isinstance(event, ConsoleEvent) and event.entry.text == "up":
            for pid in child_pids() - leak_check.children:
                os.kill(pid, signal.SIGKILL)

    record = await sandbox.run(
        "console.log('up');\nwhile (true) {}",
        limits=Limits(timeout_s=10, fuel=None),
        on_event=kill_when_up,
    )
    assert record.error is not None and record.error.kind == "internal"
    assert record.error.message.startswith("the sandbox process exited with code -9")


async def test_cancelling_the_caller_kills_promptly(
    sandbox: Sandbox, leak_check: LeakCheck
) -> None:
    with anyio.move_on_after(0.5) as scope:
        await sandbox.run("while (true) {}", limits=Limits(timeout_s=30, fuel=None))
    assert scope.cancelled_caught
    # killed and reaped before the cancellation went on: nothing of it is left right now
    assert child_pids() - leak_check.children == set()


async def test_cancelling_during_a_sync_tool(leak_check: LeakCheck) -> None:
    entered, release, left = threading.Event(), threading.Event(), threading.Event()

    @tool
    def blocking() -> int:
        """Block until the test releases it."""
        entered.set()
        release.wait(30)
        left.set()
        return 1

    sandbox = Sandbox([blocking])
    with anyio.move_on_after(30) as scope:
        async with anyio.create_task_group() as group:

            async def cancel_when_entered() -> None:
                await anyio.to_thread.run_sync(entered.wait, 30)
                group.cancel_scope.cancel()

            group.start_soon(cancel_when_entered)
            await sandbox.run("await external_blocking()")
    # the run ended while the tool still blocked: cancelling does not wait for a sync tool
    assert not scope.cancelled_caught and not left.is_set()
    assert child_pids() - leak_check.children == set()
    release.set()
    assert await anyio.to_thread.run_sync(left.wait, 30)  # the abandoned thread finishes


async def test_many_concurrent_executions_leave_nothing(
    sandbox: Sandbox, leak_check: LeakCheck
) -> None:
    results: list[object] = []

    async def one(n: int) -> None:
        # the loops time out; the others get a timeout no load can reach
        limits = Limits(timeout_s=30 if n % 3 else 2, fuel=None)
        record = await sandbox.run(f"return {n}" if n % 3 else "while (true) {}", limits=limits)
        results.append(record.result if record.ok else record.error and record.error.kind)

    async with anyio.create_task_group() as group:
        for n in range(12):
            group.start_soon(one, n)
    assert sorted(map(str, results)) == sorted(str(n) if n % 3 else "timeout" for n in range(12))


async def test_prewarmed_spares_serve_one_execution_each_and_leave_nothing(
    leak_check: LeakCheck,
) -> None:
    sandbox = Sandbox(ALL)
    async with sandbox:
        await sandbox.warm()
        first = await sandbox.run(
            "(globalThis as any).mark = 1; return typeof Deno === 'undefined'"
        )
        await sandbox.warm()
        second = await sandbox.run("return typeof (globalThis as any).mark")
        heavy = await sandbox.run("return 1", limits=Limits(memory_mb=200))
        timeout = await sandbox.run("while (true) {}", limits=Limits(timeout_s=0.3, fuel=None))
    assert first.timings.prewarmed and first.result is True
    assert second.timings.prewarmed and second.result == "undefined"
    assert not heavy.timings.prewarmed and heavy.result == 1  # other limits: a fresh process
    assert timeout.error is not None and timeout.error.kind == "timeout"


async def test_a_run_with_other_limits_leaves_a_spare_for_the_default_ones(
    leak_check: LeakCheck,
) -> None:
    async with Sandbox(ALL) as sandbox:
        await sandbox.warm()
        heavy = await sandbox.run("return 1", limits=Limits(memory_mb=200))
        await sandbox.warm()  # the spare waits, with the sandbox's own limits
        default = await sandbox.run("return 2")
        await sandbox.warm()
        other = await sandbox.run("return 3", limits=Limits(memory_mb=200))  # leaves it be
    assert not heavy.timings.prewarmed and heavy.result == 1
    assert default.timings.prewarmed and default.result == 2
    assert not other.timings.prewarmed and other.result == 3


async def test_the_type_checker_warms_in_the_block_and_stops_with_it(
    leak_check: LeakCheck,
) -> None:
    sandbox = Sandbox(ALL, typecheck=True)
    async with sandbox:
        await anyio.sleep(0.1)  # leaving while the checker still boots must not hang
    async with sandbox:
        record = await sandbox.run("await external_AddNumbers({ left: 'x', right: 1 });")
        assert record.error is not None and record.error.kind == "type"
        server = sandbox._checker._process if sandbox._checker else None
        again = await sandbox.run("const n: number = 1; return n")
        assert again.result == 1
        assert server is not None and sandbox._checker is not None
        assert sandbox._checker._process is server  # warm: the same server, no second boot


async def test_a_pool_serves_concurrent_runs_and_reaps_them_all_by_the_end(
    leak_check: LeakCheck,
) -> None:
    sandbox = Sandbox(ALL, pool=4)
    async with sandbox:
        await sandbox.warm()
        records: list[object] = []

        async def one(n: int) -> None:
            records.append(await sandbox.run(f"return {n}"))

        async with anyio.create_task_group() as group:
            for n in range(4):
                group.start_soon(one, n)
        later = await sandbox.run("while (true) {}", limits=Limits(timeout_s=0.5, fuel=None))
    assert sorted(r.result for r in records) == [0, 1, 2, 3]  # type: ignore[attr-defined]
    assert all(r.timings.prewarmed for r in records)  # type: ignore[attr-defined]
    assert later.error is not None and later.error.kind == "timeout"


async def test_a_warm_spare_has_booted_before_any_run(
    leak_check: LeakCheck,
) -> None:
    async with Sandbox(ALL, pool=2) as sandbox:
        await sandbox.warm()
        spares = list(sandbox._pool._ready)
        assert len(spares) == 2
        assert all(spare.booted for spare in spares)
        record = await sandbox.run("return 1")
    assert record.timings.prewarmed and record.result == 1


async def test_a_spare_that_dies_before_it_is_ready_is_not_waited_for(
    leak_check: LeakCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_spawn = spares.spawn_sandbox

    async def spawn_then_kill(settings: ExecutionSettings, *, spare: bool) -> SpawnedSandbox:
        spawned = await real_spawn(settings, spare=spare)
        spawned.process.kill()  # gone before its prelude can say it is ready
        return spawned

    monkeypatch.setattr(spares, "spawn_sandbox", spawn_then_kill)
    async with Sandbox(ALL) as sandbox:
        with anyio.fail_after(30):
            await sandbox.warm()
        assert [spare.booted for spare in sandbox._pool._ready] == [False]
        monkeypatch.setattr(spares, "spawn_sandbox", real_spawn)
        record = await sandbox.run("return 1")
    assert not record.timings.prewarmed and record.result == 1  # a fresh process instead


async def test_leaving_the_block_while_spares_boot_leaves_nothing(leak_check: LeakCheck) -> None:
    for pause in (0.0, 0.005, 0.05):
        async with Sandbox(ALL, pool=2):
            await anyio.sleep(pause)  # spawning, or waiting for the ready line


async def test_pool_size_is_validated() -> None:
    with pytest.raises(ValueError, match="pool must be >= 0"):
        Sandbox(ALL, pool=-1)

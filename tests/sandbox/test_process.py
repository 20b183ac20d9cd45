"""The sandbox process as the host holds it: spawned with Popen, its end awaited on a
pidfd (or polled without one), reaped by nobody else, its descriptors closed."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from tsact._execution import process as process_module
from tsact._execution.process import SandboxProcess, kill_group, pump, spawn
from tsact._records.capture import HeadTail

from ..leaks import child_pids, open_fds

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["pidfd", "polled"])
def exit_watch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with pidfds and as on a kernel without them."""
    if request.param == "polled":

        def no_pidfds(pid: int) -> int:
            raise OSError(38, "Function not implemented")

        monkeypatch.setattr(process_module.os, "pidfd_open", no_pidfds)
    return str(request.param)


@pytest.fixture
def clean() -> Iterator[None]:
    children, fds = child_pids(), open_fds()
    yield
    assert child_pids() - children == set(), "a process was left unreaped"
    assert open_fds() - fds == set(), "a descriptor was left open"


def shell(script: str, tmp_path: Path) -> SandboxProcess:
    out_read, out_write = os.pipe()
    nothing = os.open(os.devnull, os.O_RDONLY)
    try:
        return spawn(
            ["/bin/sh", "-c", script], cwd=tmp_path, env={}, stdin=nothing, stdout=out_write
        )
    finally:
        for descriptor in (nothing, out_write, out_read):
            os.close(descriptor)


async def test_the_exit_code_is_awaited_and_the_output_read(
    exit_watch: str, clean: None, tmp_path: Path
) -> None:
    threads = threading.active_count()
    process = shell("echo said >&2; sleep 0.05; exit 3", tmp_path)
    assert threading.active_count() == threads  # no watcher thread per process
    sink = HeadTail(1000)
    with anyio.fail_after(10):
        await pump(process.stderr, sink)
        assert await process.wait() == 3
    assert sink.text() == "said\n"
    assert process.returncode == 3
    await process.aclose()
    assert process.stderr is None


async def test_many_tasks_wait_and_a_cancelled_one_hands_over(
    exit_watch: str, clean: None, tmp_path: Path
) -> None:
    process = shell("sleep 0.2", tmp_path)
    codes: list[int] = []
    gave_up: list[bool] = []

    async def waiter() -> None:
        codes.append(await process.wait())

    async def impatient() -> None:
        with anyio.move_on_after(0.02) as scope:
            await process.wait()
        gave_up.append(scope.cancelled_caught)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as group:
            group.start_soon(impatient)  # the first to wait watches the exit, then gives up
            group.start_soon(waiter)
            group.start_soon(waiter)
    assert gave_up == [True]
    assert codes == [0, 0]
    await process.aclose()


async def test_a_killed_group_reports_the_signal(
    exit_watch: str, clean: None, tmp_path: Path
) -> None:
    process = shell("sleep 30 & wait", tmp_path)  # a leader and a child in its group
    await anyio.sleep(0.05)
    kill_group(process)
    with anyio.fail_after(10):
        assert await process.wait() == -9
    kill_group(process)  # reaped: nothing to do, no error
    process.kill()
    await process.aclose()
    await process.aclose()  # twice is harmless


async def test_a_spare_compiles_ahead_off_the_loop_and_a_run_s_own_process_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tsact import Sandbox
    from tsact._execution import execute

    seen: list[list[str]] = []
    threads: list[bool] = []
    real_spawn = execute.spawn

    def spy(command: list[str], **options: Any) -> SandboxProcess:
        seen.append(command)
        threads.append(threading.current_thread() is threading.main_thread())
        return real_spawn(command, **options)

    monkeypatch.setattr(execute, "spawn", spy)
    sandbox = Sandbox([])
    assert (await sandbox.run("return 1")).result == 1  # no block: a process of its own
    async with sandbox:
        await sandbox.warm()
        assert (await sandbox.run("return 2")).timings.prewarmed
    v8_flags = [next(arg for arg in command if arg.startswith("--v8-flags=")) for command in seen]
    assert "--no-lazy" not in v8_flags[0].split(",")
    assert all("--no-lazy" in flags.split(",") for flags in v8_flags[1:])
    assert len(v8_flags) >= 2
    # a run's own process is spawned on the loop; a spare from a worker thread
    assert threads[0] and not any(threads[1:])

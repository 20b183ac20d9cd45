"""A host killed outright (SIGKILL) cannot clean up: its Deno processes must exit on their
own, and the next tsact process must sweep the directories it left."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tsact._tempdirs import STALE_AFTER_S, sweep_leftovers

from ..leaks import child_pids, tsact_temp_dirs

HOST = """
import asyncio, sys
from tsact import ConsoleEvent, Limits, Sandbox

def say(event):
    if isinstance(event, ConsoleEvent):
        print(event.entry.text, flush=True)

async def main():
    sandbox = Sandbox([], typecheck=sys.argv[2] == "check")
    record = await sandbox.run(sys.argv[1], limits=Limits(timeout_s=60, fuel=None), on_event=say)
    print(record.status, flush=True)

asyncio.run(main())
"""


def _host(source: str, typecheck: bool = False) -> subprocess.Popen[str]:
    check = "check" if typecheck else "no-check"
    return subprocess.Popen(
        [sys.executable, "-c", HOST, source, check], stdout=subprocess.PIPE, text=True
    )


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _age(path: str) -> None:
    old = time.time() - STALE_AFTER_S - 60
    os.utime(path, (old, old))


@pytest.mark.parametrize("typecheck", [False, True], ids=["sandbox", "sandbox-and-checker"])
def test_deno_exits_when_its_host_is_killed_and_the_next_process_sweeps_up(
    typecheck: bool,
) -> None:
    host = _host("console.log('up'); while (true) {}", typecheck)
    assert host.stdout is not None
    assert host.stdout.readline().strip() == "up"
    sandboxes = child_pids(host.pid)
    assert len(sandboxes) == (2 if typecheck else 1), "the sandbox (and checker) processes"
    pidfds = [os.pidfd_open(pid) for pid in sandboxes]
    try:
        host.send_signal(signal.SIGKILL)
        host.wait(timeout=30)
        host.stdout.close()
        poller = select.poll()
        for fd in pidfds:
            poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + 30
        exited: set[int] = set()
        while len(exited) < len(pidfds) and time.monotonic() < deadline:
            exited |= {fd for fd, _ in poller.poll(1000)}
        # each sees its socket or pipe close and exits (its process group with it)
        assert exited == set(pidfds), "a Deno process outlived its killed host"
    finally:
        for fd in pidfds:
            os.close(fd)

    left = tsact_temp_dirs(host.pid)
    # the sandbox's workdir and DENO_DIR (and the checker's home): nobody removed them
    assert len(left) == (3 if typecheck else 2)
    for path in left:
        _age(path)

    next_host = _host("return 1", typecheck)
    out, _ = next_host.communicate(timeout=60)
    assert out.split() == ["ok"]
    assert tsact_temp_dirs(host.pid) == set()  # swept by the next process's first sandbox
    assert tsact_temp_dirs(next_host.pid) == set()  # and that one cleaned up after itself


def _kill_and_see_the_sandbox_go(host: subprocess.Popen[str], sandbox: int) -> None:
    """SIGKILL the host; its sandbox must end within 5 s. Its directories are removed."""
    assert host.stdout is not None
    pidfd = os.pidfd_open(sandbox)
    try:
        host.send_signal(signal.SIGKILL)
        host.wait(timeout=30)
        host.stdout.close()
        assert select.select([pidfd], [], [], 5)[0], "the sandbox outlived its host by 5 s"
    finally:
        os.close(pidfd)
        for path in tsact_temp_dirs(host.pid):
            shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize(
    "source",
    [
        "console.log('up'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);",
        "console.log('up');\n"
        "Atomics.wait(new BigInt64Array(new SharedArrayBuffer(8)), 0, 0n, 3_600_000);",
        "console.log('up'); const w = Atomics.wait;\n"
        "Reflect.apply(w, Atomics, [new Int32Array(new SharedArrayBuffer(4)), 0, 0, NaN]);",
        "console.log('up'); await new Promise(() => {});",
        "console.log('up'); await new Promise((r) => setTimeout(r, 3_600_000));",
    ],
    ids=[
        "atomics-wait",
        "atomics-wait-bigint-an-hour",
        "atomics-wait-nan",
        "never-settles",
        "long-timer",
    ],
)
def test_a_script_that_waits_without_cpu_ends_soon_after_its_host_is_killed(source: str) -> None:
    # No CPU is used, so no lease runs out: the prelude itself must see its host gone.
    host = _host(source)
    assert host.stdout is not None
    assert host.stdout.readline().strip() == "up"
    (sandbox,) = child_pids(host.pid)
    _kill_and_see_the_sandbox_go(host, sandbox)


def test_the_sweep_takes_only_old_directories_of_dead_processes(tmp_path: Path) -> None:
    dead = _dead_pid()
    live = os.getpid()
    names = {
        "dead_old": f"tsact-{dead}-abc",
        "dead_fresh": f"tsact-{dead}-def",
        "live_old": f"tsact-{live}-ghi",
        "dead_old_file": f"tsact-{dead}-file",
        "other_old": "tsactx-1-abc",
    }
    for key, name in names.items():
        path = tmp_path / name
        if key.endswith("file"):
            path.write_text("not a directory of ours")
        else:
            (path / "inner").mkdir(parents=True)
        if key != "dead_fresh":
            _age(str(path))

    removed = sweep_leftovers(str(tmp_path))

    assert removed == [str(tmp_path / names["dead_old"])]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        name for key, name in names.items() if key != "dead_old"
    )


def test_the_sweep_of_a_missing_root_finds_nothing(tmp_path: Path) -> None:
    assert sweep_leftovers(str(tmp_path / "absent")) == []


@pytest.mark.skipif(os.getuid() != 0, reason="making a directory another user owns needs root")
def test_the_sweep_leaves_another_users_directories(tmp_path: Path) -> None:
    theirs = tmp_path / f"tsact-{_dead_pid()}-abc"
    theirs.mkdir()
    os.chown(theirs, 12345, 12345)
    _age(str(theirs))
    assert sweep_leftovers(str(tmp_path)) == []
    assert theirs.is_dir()


FORKING_HOST = HOST.replace(
    "    record = await sandbox.run(",
    "    import os, threading\n"
    "    def fork_after_start():\n"
    "        import time; time.sleep(1.5)\n"
    "        child = os.fork()\n"
    "        if child == 0:\n"
    "            time.sleep(60); os._exit(0)\n"
    "        print('child', child, flush=True)\n"
    "    threading.Thread(target=fork_after_start, daemon=True).start()\n"
    "    record = await sandbox.run(",
)


@pytest.mark.parametrize(
    "source",
    [
        "console.log('up'); await new Promise(() => {});",
        "console.log('up'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);",
    ],
    ids=["never-settles", "atomics-wait"],
)
def test_a_sandbox_whose_stdin_outlives_its_host_still_ends(source: str) -> None:
    # The host forks once the script runs: the child holds the host's end of the
    # sandbox's stdin, which then never ends. Only the look at the parent pid can tell.
    host = subprocess.Popen(
        [sys.executable, "-c", FORKING_HOST, source, "no-check"], stdout=subprocess.PIPE, text=True
    )
    assert host.stdout is not None
    assert host.stdout.readline().strip() == "up"
    (sandbox,) = child_pids(host.pid)
    words = host.stdout.readline().split()
    assert words[0] == "child", words
    child = int(words[1])
    try:
        _kill_and_see_the_sandbox_go(host, sandbox)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)

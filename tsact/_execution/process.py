"""The sandbox process: spawn it in its own session, watch its memory, kill its group."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import resource
import signal
import subprocess
from pathlib import Path

import anyio
from anyio.abc import ByteReceiveStream, Process

from tsact._records.capture import HeadTail
from tsact._records.limits import MiB

LOGGER = logging.getLogger("tsact.process")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Deno reserves address space and data segments at start-up well beyond what it uses;
# RLIMIT_DATA of 1 GiB already breaks it (measured on 2.9.8 with two isolates).
# The cap is a backstop above the RSS watchdog.
DATA_LIMIT_FLOOR = 2048 * MiB
MEMORY_POLL_S = 0.005
PIPE_BYTES = 1 << 20  # the default /proc/sys/fs/pipe-max-size


def frame_pipe() -> tuple[int, int]:
    """A pipe for the sandbox's frames: the host's non-blocking read end, and the end
    that becomes the process's stdout. Grown to 1 MiB where the system allows, so that
    a large frame crosses in fewer turns (the default is 64 KiB)."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    with contextlib.suppress(OSError):
        fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    return read_end, write_end


async def spawn(command: list[str], *, cwd: Path, env: dict[str, str], stdout: int) -> Process:
    """Start the process in a new session (its own process group), stdin closed and
    ``stdout`` (a descriptor) as its stdout."""
    process = await anyio.open_process(
        command,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    LOGGER.debug("sandbox process %d spawned in %s", process.pid, cwd)
    return process


def apply_rlimits(pid: int, memory_mb: int) -> None:
    """Cap data segment and core dumps of the running process (a backstop, not the limit)."""
    data = DATA_LIMIT_FLOOR + 2 * memory_mb * MiB
    with contextlib.suppress(OSError, ValueError):
        resource.prlimit(pid, resource.RLIMIT_DATA, (data, data))
    with contextlib.suppress(OSError, ValueError):
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))


def kill_group(process: Process) -> None:
    """SIGKILL the whole process group, while the leader is not yet reaped (pid still ours).

    Only ``os.killpg``: ``Popen.kill`` polls (reaps) the child first, racing the event
    loop's child watcher, which then reports an unknown child and a wrong exit code.
    """
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
        LOGGER.debug("sandbox process group %d killed", process.pid)


def resident_bytes(pid: int) -> int | None:
    """Resident set size of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return None


async def watch_memory(pid: int, limit_bytes: int) -> int:
    """Return the RSS seen once it exceeds ``limit_bytes``; polls until then."""
    while True:
        rss = resident_bytes(pid)
        if rss is None:
            await anyio.sleep_forever()
        elif rss > limit_bytes:
            return rss
        await anyio.sleep(MEMORY_POLL_S)


async def pump(stream: ByteReceiveStream | None, sink: HeadTail) -> None:
    """Copy an untrusted output stream into a capped buffer until it closes."""
    if stream is None:
        return
    with contextlib.suppress(
        anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError
    ):
        async for chunk in stream:
            sink.add(chunk)

"""The sandbox process: spawn it in its own session, await its exit, watch its memory,
kill its group."""

from __future__ import annotations

import array
import contextlib
import fcntl
import logging
import os
import resource
import signal
import subprocess
import termios
from pathlib import Path

import anyio

from tsact._records.capture import HeadTail
from tsact._records.limits import MiB
from tsact._wire.channel import PipeReader

LOGGER = logging.getLogger("tsact.process")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Deno reserves address space and data segments at start-up well beyond what it uses;
# RLIMIT_DATA of 1 GiB already breaks it (measured on 2.9.8 with two isolates).
# The cap is a backstop above the RSS watchdog.
DATA_LIMIT_FLOOR = 2048 * MiB
MEMORY_POLL_S = 0.005
PIPE_BYTES = 1 << 20  # the default /proc/sys/fs/pipe-max-size
EXIT_POLL_S = 0.002  # how often an exit is checked for where there are no pidfds
OUTPUT_READ_BYTES = 1 << 16
IDLE_CPU_S = 600
"""CPU seconds a process may use before its execution starts leasing (a spare's boot
takes about 0.05 s, and its look for the host gone 0.3 ms a second: weeks of waiting)."""
CPU_LEASE_S = 10
"""CPU seconds a running execution may use beyond what it has used, renewed every
``CPU_LEASE_EVERY_S`` while its host lives: a busy script whose host died cannot look for
it, and the kernel ends it (SIGXCPU) once the lease runs out."""
CPU_LEASE_EVERY_S = 1.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def frame_pipe() -> tuple[int, int]:
    """A pipe for the sandbox's frames: the host's non-blocking read end, and the end
    that becomes the process's stdout. Grown to 1 MiB where the system allows, so that
    a large frame crosses in fewer turns (the default is 64 KiB)."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    _grow(read_end)
    return read_end, write_end


def reply_pipe() -> tuple[int, int]:
    """A pipe for the host's frames: the end that becomes the process's stdin (blocking,
    as Deno reads it), and the host's non-blocking write end, grown to 1 MiB."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    _grow(write_end)
    return read_end, write_end


def bytes_waiting(descriptor: int) -> int:
    """How many bytes a pipe holds, unread (0 when it is readable only for its end)."""
    count = array.array("i", [0])
    fcntl.ioctl(descriptor, termios.FIONREAD, count)
    return count[0]


def _grow(descriptor: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


class SandboxProcess:
    """A running sandbox process, watched through a pidfd.

    Spawning goes straight through ``subprocess.Popen`` (0.5 ms here), not through the
    event loop's subprocess transports (2.8 ms with asyncio, 5.1 ms through
    ``anyio.open_process``, on the critical path of every run without a spare). The
    exit is awaited on a pidfd, which the loop polls like any descriptor: no
    child-watcher thread, and this object alone reaps the process.
    """

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen  # kept so that its finaliser never reaps the process behind us
        self.pid = popen.pid
        assert popen.stderr is not None
        self.stderr: int | None = popen.stderr.fileno()
        """The read end of the process's stderr (non-blocking), until ``aclose``."""
        os.set_blocking(self.stderr, False)
        try:
            self._pidfd: int | None = os.pidfd_open(self.pid)
        except OSError:  # no pidfds (a kernel before 5.3): ``wait`` polls instead
            self._pidfd = None
        self._watching: anyio.Event | None = None

    @property
    def returncode(self) -> int | None:
        """The exit code (negative: the signal), once the process is reaped."""
        return self._popen.returncode

    async def wait(self) -> int:
        """Wait for the process to end and reap it; any number of tasks may wait."""
        while self._popen.returncode is None:
            watching = self._watching
            if watching is not None:  # another task reaps; if it is cancelled, take over
                await watching.wait()
                continue
            self._watching = watching = anyio.Event()
            try:
                await self._ended()
                self._reap()
            finally:
                self._watching = None
                watching.set()
        return self._popen.returncode

    async def _ended(self) -> None:
        if self._pidfd is not None:
            await anyio.wait_readable(self._pidfd)
            return
        while os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            await anyio.sleep(EXIT_POLL_S)

    def _reap(self) -> None:
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped elsewhere, against this class's design
            self._popen.returncode = -signal.SIGKILL
            return
        self._popen.returncode = os.waitstatus_to_exitcode(status)

    def kill(self) -> None:
        """SIGKILL the process itself (``kill_group`` takes its whole group)."""
        if self._popen.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    async def aclose(self) -> None:
        """Reap the process (waits for its end: kill it first) and close its descriptors."""
        with anyio.CancelScope(shield=True):
            await self.wait()
        if self.stderr is not None:
            assert self._popen.stderr is not None
            self._popen.stderr.close()
            self.stderr = None
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


def spawn(
    command: list[str], *, cwd: Path, env: dict[str, str], stdin: int, stdout: int
) -> SandboxProcess:
    """Start the process in a new session (its own process group) with ``stdin`` and
    ``stdout`` (descriptors) as its own, and stderr a pipe."""
    popen = subprocess.Popen(
        command,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    LOGGER.debug("sandbox process %d spawned in %s", popen.pid, cwd)
    return SandboxProcess(popen)


def apply_rlimits(pid: int, memory_mb: int) -> None:
    """Cap data segment and core dumps of the running process (a backstop, not the limit),
    and its CPU time until its execution leases more (``lease_cpu``)."""
    data = DATA_LIMIT_FLOOR + 2 * memory_mb * MiB
    with contextlib.suppress(OSError, ValueError):
        resource.prlimit(pid, resource.RLIMIT_DATA, (data, data))
    with contextlib.suppress(OSError, ValueError):
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
    _limit_cpu(pid, IDLE_CPU_S)


def cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used (user and system, all threads), or None once gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _limit_cpu(pid: int, seconds: int) -> None:
    # The soft limit only: an unprivileged host may raise it again, never a hard one.
    with contextlib.suppress(OSError, ValueError):
        resource.prlimit(pid, resource.RLIMIT_CPU, (seconds, resource.RLIM_INFINITY))


async def lease_cpu(pid: int) -> None:
    """Keep the process's CPU limit ``CPU_LEASE_S`` ahead of its use, while this runs.

    The prelude exits by itself when its host is gone, but only when the script lets it
    run: a busy loop (with no fuel limit) never does. Its lease then runs out.
    """
    while True:
        used = cpu_seconds(pid)
        if used is None:
            await anyio.sleep_forever()
            return
        _limit_cpu(pid, int(used) + 1 + CPU_LEASE_S)
        await anyio.sleep(CPU_LEASE_EVERY_S)


def kill_group(process: SandboxProcess) -> None:
    """SIGKILL the whole process group, while the leader is not yet reaped (its pid, and
    so its group id, cannot have been reused)."""
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


async def pump(fd: int | None, sink: HeadTail) -> None:
    """Copy an untrusted output stream (a non-blocking descriptor) into a capped buffer
    until it closes."""
    if fd is None:
        return
    async for chunk in PipeReader(fd, OUTPUT_READ_BYTES):
        sink.add(chunk)

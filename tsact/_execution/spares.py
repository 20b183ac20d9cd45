"""Sandbox processes booted ahead of need, and used ones torn down off the critical path.

Inside ``async with Sandbox(...)`` up to ``pool`` processes boot in the background (the
prelude loaded, the global scope locked down, waiting for its script), so
``run`` skips start-up: an agent's next step boots while the model thinks, and
concurrent runs each find one ready. Every process still serves exactly one execution.

A used process is killed at once, but the kernel's teardown of a process that held a V8
heap takes milliseconds: inside the block the record is returned first and the process
is reaped in the background. Leaving the block waits for every reap, so nothing is left
behind once it is left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import anyio.abc

from tsact._execution.execute import ExecutionSettings, SpawnedSandbox, spawn_sandbox


def _booted(spare: SpawnedSandbox) -> bool:
    """Whether a spare's prelude is ready (or never will be)."""
    return spare.booting is not None and spare.booting.is_set()


class SparePool:
    """Up to ``size`` booted processes for the sandbox's default limits."""

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError(f"pool must be >= 0, got {size!r}")
        self.size = size
        self._ready: deque[SpawnedSandbox] = deque()
        self._booting = 0
        self._group: anyio.abc.TaskGroup | None = None
        self._changed = anyio.Event()

    @property
    def open(self) -> bool:
        return self._group is not None

    def start(self, group: anyio.abc.TaskGroup, settings: ExecutionSettings) -> None:
        """Boot spares in ``group`` (the sandbox's block) until there are ``size``."""
        self._group = group
        self.refill(settings)

    def refill(self, settings: ExecutionSettings) -> None:
        """Boot as many spares as are missing, in the background."""
        group = self._group
        if group is None:
            return
        while len(self._ready) + self._booting < self.size:
            self._booting += 1
            group.start_soon(self._boot, settings)

    async def _boot(self, settings: ExecutionSettings) -> None:
        try:
            # Shielded: a boot cancelled as the block ends must still hand over the process
            # it made, or nobody would reap it (spawning takes a fork, not a boot's wait).
            with anyio.CancelScope(shield=True):
                spare = await spawn_sandbox(settings, spare=True)
        except OSError:
            return
        finally:
            self._booting -= 1
        if self._group is None:
            await spare.aclose()
            return
        self._ready.append(spare)  # a run may take it while it still boots
        self._changed.set()
        await spare.boot()  # its ready line is seen as it comes, off any run's path
        self._changed.set()

    async def wait_ready(self) -> None:
        """Return once every spare of the pool has booted (at once outside the block)."""
        while self._group is not None:
            # once every spare has booted, a pool short of its size with no boot under
            # way had a boot fail: nothing more is coming
            if all(map(_booted, self._ready)) and (
                len(self._ready) >= self.size or self._booting == 0
            ):
                return
            self._changed = anyio.Event()
            await self._changed.wait()

    async def take(self, settings: ExecutionSettings) -> SpawnedSandbox | None:
        """A booted spare that fits ``settings``, or None.

        Its replacement boots when a run ends (``refill``), not now: a burst of runs is
        served from the pool without new boots taking the CPU its scripts need. A spare
        that does not fit stays for the next run with the sandbox's own limits.
        """
        spare: SpawnedSandbox | None = None
        while self._ready and spare is None:
            candidate = self._ready.popleft()
            if candidate.process.returncode is None:
                spare = candidate
            else:
                self.defer(candidate.aclose)
        if spare is not None and spare.memory_mb != settings.limits.memory_mb:
            self._ready.appendleft(spare)
            spare = None
        return spare

    def defer(self, teardown: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run a (shielded) teardown in the background if the block is open."""
        if self._group is not None:
            self._group.start_soon(teardown)

    async def close(self) -> None:
        """Stop booting and close every spare (the block's tasks are already done)."""
        self._group = None
        while self._ready:
            await self._ready.popleft().aclose()

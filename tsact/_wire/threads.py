"""A pool of daemon threads for sync tools.

Daemon threads because a sync tool cannot be interrupted: one that is still running
when its execution ends is abandoned, and must not hold up the interpreter's exit
(``concurrent.futures`` joins its threads at exit). Idle threads wait for new work
for a while and then end, so the pool is as large as the peak of concurrent calls.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

IDLE_SECONDS = 30.0
LOGGER = logging.getLogger("tsact")


class DaemonThreadPool:
    """Runs jobs on daemon threads, starting a thread only when none is idle."""

    def __init__(self, name: str, idle_seconds: float = IDLE_SECONDS) -> None:
        self._name = name
        self._idle_seconds = idle_seconds
        self._jobs: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._idle = 0  # idle threads not yet promised a job
        self._started = 0
        self._live = 0

    def submit(self, job: Callable[[], object]) -> None:
        """Run ``job`` on a pool thread (an exception it raises is logged, nothing more)."""
        with self._lock:
            self._jobs.put(job)
            if self._idle:
                self._idle -= 1
                return
            self._started += 1
            self._live += 1
            thread = threading.Thread(
                target=self._serve, name=f"{self._name}-{self._started}", daemon=True
            )
        thread.start()

    def _serve(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():
                        self._idle -= 1
                        self._live -= 1
                        self._changed.notify_all()
                        return
                continue  # a job came in as the wait ended: it was promised to a thread
            try:
                job()
            except Exception:  # a job's own fault must not cost the pool its thread
                LOGGER.exception("a job on %s failed", threading.current_thread().name)
            finally:
                del job
                with self._lock:
                    self._idle += 1
                    self._changed.notify_all()

    @property
    def idle(self) -> int:
        """Threads waiting for work now."""
        with self._lock:
            return self._idle

    def wait_until(
        self, *, idle: int | None = None, live: int | None = None, timeout: float
    ) -> bool:
        """Wait until ``idle`` threads wait for work, or ``live`` threads are left (tests and
        diagnostics; nothing in tsact waits on its own pool). False if ``timeout`` passes."""
        with self._changed:
            return self._changed.wait_for(
                lambda: (
                    (idle is None or self._idle >= idle) and (live is None or self._live == live)
                ),
                timeout,
            )

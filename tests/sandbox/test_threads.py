"""The daemon thread pool that runs sync tools."""

from __future__ import annotations

import threading

from tsact._wire.threads import DaemonThreadPool


def _pool_threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(f"{name}-")]


def test_sequential_jobs_reuse_one_daemon_thread() -> None:
    pool = DaemonThreadPool("seq-pool")
    seen: list[tuple[str, bool]] = []
    for _ in range(20):
        done = threading.Event()

        def job(done: threading.Event = done) -> None:
            seen.append((threading.current_thread().name, threading.current_thread().daemon))
            done.set()

        pool.submit(job)
        assert done.wait(2)
        assert pool.wait_until(idle=1, timeout=2)  # the thread goes back to waiting
    assert {name for name, _ in seen} == {"seq-pool-1"}
    assert all(daemon for _, daemon in seen)


def test_blocked_jobs_each_get_a_thread() -> None:
    pool = DaemonThreadPool("wide-pool")
    barrier = threading.Barrier(6, timeout=2)
    names: set[str] = set()
    for _ in range(5):

        def job() -> None:
            names.add(threading.current_thread().name)
            barrier.wait()

        pool.submit(job)
    barrier.wait()  # only returns when all five jobs run at once
    assert len(names) == 5


def test_a_failing_job_does_not_lose_its_thread() -> None:
    pool = DaemonThreadPool("fail-pool")
    pool.submit(lambda: 1 / 0)
    done = threading.Event()
    assert pool.wait_until(idle=1, timeout=2)  # the failed job's thread waits for more
    pool.submit(done.set)
    assert done.wait(2)
    assert len(_pool_threads("fail-pool")) == 1


def test_idle_threads_end() -> None:
    pool = DaemonThreadPool("idle-pool", idle_seconds=0.1)
    barrier = threading.Barrier(4, timeout=2)
    for _ in range(3):
        pool.submit(barrier.wait)
    barrier.wait()
    assert pool.wait_until(live=0, timeout=2)
    done = threading.Event()
    pool.submit(done.set)  # the pool starts afresh
    assert done.wait(2)

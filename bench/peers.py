"""tsact against other sandboxes for model-written code: the same five workloads, one run.

Peers (``pip install -e '.[bench]'``): pydantic-monty (a Rust Python interpreter in worker
processes), quickjs-ng (QuickJS in-process), mini-racer (V8 in-process), quickjs-rs
(QuickJS compiled to WebAssembly, under wasmtime) and smolagents' local Python executor.
Workloads (``bench/_workloads.py``), each program written once in JavaScript and once in
Python and checked against CPython's own result:

- start: the trivial program, prewarmed where the peer allows (tsact's spare, Monty's pool),
  with a pause before each run as an agent has while its model thinks;
- tool call: one round trip to a sync host function, from ``--calls`` sequential calls
  timed inside the program by the engine's own clock;
- CPU loop: ``--loop`` iterations of integer arithmetic, timed inside the program;
- orchestration: 20 tool calls, one returning 12,450 log records aggregated in the script;
- concurrent: ``--concurrent`` trivial executions at once, in executions per second.

One interleaved run: each round measures every workload on every peer, in an order that
rotates from round to round, so load drift hits all peers alike; medians are reported with
each figure's ratio to tsact's (the peer's time over tsact's: below 1, the peer is faster).
A peer that does not import, or fails a workload, gets a row or a cell saying why.

Run: ``python bench/peers.py [--rounds N] [--peers tsact,quickjs-ng,...]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _peer_runners import RUNNERS, Runner
from _table import Row, median
from _workloads import Program, orchestration, tight_loop, tool_calls, trivial


@dataclass(frozen=True)
class Settings:
    """The run's sizes: flags of ``peers.py``, defaults for ``run_all.py``."""

    rounds: int = 3
    starts: int = 8  # trivial runs per round and peer
    loops: int = 1  # CPU loop runs per round and peer
    orchestrations: int = 2  # orchestration runs per round and peer
    calls: int = 2_000
    loop: int = 1_000_000
    concurrent: int = 50
    pause_s: float = 0.1
    peers: tuple[str, ...] = ()  # all when empty


@dataclass(frozen=True)
class Workload:
    """A column of the table: its title, unit and how a cell is reduced from the samples."""

    key: str
    title: str
    unit: str
    higher_is_better: bool = False


WORKLOADS = [
    Workload("start", "start", "ms"),
    Workload("tool", "tool call", "us"),
    Workload("loop", "CPU loop", "ms"),
    Workload("orchestration", "orchestration", "ms"),
    Workload("concurrent", "concurrent", "exec/s", higher_is_better=True),
]


@dataclass
class PeerResults:
    """What one peer measured: samples per series, or why it could not."""

    runner: Runner
    version: str = ""
    unavailable: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def add(self, series: str, value: float) -> None:
        self.samples.setdefault(series, []).append(value)

    def figure(self, key: str, settings: Settings) -> float | None:
        """The median figure of a workload (tool calls: per call)."""
        if key in self.failures or not self.samples.get(key):
            return None
        value = median(self.samples[key])
        return value * 1000 / settings.calls if key == "tool" else value


def reason(exc: BaseException) -> str:
    """One short line saying why: the exception's type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:80]}" if text else type(exc).__name__


async def timed(run: Callable[[], Awaitable[object]], pause_s: float) -> float:
    """ms of one run, after a pause (the spare or pool refills, as while a model thinks)."""
    await anyio.sleep(pause_s)
    start = time.perf_counter()
    await run()
    return (time.perf_counter() - start) * 1000


async def measure_round(peer: PeerResults, key: str, settings: Settings) -> None:
    """One round's samples of one workload on one peer."""
    runner = peer.runner

    def once(program: Program) -> Callable[[], Awaitable[object]]:
        async def run() -> object:
            return program.checked(await runner.run(program))

        return run

    async def inside(program: Program) -> float:
        """ms the program timed itself, after a pause."""
        await anyio.sleep(settings.pause_s)
        return float(program.checked(await runner.run(program)))

    pause = settings.pause_s
    if key == "start":
        for _ in range(settings.starts):
            peer.add(key, await timed(once(trivial()), pause))
    elif key == "tool":
        peer.add(key, await inside(tool_calls(settings.calls)))
    elif key == "loop":
        for _ in range(settings.loops):
            peer.add(key, await inside(tight_loop(settings.loop)))
    elif key == "orchestration":
        for _ in range(settings.orchestrations):
            peer.add(key, await timed(once(orchestration()), pause))
    elif key == "concurrent":
        programs = [trivial(n) for n in range(2, settings.concurrent + 2)]

        async def batch() -> None:
            for program, result in zip(programs, await runner.run_all(programs), strict=True):
                program.checked(result)

        elapsed = await timed(batch, pause)
        peer.add(key, settings.concurrent / elapsed * 1000)


async def measure(
    settings: Settings, runners: Sequence[type[Runner]] = RUNNERS
) -> list[PeerResults]:
    """Open every peer, run the rounds, close them; the results of every peer, tsact first."""
    wanted = set(settings.peers)
    peers = [PeerResults(cls()) for cls in runners if not wanted or cls.name in wanted]
    async with AsyncExitStack() as stack:
        for peer in peers:
            try:
                peer.version = peer.runner.version()
                await peer.runner.open(stack)
                # Once per process, untimed: what the host pays once (compiling a
                # WebAssembly module, starting V8's platform) is no execution's start.
                trivial().checked(await peer.runner.run(trivial()))
            except metadata.PackageNotFoundError:
                package = peer.runner.package
                peer.unavailable = f"not installed ({package}): pip install -e '.[bench]'"
            except ImportError as exc:
                peer.unavailable = f"does not import: {reason(exc)}"
            except Exception as exc:
                peer.unavailable = f"does not start: {reason(exc)}"
        live = [peer for peer in peers if not peer.unavailable]
        for index in range(settings.rounds):
            print(f"round {index + 1}/{settings.rounds}...", file=sys.stderr, flush=True)
            for workload in WORKLOADS:
                shift = index % len(live) if live else 0
                for peer in live[shift:] + live[:shift]:
                    if workload.key in peer.failures:
                        continue
                    try:
                        with anyio.fail_after(600):
                            await measure_round(peer, workload.key, settings)
                    except Exception as exc:
                        peer.failures[workload.key] = f"failed: {reason(exc)}"
    return peers


def cell(peer: PeerResults, base: PeerResults, workload: Workload, settings: Settings) -> str:
    """A figure with its ratio to tsact (peer's time over tsact's), or why there is none."""
    if workload.key in peer.failures:
        return peer.failures[workload.key]
    value = peer.figure(workload.key, settings)
    if value is None:
        return "-"
    text = number(value)
    tsact = base.figure(workload.key, settings) if base is not peer else None
    if tsact:
        ratio = tsact / value if workload.higher_is_better else value / tsact
        text += f" ({number(ratio)}x)"
    return text


def number(value: float) -> str:
    """Two or three significant digits, never an exponent."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) >= 1 else f"{value:.2g}"


def machine() -> str:
    """Where the figures come from: date, CPU model and count, OS."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{date.today().isoformat()}, {cpu}, {os.cpu_count()} cores, {platform.system()}"


def print_results(peers: list[PeerResults], settings: Settings) -> None:
    """The table (one row per peer, one column per workload) and each peer's isolation."""
    base = next((peer for peer in peers if peer.runner.name == "tsact"), peers[0])
    print(f"\nsandboxes for model-written code, one interleaved run ({machine()})")
    print(
        f"medians of {settings.rounds} rounds; in brackets the peer's time over tsact's "
        "(below 1x: faster than tsact)"
    )
    headers = ["peer", *(f"{w.title} ({w.unit})" for w in WORKLOADS)]
    rows: list[list[str]] = []
    for peer in peers:
        label = f"{peer.runner.name} {peer.version}".strip()
        if peer.unavailable:
            rows.append([label, peer.unavailable])
            continue
        rows.append([label, *(cell(peer, base, w, settings) for w in WORKLOADS)])
    full = [row for row in [headers, *rows] if len(row) == len(headers)]
    widths = [max(len(row[i]) for row in full) for i in range(len(headers))]
    widths[0] = max(len(row[0]) for row in [headers, *rows])
    for row in [headers, None, *rows]:
        if row is None:
            print("  ".join("-" * width for width in widths))
        elif len(row) == 2 and row is not headers:
            print(f"{row[0]:<{widths[0]}}  {row[1]}")
        else:
            print("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)))
    print(
        f"\nstart: trivial program; tool call: {settings.calls} sync round trips, per call; "
        f"CPU loop: {settings.loop:,} iterations; orchestration: 20 tool calls, 12,450 records "
        f"aggregated; concurrent: {settings.concurrent} executions at once"
    )
    print("\nisolation")
    for peer in peers:
        print(f"  {peer.runner.name:<16} {peer.runner.isolation}")


async def collect(settings: Settings | None = None) -> list[Row]:
    """tsact's figure beside each peer's, as rows (``run_all.py`` prints them in one table).

    The floor column is the peer's figure, so the ratio is tsact's time over the peer's;
    throughput becomes ms per execution so that every ratio reads the same way.
    """
    settings = settings or Settings()
    peers = await measure(settings)
    base = next(peer for peer in peers if peer.runner.name == "tsact")
    rows: list[Row] = []
    for peer in peers:
        if peer is base:
            continue
        if peer.unavailable:
            print(f"peers: {peer.runner.name} {peer.unavailable}", file=sys.stderr)
            continue
        for workload in WORKLOADS:
            mine = base.figure(workload.key, settings)
            theirs = peer.figure(workload.key, settings)
            if mine is None or theirs is None:
                why = peer.failures.get(workload.key) or base.failures.get(workload.key)
                print(f"peers: {peer.runner.name} {workload.key}: {why}", file=sys.stderr)
                continue
            unit = workload.unit
            if workload.higher_is_better:
                mine, theirs, unit = 1000 / mine, 1000 / theirs, "ms"
            rows.append(
                Row(
                    f"vs {peer.runner.name}: {workload.title}",
                    mine,
                    theirs,
                    unit,
                    f"peer: {peer.runner.isolation.split(',')[0].split(' (')[0]}",
                )
            )
    return rows


def parse_settings(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Settings()
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--starts", type=int, default=defaults.starts, help="per round")
    parser.add_argument("--loops", type=int, default=defaults.loops, help="per round")
    parser.add_argument("--orchestrations", type=int, default=defaults.orchestrations)
    parser.add_argument("--calls", type=int, default=defaults.calls)
    parser.add_argument("--loop", type=int, default=defaults.loop, help="loop iterations")
    parser.add_argument("--concurrent", type=int, default=defaults.concurrent)
    parser.add_argument("--pause", type=float, default=defaults.pause_s, help="s before a run")
    names = ", ".join(cls.name for cls in RUNNERS)
    parser.add_argument("--peers", default="", help=f"comma-separated subset of: {names}")
    args = parser.parse_args(argv)
    peers = tuple(name for name in args.peers.split(",") if name)
    unknown = set(peers) - {cls.name for cls in RUNNERS}
    if unknown:
        parser.error(f"unknown peers {sorted(unknown)}; known: {names}")
    if "tsact" not in peers and peers:
        peers = ("tsact", *peers)  # ratios are to tsact
    return Settings(
        rounds=args.rounds,
        starts=args.starts,
        loops=args.loops,
        orchestrations=args.orchestrations,
        calls=args.calls,
        loop=args.loop,
        concurrent=args.concurrent,
        pause_s=args.pause,
        peers=peers,
    )


async def main() -> None:
    settings = parse_settings()
    print_results(await measure(settings), settings)


if __name__ == "__main__":
    anyio.run(main)

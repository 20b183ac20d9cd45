"""What carrying a session's variables costs per step, against copying the same data.

A step of a session holding S of variables reads them back, checks they are JSON data,
infers their types, sends their JSON to the host and the host sends it to the next
step. The floor is what copying the data costs in Python: ``json.dumps`` plus
``json.loads`` of the same value. Each round measures, interleaved: a step of a session
holding the data, a step of an empty session (both prewarmed), and the floor; the
overhead is the difference of the two steps' medians. Goal: at most 3x the floor.

Run: ``python bench/state_bench.py [--sizes 1,10] [--rounds 7]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, median, print_table

from tsact import Limits, Sandbox, tool

RECORD = {"level": "ERROR", "service": "checkout", "message": "x" * 48, "latency_ms": 12.5}


def records(megabytes: float) -> list[dict[str, object]]:
    """About ``megabytes`` of log records as JSON."""
    one = len(json.dumps(RECORD)) + 1
    return [dict(RECORD, n=i) for i in range(int(megabytes * 1_000_000 / one))]


async def measure(megabytes: float, rounds: int) -> list[Row]:
    value = records(megabytes)
    text = json.dumps(value)

    @tool
    def load_logs() -> list[dict[str, object]]:
        """The benchmark's records."""
        return value

    limits = Limits(timeout_s=60, max_state_bytes=200_000_000)
    carrying: list[float] = []
    empty: list[float] = []
    floor: list[float] = []
    sandbox = Sandbox([load_logs], limits=limits)
    async with sandbox, sandbox.session() as full, sandbox.session() as bare:
        setup = await full.run("const logs = await external_load_logs();")
        assert setup.ok, setup.error
        for _ in range(rounds):
            await anyio.sleep(0.2)  # the next spare boots
            started = time.perf_counter()
            step = await full.run("return 1")
            carrying.append(time.perf_counter() - started)
            assert step.ok and step.state is not None and step.state.error is None
            await anyio.sleep(0.2)
            started = time.perf_counter()
            await bare.run("return 1")
            empty.append(time.perf_counter() - started)
            started = time.perf_counter()
            json.loads(json.dumps(value))
            floor.append(time.perf_counter() - started)
    overhead = (median(carrying) - median(empty)) * 1000
    size = f"{len(text) / 1e6:.1f} MB"
    return [
        Row(
            f"session step carrying {size}: overhead",
            overhead,
            median(floor) * 1000,
            "ms",
            "<= 3x json.dumps + json.loads",
        )
    ]


async def collect(sizes: tuple[float, ...] = (1, 10), rounds: int = 7) -> list[Row]:
    rows: list[Row] = []
    for size in sizes:
        rows += await measure(size, rounds)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="MB of state, comma-separated")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sizes = tuple(float(size) for size in args.sizes.split(","))
    rows = anyio.run(collect, sizes, args.rounds)
    print_table(rows, "session state (floor = same run)")


if __name__ == "__main__":
    main()

"""Fuel's cost in the real sandbox, fuel on against fuel off in the same run.

- A tight numeric loop of 10^7 iterations, timed inside the script.
- A typical orchestration script (36 tool calls and loops over their results), timed
  end to end with ``Sandbox.run`` on a prewarmed process, fuel on and off interleaved.
- The instrumentation pass on a 200-line script (parse, checks, insertions, wrapping).

Run: ``python bench/fuel_bench.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _table import Row, median, print_table  # noqa: E402

from tsact import Limits, Sandbox, tool  # noqa: E402
from tsact._scripts.fuel import (  # noqa: E402
    apply_insertions,
    fuel_insertions,
    reserved_identifiers,
    syntax_errors,
)
from tsact._scripts.prepare import parse, prepare  # noqa: E402

RUNS = 11

TIGHT = """
const t = performance.now();
let s = 0;
for (let i = 0; i < 10_000_000; i++) s = (s + i * 7) % 1_000_003;
return performance.now() - t;
"""

ORCHESTRATION = """
const cities = await external_list_cities({ country: "VN" });
const details = await Promise.all(cities.map((name) => external_city_info({ name })));
const byRegion: Record<string, { n: number; pop: number }> = {};
for (const d of details) {
  const r = (byRegion[d.region] ??= { n: 0, pop: 0 });
  r.n += 1;
  r.pop += d.population;
}
const ranked = details.slice().sort((a, b) => b.population - a.population);
const top = ranked.slice(0, 5).map((d) => `${d.name}: ${d.population}`);
const mean = details.reduce((a, d) => a + d.population, 0) / details.length;
const sd = Math.sqrt(details.reduce((a, d) => a + (d.population - mean) ** 2, 0) / details.length);
console.log(top.join("\\n"));
return { regions: Object.keys(byRegion).length, mean, sd };
"""


@tool
def list_cities(country: str) -> list[str]:
    """Names of 35 cities."""
    return [f"city{index}" for index in range(35)]


@tool
async def city_info(name: str) -> dict[str, object]:
    """Region and population of a city."""
    number = int(name.removeprefix("city"))
    return {"name": name, "region": f"r{number % 6}", "population": 10_000 + number * 7_919}


async def collect() -> list[Row]:
    """Measure and return the rows (``run_all.py`` prints them in one table)."""
    rows: list[Row] = []
    sandbox = Sandbox([list_cities, city_info])
    metered = Limits(fuel=10**9)
    unmetered = Limits(fuel=None)
    async with sandbox:
        on, off = [], []
        for _ in range(RUNS):
            off.append((await sandbox.run(TIGHT, limits=unmetered)).result)
            on.append((await sandbox.run(TIGHT, limits=metered)).result)
        rows.append(
            Row(
                "tight loop 10^7, fuel on (in-script ms)",
                median(on),
                median(off),
                "ms",
                "<= 2x fuel off",
            )
        )
        on, off = [], []
        while len(on) < RUNS or len(off) < RUNS:
            for limits, sink in ((unmetered, off), (metered, on)):
                await anyio.sleep(0.3)  # the next spare boots, as while a model thinks
                start = time.perf_counter()
                record = await sandbox.run(ORCHESTRATION, limits=limits)
                elapsed = (time.perf_counter() - start) * 1000
                assert record.ok and len(record.tool_calls) == 36, record.error
                if record.timings.prewarmed:  # a spawn in the timing would swamp fuel's cost
                    sink.append(elapsed)
        rows.append(
            Row(
                "orchestration script, 36 tool calls, fuel on",
                median(on),
                median(off),
                "ms",
                "<= 1.05x fuel off",
            )
        )
    script = (ROOT / "tests" / "fuel" / "orchestration_script.ts").read_text()
    source = script.encode()
    lines = script.count("\n") + 1
    passes, parses, prepares = [], [], []
    for _ in range(300):
        start = time.perf_counter()
        tree = parse(source)
        parses.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        syntax_errors(tree)
        reserved_identifiers(tree, source)
        apply_insertions(source, fuel_insertions(tree, source))
        passes.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        prepare(script, max_source_bytes=10**6, fuel=True)
        prepares.append((time.perf_counter() - start) * 1000)
    rows.append(
        Row(
            f"fuel pass on a parsed {lines}-line script",
            median(passes),
            median(parses),
            "ms",
            "<= 2 ms; floor = the tree-sitter parse",
        )
    )
    rows.append(
        Row(
            "whole prepare of that script (parse, checks, fuel)",
            median(prepares),
            None,
            "ms",
            "what a run pays before spawning",
        )
    )
    return rows


async def main() -> None:
    print_table(await collect(), "fuel")


if __name__ == "__main__":
    anyio.run(main)

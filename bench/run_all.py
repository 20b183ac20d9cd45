"""Every benchmark of the project, one table: each figure, its floor or peer, the ratio.

Floors are measured in the same run on the same machine (raw ``deno run``, a raw
Python<->Deno echo, raw ``deno check``, fuel off, OpenAI function-calling JSON, a
one-tool-call-per-turn agent); the peers of ``peers.py`` (installed by the ``bench``
extra; those missing are said on stderr and left out) stand as the floor of tsact's
figure on each of their workloads. Run: ``python bench/run_all.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agent_steps
import catalog_bench
import erase_bench
import fuel_bench
import peers
import sandbox_bench
import scale_bench
import state_bench
import typecheck_bench
from _table import Row, print_table


async def agent_rows() -> list[Row]:
    """Model calls and prompt tokens against the one-call-per-turn baseline."""
    name, count = agent_steps.tokenizer()
    measured = await agent_steps.measure(count)
    rows: list[Row] = []
    for item in measured:
        rows.append(
            Row(
                f"agent {item.task}: model calls",
                item.agent_calls,
                item.baseline_calls,
                "",
                "fewer than one tool call per turn",
            )
        )
        rows.append(
            Row(
                f"agent {item.task}: prompt tokens",
                item.agent_tokens,
                item.baseline_tokens,
                "tok",
                f"{name}; baseline = same scripted model",
            )
        )
    return rows


async def catalog_rows() -> list[Row]:
    """Catalog mode against all declarations in the prompt, on 200 tools (default budget)."""
    name, count = agent_steps.tokenizer()
    figures = await catalog_bench.measure(count)
    floor = {f.task: f for f in figures if f.mode == "all declarations"}
    rows: list[Row] = []
    for item in figures:
        if item.mode != "catalog, budget 8,000":
            continue
        base = floor[item.task]
        rows.append(
            Row(
                f"catalog {item.task}: model calls",
                item.model_calls,
                base.model_calls,
                "",
                "at most one extra",
            )
        )
        rows.append(
            Row(
                f"catalog {item.task}: prompt tokens",
                item.prompt_tokens,
                base.prompt_tokens,
                "tok",
                f"<= 0.10x; {name}",
            )
        )
    return rows


async def main() -> None:
    rows: list[Row] = []
    for name, collect in (
        ("sandbox", sandbox_bench.collect),
        ("data, concurrency and memory", scale_bench.collect),
        ("session state", state_bench.collect),
        ("peers", peers.collect),
        ("type-checking", typecheck_bench.collect),
        ("fuel", fuel_bench.collect),
        ("type erasure", erase_bench.collect),
        ("agent", agent_rows),
        ("catalog", catalog_rows),
    ):
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        rows += await collect()
    print_table(rows, "tsact benchmarks (floor = measured in this run)")


if __name__ == "__main__":
    anyio.run(main)

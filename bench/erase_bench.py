"""Type erasure against Deno's transpile: a whole prewarmed run of typed scripts by size.

A script whose types can be blanked out (``tsact._scripts.erase``) runs as JavaScript,
evaluated as a classic script; otherwise Deno transpiles and imports it. Erasing costs
the host a second parse and fuel pass, so it pays only up to some size:
``ERASE_MAX_BYTES`` is set from this table. Each size runs both ways in turn (erasure
off is the floor), inside one ``async with Sandbox`` with a pause before each run; the
size limit is lifted for the measure. Run: ``python bench/erase_bench.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, median, print_table

import tsact._scripts.prepare as prepare_module
from tsact import Sandbox

SIZES_KB = (1, 2, 4, 6, 8, 12)
ROUNDS = 7
BLOCK = """interface Row{i} {{ name: string; score: number; tags: string[] }}
type Pair{i} = [string, number];
function rank{i}(rows: Row{i}[], limit: number = 3): Pair{i}[] {{
  const sorted: Row{i}[] = [...rows].sort((a: Row{i}, b: Row{i}): number => b.score - a.score);
  return sorted.slice(0, limit).map((row: Row{i}): Pair{i} => [row.name, row.score]);
}}
const rows{i}: Row{i}[] = [
  {{ name: "a", score: {i}, tags: [] }},
  {{ name: "b", score: 2, tags: ["x"] }},
];
const top{i} = rank{i}(rows{i}, 1);
"""


def typed_script(kilobytes: float) -> str:
    """About ``kilobytes`` of typed code that erasure turns into JavaScript."""
    parts: list[str] = []
    while sum(map(len, parts)) < kilobytes * 1024:
        parts.append(BLOCK.format(i=len(parts)))
    return "".join(parts) + "\nreturn top0;"


async def collect() -> list[Row]:
    erasable: Callable[..., Any] = prepare_module._erasable_types
    limit = prepare_module.ERASE_MAX_BYTES
    modes: dict[str, Callable[..., Any]] = {"erased": erasable, "transpiled": lambda *_: None}
    times: dict[tuple[float, str], list[float]] = {}
    prepare_module.ERASE_MAX_BYTES = 1 << 20
    try:
        async with Sandbox([]) as sandbox:
            for _ in range(ROUNDS):
                for size in SIZES_KB:
                    source = typed_script(size)
                    for mode, erase in modes.items():
                        prepare_module._erasable_types = erase
                        await anyio.sleep(0.1)  # a model's turn
                        await sandbox.warm()
                        start = time.perf_counter()
                        record = await sandbox.run(source)
                        times.setdefault((size, mode), []).append(
                            (time.perf_counter() - start) * 1000
                        )
                        assert record.status == "ok", record.error
                        expected = prepare_module.prepare(
                            source, max_source_bytes=1 << 20, fuel=True
                        ).javascript
                        assert expected == (mode == "erased")
    finally:
        prepare_module._erasable_types = erasable
        prepare_module.ERASE_MAX_BYTES = limit
    return [
        Row(
            f"{size} KB typed script, erased",
            median(times[(size, "erased")]),
            median(times[(size, "transpiled")]),
            "ms",
            "floor = Deno transpiles it" + (" (erased today)" if size * 1024 <= limit else ""),
        )
        for size in SIZES_KB
    ]


async def main() -> None:
    print_table(await collect(), "type erasure (prewarmed run, fuel on)")


if __name__ == "__main__":
    anyio.run(main)

"""Type-checking speed and the prompt size of the declarations.

- A 30-line script against 20 tool declarations: the warm checker (``Sandbox.check``:
  ``prepare``, then a long-lived, Landlock-confined ``deno lsp`` and the policy) against
  raw ``deno check`` of the same document with the same compiler options, interleaved.
- The same script with a mistake: the policy then checks it a second time against
  loose declarations, to tell contract bugs from the script's own strictness.
- Declarations against the same tools as OpenAI function-calling JSON (``tools=[...]``),
  in o200k tokens (``bpe-openai``), for the example tool sets.

Run: ``python bench/typecheck_bench.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from pydantic import BaseModel, Field

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "examples"))

from _table import Row, median, print_table  # noqa: E402

from tsact import Sandbox, Tool, tool  # noqa: E402
from tsact._scripts.checker import checker_document  # noqa: E402
from tsact._scripts.policy import COMPILER_OPTIONS  # noqa: E402
from tsact._scripts.policy import declared as declared_forms  # noqa: E402

RUNS = 15


class Address(BaseModel):
    street: str = Field(description="Street and number")
    city: str
    country: str = Field(description="ISO 3166 country code")


def twenty_tools() -> list[Tool]:
    """Twenty tools of the shapes agents use: scalars, lists, nested models, enums."""
    tools: list[Tool] = []
    for index in range(20):

        def fn(query: str, limit: int = 10, address: Address | None = None) -> list[Address]:
            return []

        fn.__doc__ = f"Tool number {index}: search records by query.\n\nArgs:\n    query: Text."
        tools.append(tool(name=f"search_{index}")(fn))
    return tools


SCRIPT_30 = "\n".join(
    [
        "const found: { city: string; n: number }[] = [];",
        "for (let i = 0; i < 5; i++) {",
        "  const rows = await external_search_0({ query: `q${i}`, limit: 3 });",
        "  for (const row of rows) {",
        "    found.push({ city: row.city, n: row.street.length });",
        "  }",
        "}",
        "const byCity = new Map<string, number>();",
        "for (const f of found) byCity.set(f.city, (byCity.get(f.city) ?? 0) + f.n);",
        "const more = await Promise.all([",
        "  external_search_1({ query: 'a' }),",
        "  external_search_2({ query: 'b', address: { street: 's', city: 'c', country: 'VN' } }),",
        "  external_search_3({ query: 'c', limit: 1 }),",
        "]);",
        "let total = 0;",
        "for (const list of more) {",
        "  total += list.length;",
        "}",
        "function mean(xs: number[]): number {",
        "  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);",
        "}",
        "const avg = mean([...byCity.values()]);",
        "try {",
        "  await external_search_4({ query: 'x' });",
        "} catch (e) {",
        "  if (e instanceof ToolError) console.log(e.code);",
        "}",
        "console.log(`total=${total} avg=${avg.toFixed(2)}`);",
        "const top = [...byCity.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);",
        "return { total, avg, top };",
    ]
)


def raw_deno_check(sandbox: Sandbox, text: str, workdir: Path, index: int) -> float:
    """One ``deno check`` of ``text`` with the checker's compiler options, in ms."""
    file = workdir / f"check{index}.ts"
    file.write_text(text)
    config = workdir / "deno.json"
    config.write_text(json.dumps({"compilerOptions": COMPILER_OPTIONS}))
    command = [str(sandbox.deno_path), "check", "--quiet", "--config", str(config), "--no-lock"]
    start = time.perf_counter()
    subprocess.run(
        [*command, str(file)],
        check=True,
        env={"DENO_DIR": str(workdir / f"dd{index}"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    return (time.perf_counter() - start) * 1000


def openai_tools_json(tools: list[Tool], *, with_results: bool = False) -> str:
    """What a function-calling agent sends for the same tools.

    ``with_results`` adds each tool's result schema, which the declarations carry and
    function calling has no field for: the same information on both sides.
    """
    payload: list[dict[str, Any]] = []
    for item in tools:
        function: dict[str, Any] = {
            "name": item.name,
            "description": item.description,
            "parameters": item.input_schema(),
        }
        if with_results:
            function["returns"] = item.output_schema()
        payload.append({"type": "function", "function": function})
    return json.dumps(payload)


def tokens(text: str) -> int:
    import bpe_openai

    return len(bpe_openai.get_encoding("o200k_base").encode(text))


async def timed_check(sandbox: Sandbox, source: str, blocking: bool) -> float:
    start = time.perf_counter()
    found = await sandbox.check(source)
    elapsed = (time.perf_counter() - start) * 1000
    assert bool(found) == blocking, found
    return elapsed


async def collect() -> list[Row]:
    """Measure and return the rows (``run_all.py`` prints them in one table)."""
    rows: list[Row] = []
    sandbox = Sandbox(twenty_tools())
    assert await sandbox.check(SCRIPT_30) == [], await sandbox.check(SCRIPT_30)
    buggy_30 = SCRIPT_30.replace("limit: 3 }", "limit: '3' }")
    assert await sandbox.check(buggy_30)
    forms = declared_forms(sandbox.declarations())
    text, _ = checker_document(forms.checked, SCRIPT_30)  # what the warm checker checks
    warm: list[float] = []
    flagged: list[float] = []
    cold: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(RUNS):  # interleaved: each round measures all three
            variant = SCRIPT_30.replace("q${i}", f"q{index}-${{i}}")
            warm.append(await timed_check(sandbox, variant, False))
            flagged.append(await timed_check(sandbox, buggy_30.replace("q${i}", f"b{index}"), True))
            if index % 3 == 0:
                cold.append(raw_deno_check(sandbox, text, Path(tmp), index))
    sandbox.close()
    rows.append(
        Row(
            "check 30-line script, 20 tools (warm)",
            median(warm),
            median(cold),
            "ms",
            "<= 50 ms median; floor = raw deno check",
        )
    )
    rows.append(
        Row(
            "  same script with a wrong argument",
            median(flagged),
            median(cold),
            "ms",
            "checked twice: against loose declarations too",
        )
    )

    import cities
    import logs
    import math_tools

    sets = {
        "math_tools": Sandbox(
            [math_tools.add_numbers, math_tools.multiply_numbers, math_tools.current_utc_time]
        ),
        "cities": Sandbox([cities.search_cities, cities.get_population]),
        "logs": Sandbox([logs.fetch_logs]),
        "20 search tools": Sandbox(twenty_tools()),
    }
    globals_only = tokens(Sandbox([]).declarations())
    for name, box in sets.items():
        declared = tokens(box.declarations())
        function_calling = tokens(openai_tools_json(box.tools))
        same_information = tokens(openai_tools_json(box.tools, with_results=True))
        tools_only = declared - globals_only
        rows += [
            Row(
                f"declarations tokens: {name}",
                declared,
                function_calling,
                "tok",
                "vs OpenAI tools JSON (parameters only)",
            ),
            Row(
                "  vs JSON with result schemas too",
                declared,
                same_information,
                "tok",
                "same information, plus ToolError and final_answer",
            ),
            Row(
                "  tools only (without those globals)",
                tools_only,
                same_information,
                "tok",
                "<= 0.6x (same information on both sides)",
            ),
        ]
    return rows


async def main() -> None:
    print_table(await collect(), "typegen and type-checking")


if __name__ == "__main__":
    anyio.run(main)

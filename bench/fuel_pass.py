"""Fuel metering costs: the instrumentation pass, and tight loops with fuel on versus off.

    python bench/fuel_pass.py              # pass timing + fuel on/off ratios (tsact's tick shape)
    python bench/fuel_pass.py --counters   # also every counter strategy in fuel_counters.ts

Loops run in raw Deno (``deno run --no-config --v8-flags=--disallow-code-generation-from-strings``)
as the module tsact itself builds (``tsact._scripts.prepare.prepare``): the user's code is
the body of the exported async function whose scope holds the counter (``FUEL_PRELUDE``),
called with a real meter.
"off" is the same module prepared with ``fuel=False``. Each process is fresh and timed inside
Deno around the script only (start-up excluded; a one-shot script pays its own JIT warm-up).
Ratios use the fastest of N runs (the least disturbed on a shared machine), with the ratio of
medians beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import deno  # noqa: E402
import tree_sitter  # noqa: E402

from tsact._deno import runtime_dir  # noqa: E402
from tsact._scripts.fuel import (  # noqa: E402
    DEFAULT_TICK,
    TS_LANGUAGE,
    apply_insertions,
    fuel_insertions,
    reserved_identifiers,
    syntax_errors,
)
from tsact._scripts.prepare import prepare  # noqa: E402

# The runtime's meter, as the tests bind it: ``__tsact_fuel_meter(budget, onExhausted, chunk?)``
# returns the object the wrapper binds as ``__tsact_meter`` (``chunk`` is lowered to test
# refills).
METER_IMPORT = (
    "import { createFuelMeter as __tsact_fuel_meter } from "
    f"{json.dumps((runtime_dir() / 'fuel_meter.ts').as_uri())};\n"
)

SCRIPT_200 = ROOT / "tests" / "fuel" / "orchestration_script.ts"
DENO_FLAGS = ["--no-config", "--no-prompt", "--v8-flags=--disallow-code-generation-from-strings"]

LOOPS = {
    "int sum, top level (10^7)": (
        "let s = 0;\nfor (let i = 0; i < 1e7; i++) { s = (s + i) | 0; }\nreturn s;"
    ),
    "float sum, top level (10^7)": (
        "let s = 0;\nfor (let i = 0; i < 1e7; i++) { s += i * 0.5; }\nreturn s;"
    ),
    "int sum in a function (10^7)": (
        "function f(n) { let s = 0; for (let i = 0; i < n; i++) { s = (s + i) | 0; } return s; }\n"
        "return f(1e7);"
    ),
    "loop calling a helper (10^7, 2 ticks/iter)": (
        "const h = (x) => (x * 3) | 0;\n"
        "function f(n) { let t = 0; for (let i = 0; i < n; i++) { t = (t + h(i)) | 0; }"
        " return t; }\n"
        "return f(1e7);"
    ),
    "objects in an array (2x10^6)": (
        "const a = [];\nfor (let i = 0; i < 1e6; i++) a.push({ i, sq: i * i });\n"
        "let s = 0;\nfor (const o of a) s += o.sq % 7;\nreturn s;"
    ),
}

RUNNER = (
    METER_IMPORT
    + """import main from "./script.ts";
const meter = __tsact_fuel_meter(1e12, null);
const t0 = performance.now();
const value = await main(meter);
console.log(JSON.stringify({ ms: performance.now() - t0, value }));
"""
)
"""Times the prepared module's default export, as the worker calls it (with its meter)."""


def instrument(source: bytes, tree: tree_sitter.Tree) -> str:
    """The full pass as the lead runs it: refusal checks, then insertions."""
    if syntax_errors(tree) or reserved_identifiers(tree, source):
        raise SystemExit("benchmark script refused")
    return apply_insertions(source, fuel_insertions(tree, source, tick=DEFAULT_TICK))


def pass_timings(runs: int = 500) -> tuple[float, float, int]:
    """Median ms of the pass alone and with the tree-sitter parse, and the script's lines."""
    parser = tree_sitter.Parser(TS_LANGUAGE)
    source = SCRIPT_200.read_bytes()
    alone, total = [], []
    for _ in range(runs):
        start = time.perf_counter()
        tree = parser.parse(source)
        parsed = time.perf_counter()
        instrument(source, tree)
        done = time.perf_counter()
        alone.append(done - parsed)
        total.append(done - start)
    return statistics.median(alone) * 1e3, statistics.median(total) * 1e3, source.count(b"\n")


def write_run(directory: Path, script: str, *, fuel: bool) -> Path:
    """``script`` as tsact's module (``script.ts``) and the runner that times it."""
    directory.mkdir()
    module = prepare(script, max_source_bytes=1 << 20, fuel=fuel).module
    (directory / "script.ts").write_text(module)
    (directory / "run.ts").write_text(RUNNER)
    return directory / "run.ts"


def deno_ms(path: Path, *args: str) -> float:
    out = subprocess.run(
        [deno.find_deno_bin(), "run", *DENO_FLAGS, str(path), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return float(json.loads(out.splitlines()[-1])["ms"])


def loop_ratios(reps: int) -> None:
    print(f"\nfuel on vs off, tick `{DEFAULT_TICK}`, {reps} fresh processes each")
    print("(best = fastest run, the least disturbed on a shared machine; median beside it)")
    print(f"{'workload':46s} {'off ms':>8s} {'on ms':>8s} {'best':>7s} {'median':>7s}")
    with tempfile.TemporaryDirectory() as tmp:
        for index, (name, script) in enumerate(LOOPS.items()):
            off = write_run(Path(tmp, f"off{index}"), script, fuel=False)
            on = write_run(Path(tmp, f"on{index}"), script, fuel=True)
            times: dict[Path, list[float]] = {off: [], on: []}
            for _ in range(reps):  # interleaved, so machine noise hits both alike
                for path, samples in times.items():
                    samples.append(deno_ms(path))
            t_off, t_on = min(times[off]), min(times[on])
            median = statistics.median(times[on]) / statistics.median(times[off])
            print(f"{name:46s} {t_off:8.1f} {t_on:8.1f} {t_on / t_off:6.2f}x {median:6.2f}x")


STRATEGIES = [
    "off",
    "modlet_big",
    "wvar_big",
    "modlet",
    "modobj",
    "wvar",
    "wvar_if",
    "wvar_throw",
    "wlet",
    "wup",
    "i32",
    "f64",
    "call",
]


def counter_strategies(reps: int) -> None:
    """Every counter shape of bench/fuel_counters.ts, as ratios against no counter."""
    bench = ROOT / "bench" / "fuel_counters.ts"
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in STRATEGIES}
    for _ in range(reps):
        for name in STRATEGIES:
            out = subprocess.run(
                [deno.find_deno_bin(), "run", *DENO_FLAGS, str(bench), name],
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            ).stdout
            row = json.loads(out.splitlines()[-1])
            samples[name].append((row["top_ms"], row["fn_ms"]))
    base_top = min(top for top, _ in samples["off"])
    base_fn = min(fn for _, fn in samples["off"])
    print(f"\ncounter strategies (bench/fuel_counters.ts, best of {reps} processes)")
    print(f"{'strategy':12s} {'top ms':>8s} {'ratio':>6s} {'fn ms':>8s} {'ratio':>6s}")
    for name, rows in samples.items():
        top = min(t for t, _ in rows)
        fn = min(f for _, f in rows)
        print(f"{name:12s} {top:8.1f} {top / base_top:5.2f}x {fn:8.1f} {fn / base_fn:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="fresh Deno processes per figure")
    parser.add_argument("--counters", action="store_true", help="also compare counter shapes")
    args = parser.parse_args()
    alone, total, lines = pass_timings()
    print(f"instrumentation pass, {lines}-line script (median of 500 runs)")
    print(f"  checks + insertions + apply: {alone:.3f} ms")
    print(f"  including tree-sitter parse: {total:.3f} ms")
    loop_ratios(args.reps)
    if args.counters:
        counter_strategies(args.reps)


if __name__ == "__main__":
    main()

"""The benchmark harnesses measure what they say: same results everywhere, reasons, no leftovers.

``bench/peers.py`` compares peers only if every peer computes the same thing: each workload's
JavaScript and Python must give CPython's result on every peer installed here (the peers come
from the ``bench`` extra; those missing are skipped). A peer that is missing or fails must get
a row or a cell saying why, and ``bench/scale_bench.py`` must leave no process, directory or
descriptor behind.
"""

from __future__ import annotations

import os
import sys
from contextlib import AsyncExitStack
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import tsact._scripts.prepare as prepare_module
from tests.sandbox.conftest import LeakCheck
from tsact._deno import cache_root

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import erase_bench
import peers
import scale_bench
from _peer_runners import RUNNERS, Runner, TsactRunner
from _workloads import Program, orchestration, tight_loop, tool_calls, trivial

pytestmark = pytest.mark.anyio

TINY = peers.Settings(
    rounds=1, starts=1, loops=1, calls=5, loop=1000, orchestrations=1, concurrent=3, pause_s=0
)


@pytest.mark.parametrize("runner", RUNNERS, ids=[runner.name for runner in RUNNERS])
async def test_every_peer_computes_cpythons_result_for_every_workload(
    runner: type[Runner],
) -> None:
    try:
        runner().version()
    except metadata.PackageNotFoundError:
        pytest.skip(f"{runner.package} is not installed (pip install -e '.[bench]')")
    async with AsyncExitStack() as stack:
        peer = runner()
        await peer.open(stack)
        for program in (trivial(), tool_calls(5), tight_loop(1000), orchestration()):
            program.checked(await peer.run(program))
        programs = [trivial(n) for n in range(2, 7)]
        results = await peer.run_all(programs)
        for program, result in zip(programs, results, strict=True):
            program.checked(result)


def test_a_wrong_result_is_refused() -> None:
    with pytest.raises(AssertionError, match="wrong result"):
        orchestration().checked([])
    with pytest.raises(AssertionError, match="wrong result"):
        tight_loop(10).checked([0.5, -1])
    assert tight_loop(10).checked([0.5, tight_loop(10).expected]) == 0.5


class Missing(Runner):
    name = "missing"
    package = "tsact-no-such-distribution"
    isolation = "none"


class NoRecords(Runner):
    """Answers every program from its expected value, but fails the orchestration."""

    name = "no-records"
    package = "tsact"
    isolation = "none"

    async def run(self, program: Program) -> Any:
        if program.tools and "fetch_logs" in program.tools:
            raise RuntimeError("no records\nsecond line")
        return [0.25, program.expected] if program.timed else program.expected


async def test_a_missing_or_failing_peer_gets_a_row_or_a_cell_saying_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = await peers.measure(TINY, [TsactRunner, Missing, NoRecords])
    tsact, missing, failing = results
    assert tsact.failures == {} and tsact.figure("start", TINY) is not None
    assert missing.unavailable == (
        "not installed (tsact-no-such-distribution): pip install -e '.[bench]'"
    )
    assert failing.failures == {"orchestration": "failed: RuntimeError: no records"}
    assert failing.figure("loop", TINY) == 0.25
    peers.print_results(results, TINY)
    out = capsys.readouterr().out
    assert "missing" in out and "pip install -e '.[bench]'" in out
    assert "failed: RuntimeError: no records" in out


async def test_scale_bench_leaves_nothing_behind() -> None:
    check = LeakCheck()
    before = {name for name in os.listdir(cache_root()) if name.startswith("tsact-bench-")}
    settings = scale_bench.Settings(sizes_mb=(1, 2), rounds=1, concurrent=3, live=2, settle_s=0)
    rows = await scale_bench.collect(settings)
    names = [row.name for row in rows]
    for kind in ("tool result", "tool arguments", "script result"):
        assert f"{kind}, 1 MB" in names and f"{kind}: cost 2 MB / 1 MB" in names
    assert all(row.floor and row.floor > 0 for row in rows)
    after = {name for name in os.listdir(cache_root()) if name.startswith("tsact-bench-")}
    assert after == before
    check.assert_clean()


@pytest.mark.parametrize("kilobytes", erase_bench.SIZES_KB)
def test_the_erasure_bench_measures_scripts_that_erase(
    kilobytes: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_module, "ERASE_MAX_BYTES", 1 << 20)  # as the bench does
    source = erase_bench.typed_script(kilobytes)
    assert len(source) >= kilobytes * 1024
    assert prepare_module.prepare(source, max_source_bytes=1 << 20, fuel=True).javascript

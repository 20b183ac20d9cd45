"""Moving data, concurrent executions and memory: tsact against the floors under it.

Every figure is set against a floor measured in the same run, the two interleaved round
by round:
- data: a tool result, tool arguments and a script result of ``--sizes`` MB (10, 20 and
  40 by default), each against a raw Python<->Deno echo of the same number of bytes over
  a unix socket (the kind of channel tsact uses, with a linear echo on the Deno side and a
  blocking socket on the host). The growth rows say whether the cost is linear: the cost
  at the largest size over the cost at the smallest, as a multiple of the size ratio
  (1x is linear, the size ratio itself is quadratic). A tool result and tool arguments are
  timed inside the script around the ``await``; a script result is the run's wall time
  less that of the same script returning the string's length;
- concurrency: ``--concurrent`` (50) ``Sandbox.run``s at once, each in a fresh process,
  against as many bare ``deno run``s of a trivial file at once, with the sandbox's flags:
  throughput, and CPU time per execution (host and children, from ``getrusage``);
- memory: PSS (``/proc/<pid>/smaps_rollup``, summed over each process group) per live
  execution, ``--live`` (10) at once: prewarmed processes waiting for their script against
  bare ``deno run``s idling in a trivial file, and executions stopped in a tool call
  against the same.

Run: ``python bench/scale_bench.py [--sizes 10,20,40] [--rounds 3] [--concurrent 50]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table import Row, median, print_table

from tsact import Limits, Sandbox, Tool, tool
from tsact._deno import cache_root, find_deno, run_flags, sandbox_environment
from tsact._execution.execute import spawn_sandbox

MB = 1_000_000

# The floor's echo: bytes in, the same bytes out once a newline arrives. Only each new
# chunk is searched for the newline, so its cost is linear in the line's length.
ECHO_TS = """
const conn = await Deno.connect({ transport: "unix", path: Deno.args[0] });
const buffer = new Uint8Array(1 << 20);
let parts: Uint8Array[] = [];
async function writeAll(bytes: Uint8Array) {
  while (bytes.length > 0) bytes = bytes.subarray(await conn.write(bytes));
}
function joined(): Uint8Array {
  const line = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    line.set(part, at);
    at += part.length;
  }
  parts = [];
  return line;
}
while (true) {
  const n = await conn.read(buffer);
  if (n === null) break;
  let chunk = buffer.slice(0, n);
  for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10)) {
    parts.push(chunk.subarray(0, newline + 1));
    await writeAll(joined());
    chunk = chunk.subarray(newline + 1);
  }
  if (chunk.length > 0) parts.push(chunk);
}
"""

TRIVIAL_JS = "globalThis.x = 1;\n"
IDLE_JS = 'console.log("ready");\nsetInterval(() => {}, 1 << 30);\n'


@dataclass(frozen=True)
class Settings:
    """The run's sizes: flags of ``scale_bench.py``, defaults for ``run_all.py``."""

    sizes_mb: tuple[int, ...] = (10, 20, 40)
    rounds: int = 3
    concurrent: int = 50
    live: int = 10
    settle_s: float = 0.5  # for a prewarmed process to finish booting


@tool
def blob(size: int) -> str:
    """A string of ``size`` bytes."""
    return "x" * size


@tool
def sink(data: str) -> int:
    """The length of what it was given."""
    return len(data)


class Hold:
    """Keeps every execution that calls its tool waiting until released."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.arrived = 0
        self.all_arrived = anyio.Event()
        self.release = anyio.Event()

    def tool(self) -> Tool:
        @tool
        async def hold() -> int:
            """Wait until the benchmark has measured."""
            self.arrived += 1
            if self.arrived == self.expected:
                self.all_arrived.set()
            await self.release.wait()
            return 1

        return hold


class EchoFloor:
    """A Deno process echoing lines over a unix socket, timed from a blocking socket."""

    def __init__(self, deno: Path, workdir: Path) -> None:
        script = workdir / "echo.ts"
        script.write_text(ECHO_TS)
        path = workdir / "echo.sock"
        path.unlink(missing_ok=True)
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(str(path))
        self.server.listen(1)
        self.process = subprocess.Popen(
            [str(deno), "run", "--quiet", "--no-config", "--allow-all", str(script), str(path)],
            env={"DENO_DIR": str(workdir / "echo-deno-dir"), "PATH": "/usr/bin:/bin"},
        )
        self.connection, _ = self.server.accept()
        self.buffer = bytearray(1 << 20)

    def round_trip_ms(self, size: int) -> float:
        """ms for ``size`` bytes (newline included) to go to Deno and all the way back."""
        line = b"x" * (size - 1) + b"\n"
        start = time.perf_counter()
        self.connection.sendall(line)
        received = 0
        last = 0
        while received < size or last != 10:
            count = self.connection.recv_into(self.buffer)
            if count == 0:
                raise RuntimeError("the echo closed its end")
            received += count
            last = self.buffer[count - 1]
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.connection.close()
        self.server.close()
        self.process.wait(timeout=10)


async def measure_data(settings: Settings, deno: Path, workdir: Path) -> list[Row]:
    """Each kind of payload at each size against the echo of as many bytes."""
    largest = max(settings.sizes_mb) * MB
    limits = Limits(
        timeout_s=300,
        memory_mb=max(512, 40 * max(settings.sizes_mb)),
        max_result_bytes=largest + MB,
    )
    samples: dict[tuple[str, int], list[float]] = {}
    async with Sandbox([blob, sink], limits=limits) as sandbox:

        async def in_script(source: str) -> float:
            await anyio.sleep(0.2)  # the next spare boots
            record = await sandbox.run(source)
            assert record.ok, record.error
            elapsed, _ = record.result
            return float(elapsed)

        async def wall(source: str) -> float:
            await anyio.sleep(0.2)
            start = time.perf_counter()
            record = await sandbox.run(source)
            assert record.ok, record.error
            return (time.perf_counter() - start) * 1000

        for _ in range(settings.rounds):
            echo = EchoFloor(deno, workdir)
            try:
                for size_mb in settings.sizes_mb:
                    size = size_mb * MB
                    samples.setdefault(("echo", size_mb), []).append(echo.round_trip_ms(size))
            finally:
                echo.close()
            for size_mb in settings.sizes_mb:
                size = size_mb * MB
                samples.setdefault(("tool result", size_mb), []).append(
                    await in_script(
                        f"const t = performance.now();\n"
                        f"const s = await external_blob({{ size: {size} }});\n"
                        f"return [performance.now() - t, s.length];"
                    )
                )
                samples.setdefault(("tool arguments", size_mb), []).append(
                    await in_script(
                        f"const data = 'x'.repeat({size});\n"
                        f"const t = performance.now();\n"
                        f"const n = await external_sink({{ data }});\n"
                        f"return [performance.now() - t, n];"
                    )
                )
                build = f"const s = 'x'.repeat({size - 2});\n"  # a JSON string of `size` bytes
                full = await wall(build + "return s;")
                length_only = await wall(build + "return s.length;")
                samples.setdefault(("script result", size_mb), []).append(full - length_only)
    rows: list[Row] = []
    smallest, biggest = min(settings.sizes_mb), max(settings.sizes_mb)
    for kind in ("tool result", "tool arguments", "script result"):
        for size_mb in settings.sizes_mb:
            rows.append(
                Row(
                    f"{kind}, {size_mb} MB",
                    median(samples[(kind, size_mb)]),
                    median(samples[("echo", size_mb)]),
                    "ms",
                    "<= 3x raw echo of the same bytes",
                )
            )
    if biggest > smallest:
        for kind in ("tool result", "tool arguments", "script result", "echo"):
            growth = median(samples[(kind, biggest)]) / median(samples[(kind, smallest)])
            label = "raw echo" if kind == "echo" else kind
            rows.append(
                Row(
                    f"{label}: cost {biggest} MB / {smallest} MB",
                    growth,
                    biggest / smallest,
                    "x",
                    f"ratio 1x: linear; {biggest / smallest:g}x: quadratic",
                )
            )
    return rows


@contextmanager
def deno_dirs() -> Iterator[Path]:
    """A directory in RAM for private DENO_DIRs (as each sandbox has), removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="tsact-bench-", dir=cache_root()))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children, user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def bare_runs(deno: Path, workdir: Path, count: int) -> None:
    """``count`` bare ``deno run``s of a trivial file at once, each with its own DENO_DIR."""
    program = workdir / "trivial.js"
    program.write_text(TRIVIAL_JS)
    with deno_dirs() as root:

        async def one(index: int) -> None:
            deno_dir = root / str(index)
            deno_dir.mkdir()
            env = sandbox_environment(workdir, deno_dir)
            await anyio.run_process([str(deno), *run_flags(Limits()), str(program)], env=env)

        async with anyio.create_task_group() as group:
            for index in range(count):
                group.start_soon(one, index)


async def sandbox_runs(sandbox: Sandbox, count: int) -> None:
    """``count`` ``Sandbox.run``s at once, each checked."""

    async def one(n: int) -> None:
        record = await sandbox.run(f"return {n} * 2")
        assert record.result == n * 2, record.error

    async with anyio.create_task_group() as group:
        for n in range(count):
            group.start_soon(one, n)


async def measure_concurrency(settings: Settings, deno: Path, workdir: Path) -> list[Row]:
    """Throughput and CPU per execution, tsact and bare deno alternating round by round:
    cold (every run spawns its process) and from a pool of ``count`` booted processes (a
    burst served by ``Sandbox(pool=count)``; the pool refills between bursts, untimed)."""
    count = settings.concurrent
    sandbox = Sandbox([])  # no spare: every run spawns, so every process is reaped in time
    pooled = Sandbox([], pool=count)
    walls: dict[str, list[float]] = {"tsact": [], "bare": [], "pool": []}
    cpus: dict[str, list[float]] = {"tsact": [], "bare": [], "pool": []}
    async with pooled:
        for _ in range(settings.rounds):
            for kind in ("bare", "tsact", "pool"):
                await anyio.sleep(0.5)
                if kind == "pool":
                    await pooled.warm()
                cpu, start = cpu_seconds(), time.perf_counter()
                if kind == "bare":
                    await bare_runs(deno, workdir, count)
                else:
                    await sandbox_runs(pooled if kind == "pool" else sandbox, count)
                walls[kind].append(time.perf_counter() - start)
                cpus[kind].append((cpu_seconds() - cpu) * 1000 / count)
    sandbox.close()
    return [
        Row(
            f"{count} concurrent Sandbox.run from a pool of {count}: throughput",
            count / median(walls["pool"]),
            count / median(walls["bare"]),
            "/s",
            f">= 0.8x {count} concurrent bare deno runs",
        ),
        Row(
            f"{count} concurrent Sandbox.run: throughput",
            count / median(walls["tsact"]),
            count / median(walls["bare"]),
            "/s",
            f">= 0.8x {count} concurrent bare deno runs",
        ),
        Row(
            f"{count} concurrent Sandbox.run: CPU per execution",
            median(cpus["tsact"]),
            median(cpus["bare"]),
            "ms",
            "host + children; floor: a bare deno run",
        ),
    ]


def process_groups() -> dict[int, list[int]]:
    """Every process group on the machine and the pids in it."""
    groups: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        groups.setdefault(int(fields[2]), []).append(int(entry))
    return groups


def pss_kib(pid: int) -> int:
    """The PSS of one process, in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_per_group_mb(leaders: list[int]) -> float:
    """Mean PSS, in MB, of the process groups led by ``leaders`` (each summed over its group)."""
    groups = process_groups()
    total = sum(pss_kib(pid) for leader in leaders for pid in groups.get(leader, [leader]))
    return total * 1024 / MB / len(leaders)


async def idle_bare(deno: Path, workdir: Path, source: str, count: int) -> float:
    """PSS per bare ``deno run`` of ``source``, ``count`` of them alive and ready at once."""
    program = workdir / f"idle-{abs(hash(source))}.js"
    program.write_text(source)
    processes: list[anyio.abc.Process] = []
    with deno_dirs() as root:
        try:
            for index in range(count):
                deno_dir = root / str(index)
                deno_dir.mkdir()
                processes.append(
                    await anyio.open_process(
                        [str(deno), *run_flags(Limits()), str(program)],
                        stdin=subprocess.DEVNULL,
                        env=sandbox_environment(workdir, deno_dir),
                        start_new_session=True,
                    )
                )
            for process in processes:
                assert process.stdout is not None
                assert (await process.stdout.receive()).startswith(b"ready")
            return pss_per_group_mb([process.pid for process in processes])
        finally:
            with anyio.CancelScope(shield=True):
                for process in processes:
                    process.kill()
                    await process.wait()
                    await process.aclose()


async def prewarmed_tsact(settings: Settings) -> float:
    """PSS per prewarmed sandbox process (booted, waiting for its script), ``live`` at once."""
    execution = Sandbox([])._settings(None)
    spawned = [await spawn_sandbox(execution, spare=True) for _ in range(settings.live)]
    try:
        for one in spawned:
            await one.boot()
        await anyio.sleep(settings.settle_s)
        return pss_per_group_mb([one.process.pid for one in spawned])
    finally:
        for one in spawned:
            await one.aclose()


async def running_tsact(settings: Settings) -> float:
    """PSS per execution stopped in a tool call, ``live`` of them at once."""
    hold = Hold(settings.live)
    sandbox = Sandbox([hold.tool()])
    pss = 0.0
    async with anyio.create_task_group() as group:
        for _ in range(settings.live):
            group.start_soon(sandbox.run, "return await external_hold({});")
        await hold.all_arrived.wait()
        leaders = [
            pid
            for pid in process_groups()
            if pid != os.getpid() and _parent(pid) == os.getpid() and _is_sandbox(pid)
        ]
        assert len(leaders) == settings.live, leaders
        pss = pss_per_group_mb(leaders)
        hold.release.set()
    return pss


def _is_sandbox(pid: int) -> bool:
    """Whether ``pid`` runs a sandbox (not a type checker or another child)."""
    try:
        return b"prelude.js" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


async def measure_memory(settings: Settings, deno: Path, workdir: Path) -> list[Row]:
    """PSS per live execution, tsact and bare deno alternating round by round."""
    samples: dict[str, list[float]] = {}
    for _ in range(settings.rounds):
        samples.setdefault("bare", []).append(
            await idle_bare(deno, workdir, IDLE_JS, settings.live)
        )
        samples.setdefault("prewarmed", []).append(await prewarmed_tsact(settings))
        samples.setdefault("running", []).append(await running_tsact(settings))
    live = settings.live
    return [
        Row(
            f"PSS per prewarmed execution ({live} live)",
            median(samples["prewarmed"]),
            median(samples["bare"]),
            "MB",
            "<= 20 MB; floor: idle bare deno run",
        ),
        Row(
            f"PSS per execution in a tool call ({live} live)",
            median(samples["running"]),
            median(samples["bare"]),
            "MB",
            "floor: idle bare deno run",
        ),
    ]


async def collect(settings: Settings | None = None) -> list[Row]:
    """Measure and return the rows (``run_all.py`` prints them in one table)."""
    settings = settings or Settings()
    deno = find_deno()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows += await measure_data(settings, deno, workdir)
        rows += await measure_concurrency(settings, deno, workdir)
        rows += await measure_memory(settings, deno, workdir)
    return rows


def parse_settings(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Settings()
    parser.add_argument(
        "--sizes", default=",".join(map(str, defaults.sizes_mb)), help="MB, comma-separated"
    )
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--concurrent", type=int, default=defaults.concurrent)
    parser.add_argument("--live", type=int, default=defaults.live, help="processes for PSS")
    args = parser.parse_args(argv)
    try:
        sizes = tuple(sorted(int(size) for size in args.sizes.split(",") if size))
    except ValueError:
        parser.error(f"--sizes takes whole MB, comma-separated, got {args.sizes!r}")
    if not sizes or min(sizes) < 1 or min(args.rounds, args.concurrent, args.live) < 1:
        parser.error("sizes, rounds, concurrent and live must be at least 1")
    return Settings(sizes, args.rounds, args.concurrent, args.live)


async def main() -> None:
    settings = parse_settings()
    print_table(await collect(settings), "data, concurrency and memory (floor = same run)")


if __name__ == "__main__":
    anyio.run(main)

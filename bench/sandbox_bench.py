"""Sandbox speed: start-up, tool-call round trip, concurrent throughput.

Every figure is set against a floor measured in the same run on the same machine:
- start-up: ``Sandbox.run("return 1")`` vs raw ``deno run`` of a trivial file with the
  sandbox's own flags (the two alternate, run by run), cold (a process spawned per run)
  and with a prewarmed spare (``async with Sandbox(...)``, a pause between runs as an
  agent has while the model thinks); the cold start is also set against a raw ``deno run``
  that only starts a one-line Worker and exits when it posts, what any Worker-based
  sandbox pays (tsact runs the script in the main isolate, locked down, and pays none of
  it); under each start-up figure, the median moment (from the record's timings) at which
  a run had its process, got the prelude's ``started`` frame and its ``final`` frame, and returned,
  which shows where the time goes (the boot, the script, the teardown);
- tool calls: 2,000 sequential calls of a trivial sync (and async) tool in one script vs
  a raw Python<->Deno echo over a unix socket (the same kind of channel), from a plain
  blocking socket; an echo through anyio's stream is shown for reference (three rounds of
  floor and measures, in turn; the median round is reported); the check of each result
  against the declared return type, set against the same tool with ``validate_result=False``
  (an int, a model instance, a dict read back as the model);
- 100 concurrent executions: all must be correct; throughput is reported.

Run: ``python bench/sandbox_bench.py``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table import Row, median, print_table
from anyio.streams.buffered import BufferedByteReceiveStream

from tsact import ExecutionRecord, Limits, Sandbox, tool
from tsact._deno import find_deno, run_flags
from tsact._execution.execute import spawn_sandbox
from tsact._records.capture import CUT_MARKER
from tsact._scripts.prepare import prepare
from tsact._wire.protocol import StartFrame, StartParams, encode_frame

RUNS = 30
CALLS = 2_000
ROUNDS = 3
CHECKED = ("noop", "noop_unchecked", "point", "point_unchecked", "point_dict", "anoop")
"""Tools timed round by round, in turn (checked results next to unchecked ones)."""

ECHO_TS = """
const conn = await Deno.connect({ transport: "unix", path: Deno.args[0] });
const buf = new Uint8Array(65536);
const enc = new TextEncoder();
const dec = new TextDecoder();
let pending = "";
while (true) {
  const n = await conn.read(buf);
  if (n === null) break;
  pending += dec.decode(buf.subarray(0, n), { stream: true });
  let i = pending.indexOf("\\n");
  while (i >= 0) {
    const line = pending.slice(0, i + 1);
    pending = pending.slice(i + 1);
    await conn.write(enc.encode(line));
    i = pending.indexOf("\\n");
  }
}
"""


TRIVIAL_JS = "globalThis.x = 1;\n"
ONE_WORKER_JS = """
const code = new Blob(["postMessage(1)"], { type: "application/javascript" });
const worker = new Worker(URL.createObjectURL(code), {
  type: "module",
  deno: { permissions: "none" },
});
worker.onmessage = () => Deno.exit(0);
"""


def raw_deno_run(
    deno: Path, workdir: Path, name: str, source: str, *, worker: bool = False
) -> float:
    """ms of one raw ``deno run`` of ``source`` with the sandbox's flags, a fresh DENO_DIR;
    a ``worker`` may give its Worker permissions (the flag Deno asks for)."""
    program = workdir / name
    program.write_text(source)
    deno_dir = tempfile.mkdtemp(dir=workdir)
    env = {"DENO_DIR": deno_dir, "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    flags = [*run_flags(Limits()), *(["--unstable-worker-options"] if worker else [])]
    subprocess.run([str(deno), *flags, str(program)], check=True, env=env)
    return (time.perf_counter() - start) * 1000


def floor_echo_blocking(deno: Path, workdir: Path) -> float:
    """µs of one line echoed by Deno over a unix socket, from a plain blocking Python socket.

    The rawest round trip there is between the two processes: no event loop on either
    side's reading, nothing but the two system calls and the wake-ups.
    """
    script = workdir / "echo.ts"
    script.write_text(ECHO_TS)
    path = workdir / "echo-blocking.sock"
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(1)
    process = subprocess.Popen(
        [str(deno), "run", "--quiet", "--no-config", "--allow-all", str(script), str(path)],
        env={"DENO_DIR": str(workdir / "dde"), "PATH": "/usr/bin:/bin"},
    )
    try:
        connection, _ = server.accept()
        line = b'{"jsonrpc":"2.0","id":1,"result":3}\n'
        start = time.perf_counter()
        for _ in range(CALLS):
            connection.sendall(line)
            received = b""
            while not received.endswith(b"\n"):
                received += connection.recv(65536)
        elapsed = time.perf_counter() - start
        connection.close()
        process.wait(timeout=10)
    finally:
        process.kill()
        process.wait()
        server.close()
    return elapsed / CALLS * 1e6


async def floor_echo(deno: Path, workdir: Path) -> float:
    """Median µs of one line echoed by Deno over a unix socket, from Python with anyio."""
    script = workdir / "echo.ts"
    script.write_text(ECHO_TS)
    sock = workdir / "echo.sock"
    sock.unlink(missing_ok=True)
    listener = await anyio.create_unix_listener(sock)
    process = await anyio.open_process(
        [str(deno), "run", "--quiet", "--no-config", "--allow-all", str(script), str(sock)],
        env={"DENO_DIR": str(workdir / "dde"), "PATH": "/usr/bin:/bin"},
    )
    stream = await listener.accept()

    reader = BufferedByteReceiveStream(stream)
    line = b'{"jsonrpc":"2.0","id":1,"result":3}\n'
    start = time.perf_counter()
    for _ in range(CALLS):
        await stream.send(line)
        await reader.receive_until(b"\n", 1 << 20)
    elapsed = time.perf_counter() - start
    await stream.aclose()
    await process.wait()
    await process.aclose()
    await listener.aclose()
    return elapsed / CALLS * 1e6


async def relay_only(sandbox: Sandbox) -> float:
    """Median µs per call through the real prelude, the host answering at once.

    The same script and runtime as a real execution, but the host side is a bare loop that
    echoes a canned result: what the Deno side (the process's two pipes, stdout out and
    stdin in) costs by itself.
    """
    settings = sandbox._settings(Limits(fuel=None, max_tool_calls=CALLS + 10))
    script = prepare(
        f"let s = 0; for (let i = 0; i < {CALLS}; i++) s += await external_noop({{ n: i }});",
        max_source_bytes=10**6,
        fuel=False,
    )
    spawned = await spawn_sandbox(settings)
    try:
        start_frame = StartParams(
            module=script.module_url,
            max_result_bytes=10**6,
            line_cap=10**6 // 2,
            error_cap=10**6 // 2,
            max_json_depth=256,
            cut_marker=CUT_MARKER,
            fuel=None,
            fuel_per_tool_call=0,
            tools=["noop"],
            seal="",
            source=script.classic,
        )
        # The host side as raw as the echo floor: both pipes in blocking mode, read by a
        # plain loop (blocking the event loop is fine here: nothing else runs).
        frames, replies = await spawned.take_pipes()
        os.set_blocking(frames, True)
        os.set_blocking(replies, True)
        os.write(replies, bytes(encode_frame(StartFrame(params=start_frame))))
        started: float | None = None
        calls = 0
        pending = b""
        finished = False
        while not finished:
            pending += os.read(frames, 1 << 16)
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if b'"method":"tool_call"' in line:
                    started = started or time.perf_counter()
                    at = line.index(b'"id":') + 5
                    call_id = line[at : line.index(b",", at)]
                    os.write(replies, b'{"jsonrpc":"2.0","id":' + call_id + b',"result":1}\n')
                    calls += 1
                elif b'"method":"final"' in line:
                    finished = True
        assert started is not None
        elapsed = time.perf_counter() - started
        os.close(frames)
        os.close(replies)
    finally:
        await spawned.aclose()
    return elapsed / calls * 1e6


def milestones(record: ExecutionRecord, returned_ms: float) -> dict[str, float]:
    """Where one run's time went, from its record's timings (ms since the run began)."""
    timings = record.timings
    assert timings.started_ms is not None
    return {
        "process spawned, or spare taken": timings.spawn_ms,
        "'started' frame in": timings.started_ms,
        "'final' frame in": timings.finished_ms,
        "record returned": returned_ms,
    }


def milestone_rows(kind: str, runs: list[dict[str, float]]) -> list[Row]:
    """One row per milestone: the median time at which runs of ``kind`` reached it."""
    return [
        Row(f"    {kind}: {step}", median([run[step] for run in runs]), None, "ms", "since run()")
        for step in runs[0]
    ]


async def tool_round_trip(sandbox: Sandbox, name: str) -> float:
    """µs per call of ``CALLS`` sequential calls of one tool in one script."""
    pick = ".x" if name.startswith("point") else ""
    record = await sandbox.run(
        f"let s = 0;\nfor (let i = 0; i < {CALLS}; i++)\n"
        f"  s += (await external_{name}({{ n: i }})){pick};\nreturn s",
        limits=Limits(timeout_s=60, max_tool_calls=CALLS + 10, fuel=None),
    )
    assert record.result == sum(range(CALLS)), record.error
    calls = record.tool_calls
    span_ms = calls[-1].started_ms + calls[-1].duration_ms - calls[0].started_ms
    return span_ms * 1000 / CALLS


@tool
def noop(n: int) -> int:
    """Return n."""
    return n


@tool
async def anoop(n: int) -> int:
    """Return n, on the event loop."""
    return n


@tool(validate_result=False)
def noop_unchecked(n: int) -> int:
    """Return n; the result is serialised but not checked against ``int``."""
    return n


class Point(BaseModel):
    x: int
    y: int
    label: str = ""


@tool
def point(n: int) -> Point:
    """Return a small model."""
    return Point(x=n, y=n)


@tool(validate_result=False)
def point_unchecked(n: int) -> Point:
    """Return a small model, not checked."""
    return Point(x=n, y=n)


@tool
def point_dict(n: int) -> Point:
    """Return a dict for the model: checked the slow way (read back as JSON)."""
    return {"x": n, "y": n}  # type: ignore[return-value]


async def collect() -> list[Row]:
    """Measure and return the rows (``run_all.py`` prints them in one table)."""
    deno = find_deno()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sandbox = Sandbox(
            [noop, anoop, noop_unchecked, point, point_unchecked, point_dict],
            limits=Limits(timeout_s=60, max_tool_calls=CALLS + 10),
        )
        # Floor and measure alternate, so that both see the same moments of a noisy machine.
        floors, samples, one_worker = [], [], []
        cold_steps: list[dict[str, float]] = []
        for _ in range(RUNS):
            floors.append(raw_deno_run(deno, workdir, "trivial.js", TRIVIAL_JS))
            start = time.perf_counter()
            record = await sandbox.run("return 1")
            samples.append((time.perf_counter() - start) * 1000)
            assert record.result == 1, record.error
            cold_steps.append(milestones(record, samples[-1]))
            one_worker.append(
                raw_deno_run(deno, workdir, "one_worker.js", ONE_WORKER_JS, worker=True)
            )
        floor_ms = median(floors)
        rows.append(
            Row(
                "Sandbox.run('return 1'), cold, median of 30",
                median(samples),
                median(one_worker),
                "ms",
                "<= 1.1x a deno run that starts one Worker (the floor of any Worker sandbox)",
            )
        )
        rows.append(
            Row(
                "  the same, against a bare deno run",
                median(samples),
                floor_ms,
                "ms",
                "for reference",
            )
        )
        rows.extend(milestone_rows("cold", cold_steps))
        warm = []
        warm_steps: list[dict[str, float]] = []
        async with sandbox:
            for _ in range(RUNS):
                await anyio.sleep(0.1)  # the time a model takes to answer, at least
                await sandbox.warm()  # on a loaded machine the spare may still be booting
                start = time.perf_counter()
                record = await sandbox.run("return 1")
                warm.append((time.perf_counter() - start) * 1000)
                assert record.result == 1 and record.timings.prewarmed, record
                warm_steps.append(milestones(record, warm[-1]))
        rows.append(
            Row(
                "Sandbox.run('return 1'), prewarmed spare",
                median(warm),
                floor_ms,
                "ms",
                "<= 0.2x raw deno run",
            )
        )
        rows.extend(milestone_rows("prewarmed", warm_steps))
        # Rounds of floor and measures, each round a fresh process per figure; the median
        # round of each figure is reported.
        measured: dict[str, list[float]] = {}
        for _ in range(ROUNDS):
            measured.setdefault("raw", []).append(floor_echo_blocking(deno, workdir))
            measured.setdefault("anyio", []).append(await floor_echo(deno, workdir))
            for name in CHECKED:
                measured.setdefault(name, []).append(await tool_round_trip(sandbox, name))
            measured.setdefault("relay", []).append(await relay_only(sandbox))
        raw_us = median(measured["raw"])
        rows.append(
            Row(
                "echo through anyio's unix stream",
                median(measured["anyio"]),
                raw_us,
                "us",
                "for reference: an event loop's own cost per round trip",
            )
        )
        for name, kind in (("noop", "sync tool"), ("anoop", "async tool")):
            rows.append(
                Row(
                    f"tool call round trip, {kind}",
                    median(measured[name]),
                    raw_us,
                    "us",
                    f"<= 4x raw echo ({CALLS} sequential calls)",
                )
            )
        for checked, unchecked, what in (
            ("noop", "noop_unchecked", "int"),
            ("point", "point_unchecked", "model instance"),
            ("point_dict", "point_unchecked", "dict for a model"),
        ):
            rows.append(
                Row(
                    f"  sync, result checked ({what})",
                    median(measured[checked]),
                    median(measured[unchecked]),
                    "us",
                    "vs the same call with validate_result=False",
                )
            )
        rows.append(
            Row(
                "  of which the Deno side (host answers at once)",
                median(measured["relay"]),
                raw_us,
                "us",
                "the sandbox process: its stdout and stdin",
            )
        )
        results: list[object] = []

        async def one(n: int) -> None:
            record = await sandbox.run(f"return {n} * 2")
            assert record.result == n * 2, (record.error, record.stderr[-500:])
            results.append(record.result)

        start = time.perf_counter()
        async with anyio.create_task_group() as group:
            for n in range(100):
                group.start_soon(one, n)
        elapsed = time.perf_counter() - start
        assert sorted(results) == [n * 2 for n in range(100)]  # type: ignore[type-var]
        rows.append(
            Row(
                "100 concurrent executions: wall time",
                elapsed * 1000,
                None,
                "ms",
                f"all correct; {100 / elapsed:.1f} executions/s on {os.cpu_count()} cores",
            )
        )
    return rows


async def main() -> None:
    print_table(await collect(), "sandbox")


if __name__ == "__main__":
    anyio.run(main)

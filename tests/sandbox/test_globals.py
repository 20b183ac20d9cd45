"""The sandbox's global scope is an allowlist, and nothing outside it is reachable.

The snapshot is the contract: a Deno upgrade that adds a global fails here (in the raw
main module test) until someone decides whether scripts may have it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tsact import Limits, Sandbox, tool
from tsact._deno import find_deno, run_flags, runtime_dir

from .tools import ALL

pytestmark = pytest.mark.anyio

RUNTIME = runtime_dir()
ALLOWED = set(json.loads((RUNTIME / "allowed_globals.json").read_text()))
REMOVED = set(json.loads((RUNTIME / "removed_globals.json").read_text()))


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL, limits=Limits(timeout_s=20))


async def test_the_global_scope_is_exactly_the_allowlist(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const names = Reflect.ownKeys(globalThis);\n"
        "const chain: unknown[] = [];\n"
        "for (let o = Object.getPrototypeOf(globalThis); o; o = Object.getPrototypeOf(o))"
        " chain.push(o === Object.prototype ? 'Object.prototype' : String(o));\n"
        "return {\n"
        "  strings: names.filter((n) => typeof n === 'string').sort(),\n"
        "  symbols: names.filter((n) => typeof n === 'symbol').map(String),\n"
        "  chain,\n"
        "};"
    )
    assert record.ok, record.error
    result = record.result
    assert isinstance(result, dict)
    tools = {f"external_{name}" for name in sandbox.toolbox.names}
    assert set(result["strings"]) == ALLOWED | tools
    assert result["symbols"] == []
    assert result["chain"] == ["Object.prototype"]


async def test_every_name_deno_has_is_allowed_or_removed(tmp_path: Path) -> None:
    """A raw main module of this Deno, run as the prelude is: its globals and its scope's
    prototype chain."""
    main = tmp_path / "main.js"
    main.write_text(
        "const names = new Set();\n"
        "for (let o = globalThis; o && o !== Object.prototype; o = Object.getPrototypeOf(o))\n"
        "  for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor') names.add(n);\n"
        "console.log(JSON.stringify([...names]));\n"
    )
    out = subprocess.run(
        [str(find_deno()), *run_flags(Limits()), str(main)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DENO_DIR": str(tmp_path / "deno_dir"), "NO_COLOR": "1"},
        check=True,
    ).stdout
    names = set(json.loads(out))
    unknown = names - ALLOWED - REMOVED
    assert not unknown, (
        f"this Deno has globals tsact never decided on: {sorted(unknown)}; add each to "
        "deno_runtime/allowed_globals.json (scripts may use it) or removed_globals.json"
    )
    assert not ALLOWED & REMOVED


@pytest.mark.parametrize(
    "name",
    [
        "Deno",
        "Buffer",
        "global",
        "process",
        "setImmediate",
        "MessageChannel",
        "MessagePort",
        "navigator",
        "caches",
        "CacheStorage",
        "Cache",
        "Request",
        "Response",
        "WebSocket",
        "WebAssembly",
        "Worker",
        "BroadcastChannel",
        "localStorage",
        "postMessage",
        "addEventListener",
        "EventTarget",
        "ReadableStream",
        "GPU",
        "close",
        "location",
        "alert",
        "confirm",
        "prompt",
        "sessionStorage",
        "Window",
        "onload",
        "onunload",
        "onbeforeunload",
        "dispatchEvent",
    ],
)
async def test_what_deno_has_beyond_the_allowlist_is_gone(sandbox: Sandbox, name: str) -> None:
    record = await sandbox.run(f"return typeof (globalThis as any)[{name!r}]")
    assert record.result == "undefined"


async def test_no_object_the_script_can_reach_leads_to_a_removed_class(sandbox: Sandbox) -> None:
    """Walk everything reachable from the global scope: no removed class turns up, so a
    brand symbol (on every web object) stamps its way into nothing."""
    record = await sandbox.run(
        "const seen = new Set<unknown>();\n"
        "const found = new Set<string>();\n"
        "const queue: [unknown, number][] = [[globalThis, 0]];\n"
        "while (queue.length) {\n"
        "  const [value, depth] = queue.shift()!;\n"
        "  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))"
        " continue;\n"
        "  if (seen.has(value) || depth > 4) continue;\n"
        "  seen.add(value);\n"
        "  if (typeof value === 'function' && value.name) found.add(value.name);\n"
        "  queue.push([Object.getPrototypeOf(value), depth + 1]);\n"
        "  for (const key of Reflect.ownKeys(value)) {\n"
        "    const d = Object.getOwnPropertyDescriptor(value, key);\n"
        "    for (const v of [d?.value, d?.get, d?.set]) queue.push([v, depth + 1]);\n"
        "  }\n"
        "}\n"
        "return [...found];",
        limits=Limits(timeout_s=30, fuel=None),
    )
    assert record.ok, record.error
    reachable = set(record.result)  # type: ignore[arg-type]
    forbidden = {
        "CacheStorage",
        "Cache",
        "Worker",
        "MessagePort",
        "MessageChannel",
        "BroadcastChannel",
        "WebSocket",
        "Request",
        "Response",
        "GPU",
        "GPUAdapter",
        "Storage",
        "EventSource",
        "FileReader",
        "ReadableStream",
        "DedicatedWorkerGlobalScope",
        "WorkerGlobalScope",
        "EventTarget",
    }
    assert reachable & forbidden == set()


@tool
def deno_dirs_bytes() -> int:
    """Bytes under the execution caches in RAM (what a script could make Deno write)."""
    total = 0
    root = Path("/dev/shm")
    for entry in root.glob(f"tsact-{os.getpid()}-*"):
        for path in entry.rglob("*"):
            if path.is_file():
                total += path.stat().st_size
    return total


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm on this machine")
async def test_a_script_cannot_make_deno_write_host_ram() -> None:
    sandbox = Sandbox([deno_dirs_bytes], limits=Limits(timeout_s=20))
    record = await sandbox.run(
        "const g = globalThis as any;\n"
        "const brand = Object.getOwnPropertySymbols(new TextEncoder())[0];\n"
        "const tried: string[] = [];\n"
        "for (const name of ['caches', 'localStorage', 'sessionStorage', 'indexedDB']) {\n"
        "  try { const c = await g[name].open('x');"
        " await c.put('http://a/', new g.Response('z'.repeat(1e7))); tried.push(name); }\n"
        "  catch { }\n"
        "}\n"
        "try { const fake: any = { [brand]: brand }; tried.push(typeof fake); } catch { }\n"
        "const before = await external_deno_dirs_bytes();\n"
        "const blob = new Array(2e6).fill('z').join('');\n"
        "const after = await external_deno_dirs_bytes();\n"
        "return { tried, grew: after - before, blob: blob.length };"
    )
    assert record.ok, record.error
    result = record.result
    assert isinstance(result, dict)
    assert result["tried"] == ["object"]
    assert result["grew"] == 0

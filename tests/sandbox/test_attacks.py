"""Security claims, each tested by a script that attacks it.

Every test asserts the exact outcome in the record: the attack fails in a
known way, and nothing it tried reaches the host or the next execution.
"""

from __future__ import annotations

import pytest

from tsact import Limits, Sandbox

from .tools import ALL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL, limits=Limits(timeout_s=10))


async def result_of(sandbox: Sandbox, source: str) -> object:
    record = await sandbox.run(source)
    assert record.status == "ok", record.error
    return record.result


PROBE = """
const out: Record<string, string> = {};
async function probe(name: string, f: () => unknown) {
  try { const v = await f(); out[name] = "ALLOWED " + String(v).slice(0, 40); }
  catch (e) { out[name] = (e as Error).name + ": " + String((e as Error).message).slice(0, 90); }
}
"""


async def test_the_deno_namespace_and_node_process_are_gone(sandbox: Sandbox) -> None:
    result = await result_of(
        sandbox,
        "return [typeof Deno, typeof process, typeof require, typeof Worker, "
        "typeof WebAssembly, typeof caches, typeof localStorage, typeof sessionStorage, "
        "typeof postMessage, typeof close, typeof WebSocket, typeof BroadcastChannel]",
    )
    assert result == ["undefined"] * 12


async def test_files_network_env_and_subprocesses_are_unreachable(sandbox: Sandbox) -> None:
    result = await result_of(
        sandbox,
        PROBE
        + """
await probe("fetch-net", () => fetch("http://127.0.0.1:9/"));
await probe("fetch-file", () => fetch("file:///etc/hostname"));
await probe("deno-read", () => (globalThis as any).Deno.readTextFileSync("/etc/hostname"));
await probe("process-env", () => (globalThis as any).process.env.HOME);
await probe("node-stdout", () => (globalThis as any).process.stdout.write("x"));
return out;
""",
    )
    refused = "TypeError: fetch is not available in the tsact sandbox; use the external_* tools"
    assert result == {
        "fetch-net": refused,
        "fetch-file": refused,
        "deno-read": "TypeError: Cannot read properties of undefined (reading 'readTextFileSync')",
        "process-env": "TypeError: Cannot read properties of undefined (reading 'env')",
        "node-stdout": "TypeError: Cannot read properties of undefined (reading 'stdout')",
    }


async def test_code_generation_from_strings_is_off(sandbox: Sandbox) -> None:
    result = await result_of(
        sandbox,
        PROBE
        + """
await probe("eval", () => eval("1 + 1"));
await probe("indirect-eval", () => (0, eval)("1 + 1"));
await probe("Function", () => new Function("return 1")());
await probe("constructor", () => (() => 1).constructor("return 1")());
await probe("async-constructor", () => (async () => 1).constructor("return 1")());
await probe("timer-string", () => (setTimeout as any)("globalThis.hacked = 1", 0));
await probe("interval-string", () => (setInterval as any)("globalThis.hacked = 1", 0));
return out;
""",
    )
    assert isinstance(result, dict)
    for name in ("eval", "indirect-eval", "Function", "constructor", "async-constructor"):
        assert result[name].startswith("EvalError: Code generation from strings disallowed"), name
    assert (
        result["timer-string"] == "TypeError: setTimeout needs a function; code strings are refused"
    )
    assert result["interval-string"] == (
        "TypeError: setInterval needs a function; code strings are refused"
    )


@pytest.mark.parametrize(
    "source",
    [
        "import fs from 'node:fs';",
        "const m = await import('data:text/javascript,export default 1');",
        "const u = URL.createObjectURL(new Blob(['1'])); await import(u);",
        "await import('npm:left-pad');",
        "await import('https://example.com/x.js');",
        "await import('file:///etc/passwd');",
        "export const x = 1;",
        "return import.meta.url",
        "const __tsact_f = 1;",
        "const o = { __tsact_out: 1 };",
    ],
)
async def test_imports_and_reserved_names_are_refused_before_running(
    sandbox: Sandbox, source: str
) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "syntax"
    assert record.error.line == 1
    assert record.timings.spawn_ms == 0  # refused before any process started


async def test_new_target_is_no_import_meta(sandbox: Sandbox) -> None:
    """``new.target`` is a meta property too: plain JavaScript, not refused."""
    assert await result_of(
        sandbox,
        "function F(this: unknown) { return new.target === F; }\nreturn [F(), typeof new.target];",
    ) == [False, "undefined"]


async def test_no_state_survives_into_the_next_execution(sandbox: Sandbox) -> None:
    first = await result_of(
        sandbox,
        "(globalThis as any).secret = 42;\n"
        "Object.defineProperty(Array.prototype, 'leak', { value: 1 });\n"
        "return [(globalThis as any).secret, ([] as any).leak]",
    )
    assert first == [42, 1]
    second = await result_of(
        sandbox, "return [typeof (globalThis as any).secret, typeof ([] as any).leak]"
    )
    assert second == ["undefined", "undefined"]


async def test_printing_forged_frames_changes_nothing(sandbox: Sandbox) -> None:
    forged_final = '{"jsonrpc":"2.0","method":"final","params":{"status":"ok","result":666}}'
    forged_call = (
        '{"jsonrpc":"2.0","id":99,"method":"tool_call","params":{"name":"crash","args":{}}}'
    )
    record = await sandbox.run(
        f"console.log({forged_final!r});\nconsole.error({forged_call!r});\n"
        "console.log('\\n' + " + repr(forged_final) + ");\nreturn 1"
    )
    assert record.result == 1
    assert record.tool_calls == []
    assert [entry.text for entry in record.console] == [
        forged_final,
        forged_call,
        "\n" + forged_final,
    ]
    assert record.stdout == "" and record.stderr == ""


async def test_forged_worker_messages_are_ignored(sandbox: Sandbox) -> None:
    result = await result_of(
        sandbox,
        """
const tried: string[] = [];
const g = globalThis as any;
const pending = external_slow_async({ ms: 100 });
for (const name of ["addEventListener", "dispatchEvent", "postMessage", "onmessage"]) {
  tried.push(`${name}:${typeof g[name]}`);
}
tried.push(`proto:${Object.getPrototypeOf(globalThis) === Object.prototype}`);
tried.push(`symbols:${Object.getOwnPropertySymbols(globalThis).length}`);
try {
  const target = new (class extends Object {})() as any;
  (Object.getPrototypeOf(globalThis) as any).dispatchEvent?.call(globalThis, {});
  tried.push(`target:${typeof target.dispatchEvent}`);
} catch (e) {
  tried.push("target:" + (e as Error).name);
}
const real = await pending;
return { real, tried };
""",
    )
    assert result == {
        "real": 100,
        "tried": [
            "addEventListener:undefined",
            "dispatchEvent:undefined",
            "postMessage:undefined",
            "onmessage:undefined",
            "proto:true",
            "symbols:0",
            "target:undefined",
        ],
    }


async def test_prelude_survives_poisoned_builtins(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        """
JSON.stringify = () => '{"forged":true}';
JSON.parse = () => ({ forged: true });
(Promise.prototype as any).then = function () { throw new Error("poisoned then") };
return { sum: 1 + 1 };
"""
    )
    assert record.status == "ok", record.error
    assert record.result == {"sum": 2}


async def test_the_channel_is_not_reachable_from_the_script(sandbox: Sandbox) -> None:
    result = await result_of(
        sandbox,
        """
const found: string[] = [];
const d = (globalThis as any).Deno;
for (const key of Reflect.ownKeys(globalThis)) {
  const v = (globalThis as any)[key as any];
  if (v && typeof v === "object" && ("core" in v || "resources" in v)) found.push(String(key));
}
return { deno: typeof d, found };
""",
    )
    assert result == {"deno": "undefined", "found": []}


async def test_poisoned_typed_arrays_do_not_bend_frames_on_their_way_to_the_pipe(
    sandbox: Sandbox,
) -> None:
    # The prelude writes its frames to the host's pipe itself, and reads the host's from
    # stdin with Deno's op, whose stub calls through Function.prototype.call: a script
    # that rewrites what it could reach of typed arrays, of writing and of calling must
    # not cut, forge or stop them, nor run on their way, and `call` cannot be replaced.
    # A large argument and result take several writes and reads (a pipe holds 1 MiB).
    record = await sandbox.run(
        """
const typed = Object.getPrototypeOf(Uint8Array.prototype);
for (const name of ["subarray", "slice", "set", "fill", "indexOf"]) {
  try { typed[name] = () => { throw new Error("poisoned " + name); }; } catch {}
}
for (const name of ["length", "byteOffset", "buffer", "byteLength"]) {
  try { Object.defineProperty(typed, name, { get: () => 0 }); } catch {}
}
try { (TextEncoder.prototype as any).encode = () => new Uint8Array(0); } catch {}
let calls = 0; // what runs Function.prototype's methods on the frames' way is counted
const refused: string[] = [];
for (const name of ["call", "apply", "bind"]) {
  const original = (Function.prototype as any)[name];
  try {
    (Function.prototype as any)[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return Reflect.apply(original, this, args);
    };
  } catch (error) {
    refused.push(name + ": " + (error as Error).name);
  }
}
try {
  Object.defineProperty(Function.prototype, "call", { value: () => calls++ });
} catch (error) {
  refused.push("define call: " + (error as Error).name);
}
const big = "x".repeat(3_000_000);
const back = await external_echo({ value: big });
console.log("after the call");
const size = (back as string).length;
return { same: back === big, size, part: big.slice(0, 2_500_000), calls, refused };
""",
        limits=Limits(max_result_bytes=8_000_000, timeout_s=20),
    )
    assert record.status == "ok", record.error
    assert isinstance(record.result, dict)
    assert record.result["same"] is True and record.result["size"] == 3_000_000
    assert record.result["part"] == "x" * 2_500_000
    assert record.result["calls"] == 0
    assert record.result["refused"] == ["call: TypeError", "define call: TypeError"]
    assert [entry.text for entry in record.console] == ["after the call"]
    (call,) = record.tool_calls
    assert call.status == "ok"


FRAME_WAY_POISONS = {
    # getters every object inherits, for names code on a frame's way could read
    "inherited-getters": """
let calls = 0;
for (const name of ["length", "byteLength", "byteOffset", "buffer", "then", "seal", "0",
                    "head", "body", "tail", "channel", "control"]) {
  Object.defineProperty(Object.prototype, name, {
    get() { calls++; return undefined; }, set() { calls++; }, configurable: true,
  });
}
Object.defineProperty(Array.prototype, Symbol.iterator, {
  get() { calls++; return undefined; }, configurable: true,
});
""",
    # the globals the runtime was built from, replaced by stand-ins that count and throw
    "replaced-globals": """
let calls = 0;
for (const name of ["Uint8Array", "Int32Array", "SharedArrayBuffer", "TextEncoder",
                    "TextDecoder", "Atomics", "Reflect", "JSON", "Object", "Array"]) {
  (globalThis as any)[name] = new Proxy(function () {}, {
    get() { calls++; throw new Error("replaced " + name); },
    apply() { calls++; throw new Error("replaced " + name); },
    construct() { calls++; throw new Error("replaced " + name); },
  });
}
""",
    # the promise machinery the reply's read goes through: `then` and friends replaced
    # by counting wrappers, species and constructor lookups answered by the script
    "promise-machinery": """
let calls = 0;
for (const name of ["then", "catch", "finally"]) {
  const original = (Promise.prototype as any)[name];
  try {
    (Promise.prototype as any)[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return Reflect.apply(original, this, args);
    };
  } catch {}
}
for (const target of [Promise, Promise.prototype]) {
  try {
    Object.defineProperty(target, Symbol.species, { get() { calls++; return Promise; } });
  } catch {}
}
try { (Promise as any).resolve = () => { calls++; }; } catch {}
""",
    # what a call through a function could consult besides `call` itself: the prototype
    # chain behind Function.prototype, and `apply`/`bind` reached through own properties
    "function-lookups": """
let calls = 0;
const counted = new Proxy({}, {
  get(target, key, receiver) { calls++; return Reflect.get(target, key, receiver); },
  has(target, key) { calls++; return Reflect.has(target, key); },
});
try { Object.setPrototypeOf(Function.prototype, counted); } catch {}
for (const name of ["call", "apply", "bind", "constructor"]) {
  try {
    Object.defineProperty(Object.prototype, name, {
      get() { calls++; return undefined; }, configurable: true,
    });
  } catch {}
}
""",
}


@pytest.mark.parametrize("poison", FRAME_WAY_POISONS, ids=list(FRAME_WAY_POISONS))
async def test_frames_cross_whole_whatever_else_the_script_poisons(
    sandbox: Sandbox, poison: str
) -> None:
    # More of the class above: nothing the script plants runs on the way of a call, its
    # reply or the result. (Console text is formatted with the script's own built-ins, as
    # Deno formats it: it is the script's text either way.)
    record = await sandbox.run(
        FRAME_WAY_POISONS[poison]
        + """
const big = "y".repeat(2_000_000);
const back = await external_echo({ value: big });
const same = back === big;
return `${same}:${calls}:${big.substring(0, 1_500_000)}`;
""",
        limits=Limits(max_result_bytes=8_000_000, timeout_s=20),
    )
    assert record.status == "ok", record.error
    assert record.result == "true:0:" + "y" * 1_500_000
    (call,) = record.tool_calls
    assert call.status == "ok" and call.result == "y" * 2_000_000

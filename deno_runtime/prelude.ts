/**
 * The prelude: the sandbox process's main module, the one trusted code in an
 * isolate that will run an untrusted script. Started as `deno run` with every
 * permission denied: `bundled/prelude.js <host pid>`.
 *
 * At boot, before the script exists, it captures the built-ins it uses
 * (`primordials.ts`), fixes what V8 consults by itself (`harden.ts`), takes
 * over Deno's reports of uncaught errors and unhandled rejections, defines the
 * script's globals (`console`, `ToolError`, `final_answer`, string-free
 * timers) and cuts the global scope down to an allowlist (`globals.ts`). Once
 * Deno has dispatched `load` (its last use of the global scope's event
 * machinery) the prelude removes that machinery too, writes the one unsealed
 * `ready` line and reads the host's frames from stdin (`link.ts`). The first
 * is the `start` frame: the prelude adds `external_*` for each tool and
 * evaluates the wrapped script (JavaScript, as a classic script) or imports
 * it (TypeScript, from a `data:` URL).
 *
 * The execution ends in exactly one final frame: the script's value, its
 * error (kind decided by what the prelude saw: `errors.ts`, `tools.ts`), or
 * the fuel meter running dry. Once it is written the process exits, and no
 * code of the script runs again. A process whose host is gone exits too
 * (`host_watch.ts`).
 *
 * @module
 */
/// <reference lib="deno.window" />
import { makeConsole } from "./console.ts";
import { describeThrown } from "./errors.ts";
import { createFuelMeter, type FuelMeter } from "./fuel_meter.ts";
import { removeGlobalInternals, removeGlobals } from "./globals.ts";
import { captureSite, harden, siteFrames, stackGetter } from "./harden.ts";
import { sliceAtomicsWait, watchHost } from "./host_watch.ts";
import { toJson } from "./json.ts";
import { connect, finish, isFinished, send, setSeal } from "./link.ts";
import { capturedState, expose } from "./state.ts";
import type { ScriptError, StartParams } from "./messages.ts";
import {
  dataDescriptor,
  encodeUtf8,
  evalClassic,
  JSONParse,
  JSONStringify,
  MathFloor,
  MathMax,
  ObjectFreeze,
  ObjectHasOwn,
  PromiseCtor,
  PromisePrototypeThen,
  ReflectApply,
  ReflectDefineProperty,
  ReflectDeleteProperty,
  ReflectGetOwnPropertyDescriptor,
  runtimeHooks,
  TypedArrayPrototypeGetLength,
  TypeErrorCtor,
  uncurry,
} from "./primordials.ts";
import { cutText, depthOver, setCutMarker } from "./text.ts";
import {
  genuineToolError,
  makeExternal,
  onReply,
  sendConsole,
  ToolError,
} from "./tools.ts";

/** The host's pid, the process's first argument. */
const hostPid = typeof Deno === "object" ? Number(Deno.args[0]) : 0;

const addListener = uncurry(EventTarget.prototype.addEventListener);
const removeListener = uncurry(EventTarget.prototype.removeEventListener);

/** An error's name, message and stack share this cap, but never less. */
const ERROR_TEXT_FLOOR = 1 << 16;

let params: StartParams | null = null;
let meter: FuelMeter | null = null;
/** Set once the script's outcome is being reported: console and tools go quiet. */
let finishing = false;

function quiet(): boolean {
  return finishing || isFinished();
}

/** The frame's tail after `fuel_used`: the variables to carry, in a session. */
function tailText(): string {
  const fuel = meter === null ? "null" : "" + meter.used();
  const session = params?.session ?? null;
  if (session === null) return fuel + "}}\n";
  let state: string | null;
  try {
    state = capturedState(session.maxStateBytes);
  } catch {
    state =
      '{"vars":[],"dropped":[],"error":"the variables could not be read"}';
  }
  return fuel + ',"state":' + (state ?? "null") + "}}\n";
}

const FINAL_HEAD = '{"jsonrpc":"2.0","method":"final","params":{"status":';

/** End with an error: one final frame, then the process ends. */
function finishWithError(error: ScriptError): never {
  finishing = true;
  const quarter = MathFloor(
    MathMax(params?.errorCap ?? ERROR_TEXT_FLOOR, ERROR_TEXT_FLOOR) / 4,
  );
  const stack = error.stack === null
    ? "null"
    : JSONStringify(cutText(error.stack, 2 * quarter));
  return finish(
    FINAL_HEAD + '"error","error":{"kind":' + JSONStringify(error.kind) +
      ',"name":' + JSONStringify(cutText(error.name, quarter)) +
      ',"message":' + JSONStringify(cutText(error.message, quarter)) +
      ',"stack":' + stack + '},"fuel_used":' + tailText(),
    null,
    "",
  );
}

/** End with the script's value: one final frame, then the process ends. */
function finishWithValue(value: unknown, finalAnswer: boolean): never {
  if (finishing) {
    throw new TypeErrorCtor("the script's result is already being sent");
  }
  finishing = true;
  let json: string | undefined;
  try {
    json = value === undefined ? "null" : toJson(value);
  } catch (error) {
    return finishWithError({
      kind: "runtime",
      name: "TypeError",
      message: "the script's result is not JSON-serialisable: " +
        describeThrown(error).message,
      stack: null,
    });
  }
  const bytes = encodeUtf8(json ?? "null");
  const size = TypedArrayPrototypeGetLength(bytes);
  const limit = params?.maxResultBytes ?? 0;
  if (size > limit) {
    return finishWithError({
      kind: "limit",
      name: "LimitError",
      message: "the result is " + size +
        " bytes of JSON, over max_result_bytes (" + limit + ")",
      stack: null,
    });
  }
  const depth = params?.maxJsonDepth ?? 0;
  if (depthOver(bytes, depth)) {
    return finishWithError({
      kind: "limit",
      name: "LimitError",
      message: "the result nests arrays and objects deeper than " + depth +
        " levels",
      stack: null,
    });
  }
  return finish(
    FINAL_HEAD + '"ok","result":',
    bytes,
    ',"final_answer":' + (finalAnswer ? "true" : "false") + ',"fuel_used":' +
      tailText(),
  );
}

/** A failure before the channel existed: tsact's own, reported once it does. */
let bootFailure: ScriptError | null = null;

/** Whatever the script let escape: its own error, or a ToolError the runtime made. */
function finishWithThrown(value: unknown): void {
  const error = genuineToolError(value) ?? describeThrown(value);
  if (params === null) {
    bootFailure ??= {
      kind: "internal",
      name: error.name,
      message: "the sandbox failed before the script started: " + error.message,
      stack: error.stack,
    };
    return;
  }
  finishWithError(error);
}

/** The meter ran dry: report the line of the tick that found it, and stop. */
function onFuelExhausted(): void {
  const frames = siteFrames(captureSite());
  const message = "the script ran out of fuel (fuel " + params?.fuel + ")";
  let stack = "FuelExhausted: " + message;
  for (let i = 0; i < frames.length; i++) stack += "\n" + frames[i];
  finishWithError({ kind: "fuel", name: "FuelExhausted", message, stack });
}

/**
 * A global read on first use. `setTimeout` and `setInterval` are lazy getters in
 * Deno 2.9 that load Node's timers (~14 ms in a worker): read at start-up they would
 * delay every execution, so the prelude keeps the getter and calls it when needed.
 */
function lazyGlobal(name: string): () => unknown {
  const descriptor = ReflectGetOwnPropertyDescriptor(globalThis, name);
  const get = descriptor !== undefined && ObjectHasOwn(descriptor, "get")
    ? descriptor.get
    : undefined;
  let value = descriptor !== undefined && ObjectHasOwn(descriptor, "value")
    ? descriptor.value
    : undefined;
  let loaded = get === undefined;
  return () => {
    if (!loaded) {
      value = ReflectApply(get!, globalThis, []);
      loaded = true;
    }
    return value;
  };
}

function timer(original: () => unknown, label: string) {
  return function (handler: unknown, ...rest: unknown[]): number {
    if (typeof handler !== "function") {
      throw new TypeErrorCtor(
        label + " needs a function; code strings are refused",
      );
    }
    return ReflectApply(original() as () => number, globalThis, [
      handler,
      ...rest,
    ]);
  };
}

/**
 * `performance` as scripts use it: `now()` and `timeOrigin`. Deno's own object is an
 * EventTarget with marks and observers, which would keep `EventTarget` reachable.
 */
const originalPerformance = performance;
const performanceNow = uncurry(Performance.prototype.now);

function clock(): object {
  const original = originalPerformance;
  const now = performanceNow;
  const timeOrigin = original.timeOrigin;
  return ObjectFreeze({
    now: () => now(original),
    timeOrigin,
    toJSON: () => ({ timeOrigin }),
  });
}

function define(name: string, value: unknown, enumerable = false): void {
  ReflectDefineProperty(globalThis, name, dataDescriptor(value, enumerable));
}

/** Everything that does not need the start frame: done while the process boots. */
function boot(): void {
  harden();
  sliceAtomicsWait(hostPid);
  // Learnt in a job of its own, once the module body has returned: see there.
  PromisePrototypeThen(PromiseCtor.resolve(), stackGetter);
  runtimeHooks?.setUnhandledPromiseRejectionHandler((_promise, reason) => {
    if (!quiet()) finishWithThrown(reason);
    return true;
  });
  runtimeHooks?.setReportExceptionCallback((error) => {
    if (!quiet()) finishWithThrown(error);
  });
  const setTimeoutOriginal = lazyGlobal("setTimeout");
  const setIntervalOriginal = lazyGlobal("setInterval");
  ReflectDeleteProperty(JSON, "rawJSON");
  ReflectDeleteProperty(JSON, "isRawJSON");
  addListener(globalThis, "load", onLoad);
  removeGlobals(globalThis);
  define("setTimeout", timer(setTimeoutOriginal, "setTimeout"));
  define("setInterval", timer(setIntervalOriginal, "setInterval"));
  define("ToolError", ToolError);
  define("performance", clock());
  define("fetch", () => {
    throw new TypeErrorCtor(
      "fetch is not available in the tsact sandbox; use the external_* tools",
    );
  });
  define(
    "console",
    makeConsole({
      send: sendConsole,
      lineCap: () => params?.lineCap ?? 1,
      finished: quiet,
    }),
  );
  define("final_answer", (value: unknown): never => {
    if (quiet()) throw new TypeErrorCtor("final_answer was already called");
    return finishWithValue(value, true);
  });
}

/**
 * Deno's `load` event: the module has run, and Deno is done with the global
 * scope's event machinery. Remove it, then take the host's frames.
 */
function onLoad(): void {
  removeListener(globalThis, "load", onLoad); // Deno dispatches it once
  removeGlobalInternals(globalThis);
  watchHost(hostPid);
  connect(onLine); // the host's start frame is the first line
}

/** A line from the host: the start frame first, tool replies after it. */
function onLine(line: string): void {
  if (params === null) {
    const frame = JSONParse(line) as { params: StartParams };
    run(frame.params);
  } else {
    onReply(line);
  }
}

/** The wrapper's function: it runs the script with the meter and the session's parts. */
type Main = (
  fuel: FuelMeter | null,
  carried: unknown,
  exposeState: typeof expose,
) => Promise<unknown>;

/**
 * The wrapper's function: evaluated from the classic script when there is one
 * (at once, where an import takes Deno's module loader about half a
 * millisecond), else imported from the module. A source that does not compile
 * is imported as well: Deno's report of a module says where the error is.
 */
async function load(start: StartParams): Promise<Main> {
  if (start.source !== null && evalClassic !== null) {
    const outcome = evalClassic(start.source, start.module);
    if (outcome.ok) return outcome.value as Main;
    if (!outcome.compileError) throw outcome.value;
  }
  const module = await import(start.module);
  return module.default;
}

async function run(start: StartParams): Promise<void> {
  params = start;
  setSeal(start.seal);
  setCutMarker(start.cutMarker);
  send('{"jsonrpc":"2.0","method":"started","params":{}}\n');
  if (bootFailure !== null) finishWithError(bootFailure);
  meter = start.fuel === null
    ? null
    : createFuelMeter(start.fuel, onFuelExhausted);
  const charge = meter === null
    ? () => {}
    : ((m: FuelMeter) => () => m.charge(start.fuelPerToolCall))(meter);
  const limits = {
    maxBytes: start.maxResultBytes,
    maxDepth: start.maxJsonDepth,
    charge,
  };
  for (let i = 0; i < start.tools.length; i++) {
    const name = start.tools[i];
    define("external_" + name, makeExternal(name, limits, quiet), true);
  }
  let main: Main;
  try {
    main = await load(start);
  } catch (error) {
    // The module's top level is tsact's wrapper alone: failing here is a parse error.
    const described = describeThrown(error);
    finishWithError({
      kind: "syntax",
      name: "SyntaxError",
      message: described.message,
      stack: described.stack,
    });
  }
  let value: unknown;
  try {
    const carried = start.session === null
      ? null
      : JSONParse(start.session.carried);
    value = await main(meter, carried, expose);
  } catch (error) {
    finishWithThrown(error);
  }
  finishWithValue(value, false);
}

boot();

/**
 * Worker prelude: the first and only trusted code in the untrusted Worker.
 *
 * It keeps private references to what it needs (`postMessage`, `JSON`,
 * `Deno.inspect`), then locks the global scope down before the script runs:
 * no `Deno` namespace, no `postMessage`/`onmessage`, no `Worker`,
 * `WebAssembly`, `fetch`, `caches` or sockets, and no string timers. It then
 * defines the script's globals (`external_*`, `console`, `ToolError`,
 * `final_answer`) and imports the wrapped user module from a `data:` URL
 * (no file read needed). The supervisor revokes its own read permission
 * before the user module is sent, so nothing more can be loaded from disk.
 *
 * Every value that crosses to the supervisor is a string or a number, built
 * here with the saved `JSON.stringify`, so no user code runs in the
 * supervisor.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { formatArgs } from "./console_format.ts";
import { createFuelMeter, type FuelMeter } from "./fuel_meter.ts";
// The globals removed below; the host's type checker reads the same list.
import REMOVED_GLOBALS from "./removed_globals.json" with { type: "json" };
import type {
  FromWorker,
  ScriptError,
  StartParams,
  ToWorker,
} from "./messages.ts";

const scope = globalThis as unknown as Record<string, unknown>;
const post: (message: FromWorker) => void = globalThis.postMessage.bind(
  globalThis,
);
const addListener = globalThis.addEventListener.bind(globalThis);
const inspect = Deno.inspect;
const stringify = JSON.stringify;
const parseJson = JSON.parse;
const ErrorClass = Error;
const RangeErrorClass = RangeError;
const TypeErrorClass = TypeError;
const PromiseClass = Promise;
const StringClass = String;
const defineProperty = Object.defineProperty;
const createObject = Object.create;
const isArray = Array.isArray;
/**
 * A global read on first use. `setTimeout` and `setInterval` are lazy getters in
 * Deno 2.9 workers that load Node's timers (~14 ms): read at start-up they would
 * delay every execution, so the prelude keeps the getter and calls it when needed.
 */
function lazyGlobal(name: string): () => unknown {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
  let loaded = false;
  let value: unknown;
  return () => {
    if (!loaded) {
      value = descriptor?.get
        ? descriptor.get.call(globalThis)
        : descriptor?.value;
      loaded = true;
    }
    return value;
  };
}
const originalSetTimeout = lazyGlobal("setTimeout");
const originalSetInterval = lazyGlobal("setInterval");
const encodeUtf8: (text: string) => Uint8Array = TextEncoder.prototype.encode
  .bind(new TextEncoder());
const decodeUtf8: (bytes: Uint8Array) => string = TextDecoder.prototype.decode
  .bind(new TextDecoder());
const { ceil, floor, max } = Math;

/**
 * The UTF-8 size of `text` if it is over `limit` bytes, else 0. A UTF-16 unit
 * takes at most 3 bytes, so text that surely fits is not encoded.
 */
function bytesOver(text: string, limit: number): number {
  if (text.length * 3 <= limit) return 0;
  const size = encodeUtf8(text).length;
  return size > limit ? size : 0;
}

/** What stands for the middle of a cut text (the host's own cuts write the same). */
function omitted(bytes: number): string {
  return `\n[... ${bytes} bytes omitted ...]\n`;
}

/**
 * `text` within `cap` UTF-8 bytes, marker included (unless the cap is smaller
 * than the marker): its head and tail, cut between characters, around a
 * marker that counts the bytes left out. The host keeps a console line of up
 * to its cap whole, and bounds the frames it accepts by these cuts (JSON
 * escaping grows text at most 6x: `max_frame_bytes` in `tsact/_execution.py`).
 */
function cutText(text: string, cap: number): string {
  if (!bytesOver(text, cap)) return text;
  const bytes = encodeUtf8(text);
  const room = max(0, cap - omitted(bytes.length).length);
  let headEnd = floor(room / 2);
  while (headEnd > 0 && (bytes[headEnd] & 0xc0) === 0x80) headEnd--;
  let tailStart = bytes.length - ceil(room / 2);
  while (tailStart < bytes.length && (bytes[tailStart] & 0xc0) === 0x80) {
    tailStart++;
  }
  return decodeUtf8(bytes.subarray(0, headEnd)) +
    omitted(tailStart - headEnd) +
    decodeUtf8(bytes.subarray(tailStart));
}

/** The most UTF-8 bytes of one console line: the host's per-line cap. */
function lineCap(): number {
  return params ? max(floor(params.maxOutputBytes / 2), 1) : 1;
}

/** An error's name, message and stack share a line's cap, but never less than this. */
const ERROR_TEXT_FLOOR = 1 << 16;

/** Thrown into the script when a tool call fails, is refused or is invalid. */
class ToolError extends ErrorClass {
  /** The tool's name as the script calls it, without `external_`. */
  readonly tool: string;
  /** Why it failed: "validation", "tool", "arguments", "refused", "limit". */
  readonly code: string;
  constructor(tool: string, message: string, code: string) {
    super(message);
    this.name = "ToolError";
    this.tool = tool;
    this.code = code;
  }
}

/** Thrown by `final_answer` to unwind the script after its answer is sent. */
const FINAL_SENTINEL: unique symbol = Symbol("tsact.final");

interface Pending {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  name: string;
  /** Captured at the call, so a failure points at the script's line. */
  site: Error;
}

const pending: Record<number, Pending> = createObject(null);
let lastCallId = 0;
let finished = false;
let params: StartParams | null = null;
let meter: FuelMeter | null = null;

function fuelUsed(): number | null {
  return meter === null ? null : meter.used();
}

/** The meter ran dry: end the execution here, at the line of the tick that found it. */
function onFuelExhausted(): void {
  const site = new ErrorClass("fuel exhausted");
  const message = `the script ran out of fuel (fuel ${params?.fuel})`;
  const frames = typeof site.stack === "string" ? site.stack : "";
  const at = frames.indexOf("\n");
  finishWithError({
    kind: "fuel",
    name: "FuelExhausted",
    message,
    stack: `FuelExhausted: ${message}${at >= 0 ? frames.slice(at) : ""}`,
  });
}

function errorText(value: unknown): string {
  try {
    return typeof value === "string" ? value : inspect(value, { depth: 2 });
  } catch {
    return "<unprintable value>";
  }
}

function describeError(error: unknown): ScriptError {
  if (error instanceof ToolError) {
    return {
      kind: "tool",
      name: "ToolError",
      message: StringClass(error.message),
      stack: typeof error.stack === "string" ? error.stack : null,
    };
  }
  if (error instanceof ErrorClass) {
    let name = "Error";
    let message = "";
    let stack: string | null = null;
    try {
      name = StringClass(error.name);
      message = StringClass(error.message);
      stack = typeof error.stack === "string" ? error.stack : null;
    } catch {
      message = "<the thrown error could not be read>";
    }
    const kind = error instanceof RangeErrorClass &&
        message.includes("Array buffer allocation failed")
      ? "memory"
      : "runtime";
    return { kind, name, message, stack };
  }
  return {
    kind: "runtime",
    name: "",
    message: errorText(error),
    stack: null,
  };
}

function finishWithError(error: ScriptError): void {
  if (finished) return;
  finished = true;
  // The stack repeats the name and message: it gets half of the shared cap.
  const quarter = floor(max(lineCap(), ERROR_TEXT_FLOOR) / 4);
  const cut: ScriptError = {
    kind: error.kind,
    name: cutText(error.name, quarter),
    message: cutText(error.message, quarter),
    stack: error.stack === null ? null : cutText(error.stack, 2 * quarter),
  };
  post({ t: "final", ok: false, error: cut, fuelUsed: fuelUsed() });
}

function finishWithValue(value: unknown, finalAnswer: boolean): void {
  if (finished) return;
  let json: string | undefined;
  try {
    json = value === undefined ? "null" : stringify(value);
  } catch (error) {
    finishWithError({
      kind: "runtime",
      name: "TypeError",
      message: `the script's result is not JSON-serialisable: ${
        error instanceof ErrorClass ? error.message : errorText(error)
      }`,
      stack: null,
    });
    return;
  }
  if (json === undefined) json = "null";
  const limit = params ? params.maxResultBytes : 0;
  const size = bytesOver(json, limit);
  if (size) {
    finishWithError({
      kind: "limit",
      name: "LimitError",
      message:
        `the result is ${size} bytes of JSON, over max_result_bytes (${limit})`,
      stack: null,
    });
    return;
  }
  finished = true;
  post({
    t: "final",
    ok: true,
    result: json,
    finalAnswer,
    fuelUsed: fuelUsed(),
  });
}

function makeExternal(name: string): (args?: unknown) => Promise<unknown> {
  return (args?: unknown) =>
    new PromiseClass((resolve, reject) => {
      if (finished) return;
      let json: string;
      if (args === undefined) {
        json = "{}";
      } else if (args === null || typeof args !== "object" || isArray(args)) {
        reject(
          new ToolError(
            name,
            `external_${name} takes one object argument, got ${
              errorText(args)
            }`,
            "arguments",
          ),
        );
        return;
      } else {
        try {
          json = stringify(args);
        } catch (error) {
          reject(
            new ToolError(
              name,
              `arguments of external_${name} are not JSON-serialisable: ${
                error instanceof ErrorClass ? error.message : errorText(error)
              }`,
              "arguments",
            ),
          );
          return;
        }
      }
      const limit = params ? params.maxResultBytes : 0;
      const size = bytesOver(json, limit);
      if (size) {
        reject(
          new ToolError(
            name,
            `arguments of external_${name} are ${size} bytes of JSON, ` +
              `over max_result_bytes (${limit})`,
            "limit",
          ),
        );
        return;
      }
      if (meter !== null && params !== null) {
        meter.charge(params.fuelPerToolCall); // throws FuelExhausted when fuel runs out
      }
      const id = ++lastCallId;
      pending[id] = { resolve, reject, name, site: new ErrorClass() };
      post({ t: "call", id, name, args: json });
    });
}

interface ReplyFrame {
  id: number;
  result?: unknown;
  error?: { message: string; data?: { code?: string } };
}

function onReply(line: string): void {
  const frame = parseJson(line) as ReplyFrame;
  const call = pending[frame.id];
  if (call === undefined) return;
  delete pending[frame.id];
  if (frame.error !== undefined) {
    const error = new ToolError(
      call.name,
      frame.error.message,
      frame.error.data?.code ?? "tool",
    );
    const site = call.site.stack ?? "";
    const frames = site.indexOf("\n");
    error.stack = `ToolError: ${error.message}${
      frames >= 0 ? site.slice(frames) : ""
    }`;
    call.reject(error);
  } else {
    call.resolve(frame.result);
  }
}

const consoleLevels: Record<string, string> = {
  log: "log",
  info: "info",
  warn: "warn",
  error: "error",
  debug: "debug",
  trace: "debug",
  dir: "log",
  dirxml: "log",
  table: "log",
};

function makeConsole(): Console {
  let indent = "";
  const counts: Record<string, number> = createObject(null);
  const timers: Record<string, number> = createObject(null);
  const emit = (level: string, args: readonly unknown[]) => {
    if (finished) return;
    let text = formatArgs(args, inspect);
    if (indent) text = indent + text.replaceAll("\n", "\n" + indent);
    post({ t: "console", level, text: cutText(text, lineCap()) });
  };
  const methods: Record<string, (...args: unknown[]) => void> = {};
  for (const method in consoleLevels) {
    const level = consoleLevels[method];
    methods[method] = (...args: unknown[]) => emit(level, args);
  }
  methods.trace = (...args: unknown[]) => {
    const stack = new ErrorClass().stack ?? "";
    emit("debug", ["Trace:", ...args, stack.split("\n").slice(2).join("\n")]);
  };
  methods.assert = (condition?: unknown, ...args: unknown[]) => {
    if (!condition) emit("error", ["Assertion failed:", ...args]);
  };
  methods.group = methods.groupCollapsed = (...args: unknown[]) => {
    if (args.length) emit("log", args);
    indent += "  ";
  };
  methods.groupEnd = () => {
    indent = indent.slice(2);
  };
  methods.count = (label = "default") => {
    const key = StringClass(label);
    counts[key] = (counts[key] ?? 0) + 1;
    emit("info", [`${key}: ${counts[key]}`]);
  };
  methods.countReset = (label = "default") => {
    counts[StringClass(label)] = 0;
  };
  methods.time = (label = "default") => {
    timers[StringClass(label)] = performance.now();
  };
  const elapsed = (label: unknown, end: boolean, extra: unknown[]) => {
    const key = StringClass(label ?? "default");
    const start = timers[key];
    if (start === undefined) {
      emit("warn", [`Timer '${key}' does not exist`]);
      return;
    }
    if (end) delete timers[key];
    emit("info", [
      `${key}: ${(performance.now() - start).toFixed(0)}ms`,
      ...extra,
    ]);
  };
  methods.timeLog = (label?: unknown, ...extra: unknown[]) =>
    elapsed(label, false, extra);
  methods.timeEnd = (label?: unknown) => elapsed(label, true, []);
  methods.clear = () => {};
  return methods as unknown as Console;
}

function refuse(what: string): () => never {
  return () => {
    throw new TypeErrorClass(
      `${what} is not available in the tsact sandbox; use the external_* tools`,
    );
  };
}

/** Remove every way out of the sandbox that a Worker would otherwise have. */
function lockDown(): void {
  for (const name of REMOVED_GLOBALS) {
    try {
      delete scope[name];
    } catch {
      // A name that cannot be deleted is shadowed below.
    }
    try {
      defineProperty(globalThis, name, {
        value: undefined,
        writable: false,
        configurable: false,
      });
    } catch {
      // Already gone and not definable: nothing to shadow.
    }
  }
  defineProperty(globalThis, "fetch", {
    value: refuse("fetch"),
    writable: false,
    configurable: false,
  });
  defineProperty(globalThis, "onmessage", {
    get: () => null,
    set: () => {},
    configurable: false,
  });
  defineProperty(globalThis, "onmessageerror", {
    get: () => null,
    set: () => {},
    configurable: false,
  });
  const add = globalThis.addEventListener;
  defineProperty(globalThis, "addEventListener", {
    value: function (
      this: unknown,
      type: string,
      ...rest: unknown[]
    ): void {
      if (type === "message" || type === "messageerror") return;
      // deno-lint-ignore no-explicit-any
      return (add as any).call(globalThis, type, ...rest);
    },
    writable: false,
    configurable: false,
  });
  const timer = (original: () => unknown, label: string) =>
    function (handler: unknown, ...rest: unknown[]): number {
      if (typeof handler !== "function") {
        throw new TypeErrorClass(
          `${label} needs a function; code strings are refused`,
        );
      }
      // deno-lint-ignore no-explicit-any
      return (original() as any)(handler, ...rest);
    };
  defineProperty(globalThis, "setTimeout", {
    value: timer(originalSetTimeout, "setTimeout"),
    writable: false,
    configurable: false,
  });
  defineProperty(globalThis, "setInterval", {
    value: timer(originalSetInterval, "setInterval"),
    writable: false,
    configurable: false,
  });
}

function defineScriptGlobals(tools: readonly string[]): void {
  for (const name of tools) {
    defineProperty(globalThis, `external_${name}`, {
      value: makeExternal(name),
      writable: false,
      configurable: false,
      enumerable: true,
    });
  }
  defineProperty(globalThis, "ToolError", {
    value: ToolError,
    writable: false,
    configurable: false,
  });
  defineProperty(globalThis, "console", {
    value: makeConsole(),
    writable: false,
    configurable: false,
  });
  defineProperty(globalThis, "final_answer", {
    value: (value: unknown): never => {
      finishWithValue(value, true);
      throw FINAL_SENTINEL;
    },
    writable: false,
    configurable: false,
  });
}

function syntaxError(error: unknown): ScriptError {
  const described = describeError(error);
  if (
    /SyntaxError|Expected|Unexpected|Expression expected/.test(
      described.message,
    )
  ) {
    return { ...described, kind: "syntax", name: "SyntaxError" };
  }
  return described;
}

async function run(start: StartParams): Promise<void> {
  params = start;
  meter = start.fuel === null
    ? null
    : createFuelMeter(start.fuel, onFuelExhausted);
  defineScriptGlobals(start.tools);
  lockDown();
  let main: (fuel: FuelMeter | null) => Promise<unknown>;
  try {
    const module = await import(start.module);
    main = module.default;
  } catch (error) {
    finishWithError(syntaxError(error));
    return;
  }
  try {
    const value = await main(meter);
    finishWithValue(value, false);
  } catch (error) {
    if (error === FINAL_SENTINEL) return;
    finishWithError(describeError(error));
  }
}

addListener("message", (event: MessageEvent) => {
  if (!event.isTrusted) return;
  const message = event.data as ToWorker;
  if (message.t === "reply") {
    onReply(message.line);
  } else if (message.t === "start" && params === null) {
    run(message.params);
  }
});
addListener("unhandledrejection", (event: PromiseRejectionEvent) => {
  event.preventDefault();
  if (event.reason === FINAL_SENTINEL) return;
  finishWithError(describeError(event.reason));
});
addListener("error", (event: ErrorEvent) => {
  event.preventDefault();
  if (event.error === FINAL_SENTINEL) return;
  finishWithError(describeError(event.error ?? event.message));
});

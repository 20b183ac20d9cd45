/**
 * What the engine looks up by itself, fixed before the script runs, and error
 * stacks the script cannot rewrite.
 *
 * V8 consults a few properties on its own: `await` and `then` read a promise's
 * `constructor` and `Promise[Symbol.species]`; formatting a stack calls
 * `Error.prepareStackTrace` and reads `Error.stackTraceLimit`. A script that
 * replaced them could run its code inside the runtime's paths, or make them
 * fail: they are made read-only here (assigning them throws a TypeError in the
 * script). `Promise.prototype.then` itself stays writable: the runtime never
 * looks it up. `Function.prototype.call` is fixed too: Deno's stub of the op
 * that reads the host's replies from stdin calls through it.
 *
 * Stacks are formatted by the runtime's own `prepareStackTrace` from V8's
 * call sites (already mapped to the script's source by Deno), and each error's
 * frames are remembered: an error report takes its line from where V8 saw the
 * error made, never from a `stack` the script wrote. Headers read `name` and
 * `message` as own data properties only, so no getter runs.
 *
 * @module
 */
import {
  ArrayPrototypePush,
  dataDescriptor,
  ErrorCaptureStackTrace,
  ErrorCtor,
  FunctionPrototype,
  FunctionPrototypeCall,
  isProxy,
  ObjectCreate,
  ObjectHasOwn,
  PromiseCtor,
  ReflectApply,
  ReflectDefineProperty,
  ReflectGetOwnPropertyDescriptor,
  ReflectGetPrototypeOf,
  WeakMapCtor,
  WeakMapPrototypeGet,
  WeakMapPrototypeSet,
} from "./primordials.ts";

/** Frames V8 reported for each error whose stack was formatted, as `at ...` lines. */
const traces = new WeakMapCtor<object, string[]>();

/** The remembered frames of `error`, or null if V8 never formatted its stack. */
export function framesOf(error: object): string[] | null {
  return (WeakMapPrototypeGet(traces, error) as string[] | undefined) ?? null;
}

/**
 * A data property found on `object` or its prototypes, never through a getter
 * or a proxy trap (null when there is none).
 */
export function inheritedData(object: object, key: PropertyKey): unknown {
  let current: object | null = object;
  for (let hops = 0; current !== null && hops < 64; hops++) {
    if (isProxy(current)) return null;
    const descriptor = ReflectGetOwnPropertyDescriptor(current, key);
    if (descriptor !== undefined) {
      return ObjectHasOwn(descriptor, "value") ? descriptor.value : null;
    }
    current = ReflectGetPrototypeOf(current);
  }
  return null;
}

/** `Name: message` for a stack header, from data properties only. */
export function headerOf(error: unknown): string {
  if (
    error === null || (typeof error !== "object" && typeof error !== "function")
  ) {
    return "Error";
  }
  const rawName = inheritedData(error, "name");
  const rawMessage = inheritedData(error, "message");
  const name = typeof rawName === "string" ? rawName : "Error";
  const message = typeof rawMessage === "string" ? rawMessage : "";
  if (name === "") return message;
  if (message === "") return name;
  return name + ": " + message;
}

interface CallSite {
  getFileName(): string | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  getTypeName(): string | null;
  getMethodName(): string | null;
  isToplevel(): boolean;
  isAsync(): boolean;
  isConstructor(): boolean;
  isPromiseAll(): boolean;
  getPromiseIndex(): number | null;
}

/** One frame as V8 prints it: `async Type.name (file:line:col)`. */
function frameText(site: CallSite): string {
  const file = site.getFileName() ?? "<anonymous>";
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const where = line === null ? file : file + ":" + line + ":" + column;
  if (site.isPromiseAll()) {
    return "async Promise.all (index " + site.getPromiseIndex() + ")";
  }
  const fn = site.getFunctionName();
  let name = "";
  if (site.isConstructor()) {
    name = "new " + (fn ?? "<anonymous>");
  } else if (!site.isToplevel()) {
    const type = site.getTypeName();
    const method = site.getMethodName();
    name = (type ? type + "." : "") + (fn ?? method ?? "<anonymous>");
    if (method !== null && fn !== null && fn !== method) {
      name += " [as " + method + "]";
    }
  } else if (fn) {
    name = fn;
  }
  const prefix = site.isAsync() ? "async " : "";
  return name ? prefix + name + " (" + where + ")" : prefix + where;
}

function prepareStackTrace(error: unknown, sites: CallSite[]): string {
  const frames: string[] = [];
  let text = headerOf(error);
  for (let i = 0; i < sites.length; i++) {
    let line: string;
    try {
      line = "    at " + frameText(sites[i]);
    } catch {
      line = "    at <unknown>";
    }
    ArrayPrototypePush(frames, line);
    text += "\n" + line;
  }
  if (
    error !== null && (typeof error === "object" || typeof error === "function")
  ) {
    WeakMapPrototypeSet(traces, error, frames);
  }
  return text;
}

/** The getter of a property descriptor, read without consulting prototypes. */
function getterOf(descriptor: PropertyDescriptor | undefined): unknown {
  return descriptor !== undefined && ObjectHasOwn(descriptor, "get")
    ? descriptor.get
    : undefined;
}

let nativeStackGetter: ((this: object) => unknown) | null | undefined;

/**
 * The native getter of an error's own `stack`, shared by every error; learnt
 * from a fresh error on first use. The prelude learns it in a promise job of
 * its own at boot, before any script exists. Deno has V8 capture a detailed
 * stack trace of every new error, and V8 finds each frame's position by
 * parsing its function again: made inside the prelude's 47 KB module body, the
 * error costs 0.85 ms; under Deno's event dispatch 0.36 ms; alone in a job
 * 0.08 ms.
 */
export function stackGetter(): ((this: object) => unknown) | null {
  if (nativeStackGetter === undefined) {
    const descriptor = ReflectGetOwnPropertyDescriptor(
      new ErrorCtor(),
      "stack",
    );
    nativeStackGetter =
      (getterOf(descriptor) as ((this: object) => unknown) | undefined) ??
        null;
  }
  return nativeStackGetter;
}

/**
 * Make V8 format `error`'s stack now if it never did (so its frames are
 * remembered), through V8's own getter: a `stack` the script defined is not
 * called.
 */
export function formatStack(error: object): void {
  const native = stackGetter();
  if (native === null || isProxy(error)) return;
  const getter = getterOf(ReflectGetOwnPropertyDescriptor(error, "stack"));
  if (getter !== native) return;
  try {
    ReflectApply(native, error, []);
  } catch {
    // a stack that cannot be formatted leaves the error without frames
  }
}

/** Lock what V8 consults by itself; install the stack formatter. Once, at start-up. */
export function harden(): void {
  ReflectDefineProperty(
    ErrorCtor,
    "prepareStackTrace",
    dataDescriptor(prepareStackTrace),
  );
  ReflectDefineProperty(
    ErrorCtor,
    "stackTraceLimit",
    dataDescriptor(ErrorCtor.stackTraceLimit),
  );
  ReflectDefineProperty(
    PromiseCtor.prototype,
    "constructor",
    dataDescriptor(PromiseCtor),
  );
  const fixed = ObjectCreate(null) as PropertyDescriptor;
  fixed.configurable = false;
  ReflectDefineProperty(PromiseCtor, Symbol.species, fixed);
  ReflectDefineProperty(
    FunctionPrototype,
    "call",
    dataDescriptor(FunctionPrototypeCall),
  );
}

/** A new null-prototype object whose stack is captured here (its frames are remembered). */
export function captureSite(): object {
  const holder = ObjectCreate(null) as object;
  ErrorCaptureStackTrace(holder);
  return holder;
}

/** The remembered frames of a captured site, formatting them first. */
export function siteFrames(site: object): string[] {
  const getter = getterOf(ReflectGetOwnPropertyDescriptor(site, "stack"));
  if (typeof getter === "function") {
    try {
      ReflectApply(getter, site, []);
    } catch {
      return [];
    }
  }
  return framesOf(site) ?? [];
}

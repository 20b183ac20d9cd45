/**
 * The built-ins the runtime uses, captured when this module is evaluated:
 * before any script exists.
 *
 * A script may replace any method of any prototype it can reach
 * (`String.prototype.indexOf`, `Array.prototype[Symbol.iterator]`, the
 * `length` getter of typed arrays...). Code that must keep working whatever the
 * script did (the channel, the fuel meter's exhaustion path, error reports)
 * calls only what is exported here, through `uncurry` so no lookup on a
 * prototype happens at call time. It also avoids syntax that consults
 * prototypes implicitly: spread and `for...of` (the iterator protocol),
 * `instanceof` (`Symbol.hasInstance`), species-creating methods (`map`,
 * `slice`, `subarray`), and reads of properties that may be inherited (use
 * `ownData`).
 *
 * The Deno internals the runtime needs (proxy and native-error checks,
 * rejection and exception hooks, UTF-8, stdin and stdout, the process's exit
 * and parent) are captured here too, before the prelude removes `Deno`.
 *
 * @module
 */

const ReflectApply = Reflect.apply;

/** `fn.call(self, ...args)` without consulting `Function.prototype` later. */
export function uncurry<T, A extends unknown[], R>(
  fn: (this: T, ...args: A) => R,
): (self: T, ...args: A) => R {
  return (self: T, ...args: A): R => ReflectApply(fn, self, args);
}

function getter<T, R>(prototype: object, name: PropertyKey): (self: T) => R {
  const descriptor = Reflect.getOwnPropertyDescriptor(prototype, name);
  if (descriptor === undefined || descriptor.get === undefined) {
    throw new Error(`no getter ${String(name)}`);
  }
  return uncurry(descriptor.get as (this: T) => R);
}

export const ObjectCreate = Object.create;
export const ObjectFreeze = Object.freeze;
export const ObjectHasOwn = Object.hasOwn;
export const ObjectPrototype = Object.prototype;
export const ReflectDefineProperty = Reflect.defineProperty;
export const ReflectDeleteProperty = Reflect.deleteProperty;
export const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const ReflectGetPrototypeOf = Reflect.getPrototypeOf;
export const ReflectOwnKeys = Reflect.ownKeys;
export const ReflectSetPrototypeOf = Reflect.setPrototypeOf;
export { ReflectApply };

export const JSONParse = JSON.parse;
export const JSONStringify = JSON.stringify;
export const MathFloor = Math.floor;
export const MathMax = Math.max;
export const MathMin = Math.min;
export const NumberIsSafeInteger = Number.isSafeInteger;
export const NumberIsFinite = Number.isFinite;
export const String_ = String;
export const ArrayIsArray = Array.isArray;

export const ErrorCtor = Error;
export const TypeErrorCtor = TypeError;
export const PromiseCtor = Promise;
export const PromisePrototypeThen = uncurry(Promise.prototype.then);
export const FunctionPrototype = Function.prototype;
export const FunctionPrototypeCall = Function.prototype.call;
export const ErrorCaptureStackTrace = Error.captureStackTrace;

export const StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
export const StringPrototypeIndexOf = uncurry(String.prototype.indexOf);
export const StringPrototypeSlice = uncurry(String.prototype.slice);

/**
 * `array.push(item)` as an own element, defined rather than assigned: an
 * assignment to an index the array lacks runs any setter a script planted for
 * that index on `Object.prototype` or `Array.prototype` (and drops the item).
 */
export function ArrayPrototypePush<T>(array: T[], item: T): number {
  const at = array.length; // an array's own, non-configurable data property
  ReflectDefineProperty(array, at, {
    __proto__: null,
    value: item,
    writable: true,
    enumerable: true,
    configurable: true,
  } as PropertyDescriptor);
  return at + 1;
}

export const WeakMapCtor = WeakMap;
export const WeakMapPrototypeGet = uncurry(WeakMap.prototype.get) as (
  self: WeakMap<object, unknown>,
  key: object,
) => unknown;
export const WeakMapPrototypeSet = uncurry(WeakMap.prototype.set) as (
  self: WeakMap<object, unknown>,
  key: object,
  value: unknown,
) => WeakMap<object, unknown>;

export const Uint8ArrayCtor = Uint8Array;
const TypedArrayPrototype = ReflectGetPrototypeOf(
  Uint8Array.prototype,
) as object;
export const TypedArrayPrototypeGetLength = getter<Uint8Array, number>(
  TypedArrayPrototype,
  "length",
);
export const TypedArrayPrototypeGetBuffer = getter<Uint8Array, ArrayBufferLike>(
  TypedArrayPrototype,
  "buffer",
);
export const TypedArrayPrototypeGetByteOffset = getter<Uint8Array, number>(
  TypedArrayPrototype,
  "byteOffset",
);
export const TypedArrayPrototypeSet = uncurry(
  Uint8Array.prototype.set as (
    this: Uint8Array,
    source: Uint8Array,
    offset: number,
  ) => void,
);
export const TypedArrayPrototypeIndexOf = uncurry(
  Uint8Array.prototype.indexOf as (
    this: Uint8Array,
    value: number,
    from: number,
  ) => number,
);

/** The value of an own data property, never a getter's or an inherited one. */
export function ownData(object: object, key: PropertyKey): unknown {
  const descriptor = ReflectGetOwnPropertyDescriptor(object, key);
  return descriptor !== undefined && ObjectHasOwn(descriptor, "value")
    ? descriptor.value
    : undefined;
}

/** A property descriptor with no prototype: nothing planted on Object.prototype counts. */
export function dataDescriptor(
  value: unknown,
  enumerable = false,
): PropertyDescriptor {
  const descriptor = ObjectCreate(null) as PropertyDescriptor;
  descriptor.value = value;
  descriptor.writable = false;
  descriptor.configurable = false;
  descriptor.enumerable = enumerable;
  return descriptor;
}

interface DenoCore {
  isProxy(value: unknown): boolean;
  isMap(value: unknown): boolean;
  isSet(value: unknown): boolean;
  isNativeError(value: unknown): boolean;
  encode(text: string): Uint8Array;
  decode(bytes: Uint8Array): string;
  setUnhandledPromiseRejectionHandler(
    handler: (promise: Promise<unknown>, reason: unknown) => boolean,
  ): void;
  setReportExceptionCallback(callback: (error: unknown) => void): void;
  evalContext(
    source: string,
    specifier: string,
  ): [unknown, { thrown: unknown; isCompileError: boolean } | null];
  read(rid: number, buffer: Uint8Array): Promise<number>;
  createSystemInterval?(
    callback: () => void,
    ms: number,
    refed: boolean,
  ): unknown;
}

type DenoWithInternals = {
  internal: symbol;
  [key: symbol]: { core: DenoCore } | undefined;
};

/** Deno's core, captured before the prelude removes `Deno` (null outside Deno). */
const core: DenoCore | null = typeof Deno === "object"
  ? (() => {
    const deno = Deno as unknown as DenoWithInternals;
    return deno[deno.internal]?.core ?? null;
  })()
  : null;

const fallbackEncoder = new TextEncoder();
const fallbackDecoder = new TextDecoder();
const encodeWith = uncurry(TextEncoder.prototype.encode);
const decodeWith = uncurry(
  TextDecoder.prototype.decode as (this: TextDecoder, b: Uint8Array) => string,
);

/** Whether `value` is a Proxy (checking runs none of its traps). */
export const isProxy: (value: unknown) => boolean = core
  ? core.isProxy
  : () => false;
/** Whether `value` is a genuine error object (not a proxy, not a look-alike). */
export const isNativeError: (value: unknown) => boolean = core
  ? core.isNativeError
  : (value) => Error.isError(value);
/** Whether `value` is a genuine Map (a brand check: nothing of the value runs). */
export const isMap: (value: unknown) => boolean = core
  ? core.isMap
  : (value) => value instanceof Map;
/** Whether `value` is a genuine Set (a brand check: nothing of the value runs). */
export const isSet: (value: unknown) => boolean = core
  ? core.isSet
  : (value) => value instanceof Set;
export const MapPrototypeForEach = uncurry(
  Map.prototype.forEach as (
    this: Map<unknown, unknown>,
    each: (value: unknown, key: unknown) => void,
  ) => void,
);
export const SetPrototypeForEach = uncurry(
  Set.prototype.forEach as (
    this: Set<unknown>,
    each: (value: unknown) => void,
  ) => void,
);

/** UTF-8 bytes of `text`. */
export const encodeUtf8: (text: string) => Uint8Array = core
  ? core.encode
  : (text) => encodeWith(fallbackEncoder, text);
/** Text of UTF-8 `bytes` (malformed sequences become U+FFFD). */
export const decodeUtf8: (bytes: Uint8Array) => string = core
  ? core.decode
  : (bytes) => decodeWith(fallbackDecoder, bytes);
/** Deno's hooks for unhandled rejections and uncaught exceptions, if any. */
export const runtimeHooks:
  | Pick<
    DenoCore,
    "setUnhandledPromiseRejectionHandler" | "setReportExceptionCallback"
  >
  | null = core;
const coreEvalContext = core === null ? null : core.evalContext;

/**
 * Compile and run `source` as a classic script named `name`: its completion
 * value, or (not `ok`) what it threw and whether compiling failed. Deno's own
 * call, which `--disallow-code-generation-from-strings` leaves to the runtime
 * (`eval` and `Function` stay refused to the script); null outside Deno.
 */
export const evalClassic:
  | ((
    source: string,
    name: string,
  ) => { ok: boolean; value: unknown; compileError: boolean })
  | null = coreEvalContext === null ? null : (source, name) => {
    const outcome = coreEvalContext(source, name);
    const failure = outcome[1];
    return failure === null || failure === undefined
      ? { ok: true, value: outcome[0], compileError: false }
      : {
        ok: false,
        value: failure.thrown,
        compileError: failure.isCompileError,
      };
  };
/** The resource id of the process's stdin. */
const STDIN_RID = 0;
const coreRead = core === null ? null : core.read;

/**
 * Read what the process's stdin holds into `buffer`: the count of bytes, 0 at
 * its end. Deno's own op, captured before the script exists: `Deno.stdin.read`
 * would read `buffer.length` through a getter a script can redefine. The op's
 * stub calls through `Function.prototype.call`, which `harden.ts` fixes.
 */
export function readStdin(buffer: Uint8Array): Promise<number> {
  if (coreRead === null) throw new Error("no stdin");
  return coreRead(STDIN_RID, buffer);
}
/**
 * Call `callback` every `ms` milliseconds, not keeping the process alive for it.
 * Through Deno's own system interval where there is one: the first
 * `setInterval` loads Node's timers, 7 ms of a thread at start-up.
 */
export function every(ms: number, callback: () => void): void {
  if (typeof core?.createSystemInterval === "function") {
    core.createSystemInterval(callback, ms, false);
  } else {
    setInterval(callback, ms);
  }
}

/** `Deno.inspect`, captured before `Deno` is removed. */
export const inspect: typeof Deno.inspect | null = typeof Deno === "object"
  ? Deno.inspect
  : null;

const stdout = typeof Deno === "object" ? Deno.stdout : null;
const stdoutWriteSync = stdout === null ? null : uncurry(stdout.writeSync);

/**
 * Write all of `bytes` to the process's stdout, blocking while the pipe is full.
 * Captured before `Deno` is removed: the sandbox's frames go there, to the
 * host's pipe, and nothing else in the process writes to it.
 */
export function writeStdout(bytes: Uint8Array): void {
  if (stdout === null || stdoutWriteSync === null) throw new Error("no stdout");
  const buffer = TypedArrayPrototypeGetBuffer(bytes);
  const offset = TypedArrayPrototypeGetByteOffset(bytes);
  const size = TypedArrayPrototypeGetLength(bytes);
  let from = 0;
  while (from < size) {
    from += stdoutWriteSync(
      stdout,
      from === 0
        ? bytes
        : new Uint8ArrayCtor(buffer, offset + from, size - from),
    );
  }
}

const denoExit = typeof Deno === "object" ? Deno.exit : null;
const parentPidGetter = typeof Deno === "object"
  ? ReflectGetOwnPropertyDescriptor(Deno, "ppid")?.get ?? null
  : null;
/** Deno's flag that its `unload` event has been dispatched (`Deno.exit` reads it). */
const UNLOAD_DISPATCHED = Symbol.for("Deno.isUnloadDispatched");

/**
 * End the process now, running no code of the script. Deno's own `exit`,
 * captured before `Deno` is removed, told first that `unload` is past: the
 * prelude has cut the global scope's event machinery, and no listener may run
 * at the end anyway. The flag is set only here, so the script never sees it.
 * Where the script made the flag's property its own for good, the process
 * spins instead until it is killed: by the host, or with the host gone, by
 * the kernel once the host's CPU lease runs out.
 */
export function exitProcess(): never {
  try {
    const flagged = ReflectDefineProperty(
      globalThis,
      UNLOAD_DISPATCHED,
      dataDescriptor(true),
    );
    if (flagged && denoExit !== null) denoExit(0);
  } catch {
    // nothing of the script's ran: spin below
  }
  while (true) {
    // burn the lease: see above
  }
}

/** The pid of the process's parent now (Deno's `ppid`, captured); 0 outside Deno. */
export function parentPid(): number {
  return parentPidGetter === null ? 0 : ReflectApply(parentPidGetter, null, []);
}

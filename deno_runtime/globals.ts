/**
 * The worker's global scope, cut down to an allowlist.
 *
 * A Worker's global object holds far more than its documentation shows
 * (`Deno`, `Buffer`, `setImmediate`, `navigator.gpu`, the Cache API, streams,
 * sockets...) and new Deno releases add more: removing a list of known names
 * would let each addition through. So everything is removed except what
 * scripts need: the ECMAScript built-ins, timers, text encoding, URLs,
 * `structuredClone`, `crypto`, `performance.now` and tsact's own globals. The
 * global object's prototype chain (`EventTarget` and the worker scope
 * classes) is replaced by `Object.prototype`, and symbol-keyed internals
 * (Deno's listener table and brand) are removed once the start message has
 * arrived. `tests/sandbox/test_globals.py` snapshots the result.
 *
 * @module
 */
import {
  dataDescriptor,
  ObjectPrototype,
  ReflectDefineProperty,
  ReflectDeleteProperty,
  ReflectOwnKeys,
  ReflectSetPrototypeOf,
} from "./primordials.ts";

/** Globals a script may use (besides `external_*`, which the runtime adds). */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  // ECMAScript
  "AggregateError",
  "Array",
  "ArrayBuffer",
  "AsyncDisposableStack",
  "Atomics",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Boolean",
  "DataView",
  "Date",
  "DisposableStack",
  "Error",
  "EvalError",
  "FinalizationRegistry",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "Function",
  "Infinity",
  "Int16Array",
  "Int32Array",
  "Int8Array",
  "Intl",
  "Iterator",
  "JSON",
  "Map",
  "Math",
  "NaN",
  "Number",
  "Object",
  "Promise",
  "Proxy",
  "RangeError",
  "ReferenceError",
  "Reflect",
  "RegExp",
  "Set",
  "SharedArrayBuffer",
  "String",
  "SuppressedError",
  "Symbol",
  "SyntaxError",
  "Temporal",
  "TypeError",
  "URIError",
  "Uint16Array",
  "Uint32Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "WeakMap",
  "WeakRef",
  "WeakSet",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "escape",
  "eval",
  "globalThis",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "undefined",
  "unescape",
  // the web platform a script needs
  "atob",
  "btoa",
  "clearInterval",
  "clearTimeout",
  "console",
  "crypto",
  "DOMException",
  "performance",
  "queueMicrotask",
  "self",
  "setInterval",
  "setTimeout",
  "structuredClone",
  "TextDecoder",
  "TextEncoder",
  "URL",
  "URLSearchParams",
  // tsact's own (fetch only refuses, with a message that names the way out)
  "ToolError",
  "fetch",
  "final_answer",
]);

/** Remove every global name that is not allowed. */
export function removeGlobals(scope: object): void {
  const keys = ReflectOwnKeys(scope);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string") continue;
    if (ALLOWED_GLOBALS.has(key) || isToolGlobal(key)) continue;
    if (!ReflectDeleteProperty(scope, key)) {
      ReflectDefineProperty(scope, key, dataDescriptor(undefined));
    }
  }
}

/**
 * Remove the global object's prototype chain (`EventTarget` and the worker
 * scope classes) and its symbol-keyed properties (Deno's listener table and
 * brand), once no message is expected: Deno's message loop needs them.
 */
export function removeGlobalInternals(scope: object): void {
  ReflectSetPrototypeOf(scope, ObjectPrototype);
  const keys = ReflectOwnKeys(scope);
  for (let i = 0; i < keys.length; i++) {
    if (typeof keys[i] === "symbol") ReflectDeleteProperty(scope, keys[i]);
  }
}

function isToolGlobal(name: string): boolean {
  return name.length > 9 && name.slice(0, 9) === "external_";
}

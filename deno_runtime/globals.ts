/**
 * The sandbox's global scope, cut down to an allowlist.
 *
 * Deno's global object holds far more than its documentation shows
 * (`Deno`, `Buffer`, `setImmediate`, `navigator.gpu`, the Cache API, streams,
 * sockets...) and new Deno releases add more: removing a list of known names
 * would let each addition through. So everything is removed except what
 * scripts need: the ECMAScript built-ins, timers, text encoding, URLs,
 * `structuredClone`, `crypto`, `performance.now` and tsact's own globals. The
 * global object's prototype chain (`Window`, `EventTarget`) is replaced by
 * `Object.prototype`, and symbol-keyed internals (Deno's listener table and
 * brand) are removed once Deno has dispatched `load`. `tests/sandbox/test_globals.py` snapshots the result.
 *
 * @module
 */
import ALLOWED from "./allowed_globals.json" with { type: "json" };
import {
  dataDescriptor,
  ObjectPrototype,
  ReflectDefineProperty,
  ReflectDeleteProperty,
  ReflectOwnKeys,
  ReflectSetPrototypeOf,
} from "./primordials.ts";

/**
 * Globals a script may use (besides `external_*`, which the runtime adds):
 * ECMAScript's, the few web ones a script needs, and tsact's own.
 * `removed_globals.json` lists every other name Deno's global scope has (the type
 * checker shadows them), and a test fails when Deno adds one to neither.
 */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set(ALLOWED);

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
 * Remove the global object's prototype chain (`Window`, `EventTarget`) and its
 * symbol-keyed properties (Deno's listener table and brand), once Deno has
 * dispatched `load`: the dispatch needs them.
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

/**
 * What the script ended with, described without running any of its code.
 *
 * The kind of an error is decided by what the runtime saw, never by what the
 * thrown value says about itself: `tool` only for a ToolError the runtime
 * made for a failed call, `runtime` for anything the script threw (a
 * `RangeError` saying "Array buffer allocation failed" included). Name and
 * message are own data properties (no getter, no proxy trap, no `toString`);
 * the stack is built from the frames V8 reported (`harden.ts`), so a `stack`
 * the script wrote cannot move the error's line.
 *
 * @module
 */
import { formatStack, framesOf, headerOf, inheritedData } from "./harden.ts";
import type { ScriptError } from "./messages.ts";
import {
  ArrayIsArray,
  isNativeError,
  isProxy,
  JSONStringify,
  ObjectHasOwn,
  ReflectGetOwnPropertyDescriptor,
  ReflectOwnKeys,
  String_,
} from "./primordials.ts";

/** The most items or keys a thrown non-error shows, at the most this depth. */
const SHOW_ITEMS = 10;
const SHOW_DEPTH = 2;

/** A short text for any value, built from primitives and own data properties only. */
export function safeText(value: unknown, depth = 0): string {
  switch (typeof value) {
    case "string":
      return depth === 0 ? value : JSONStringify(value);
    case "number":
    case "boolean":
    case "undefined":
    case "bigint":
      return String_(value) + (typeof value === "bigint" ? "n" : "");
    case "symbol":
      return String_(value);
    case "function":
      return "[Function]";
  }
  if (value === null) return "null";
  const object = value as object;
  if (isProxy(object)) return "[Proxy]";
  if (depth >= SHOW_DEPTH) return ArrayIsArray(object) ? "[Array]" : "[Object]";
  const keys = ReflectOwnKeys(object);
  let shown = 0;
  let text = "";
  for (let i = 0; i < keys.length && shown < SHOW_ITEMS; i++) {
    const key = keys[i];
    if (typeof key !== "string" || (ArrayIsArray(object) && key === "length")) {
      continue;
    }
    const descriptor = ReflectGetOwnPropertyDescriptor(object, key);
    if (descriptor === undefined || !ObjectHasOwn(descriptor, "value")) {
      continue;
    }
    const item = safeText(descriptor.value, depth + 1);
    text += (shown ? ", " : "") +
      (ArrayIsArray(object) ? item : key + ": " + item);
    shown++;
  }
  if (ArrayIsArray(object)) return "[ " + text + " ]";
  return text ? "{ " + text + " }" : "{}";
}

/** The script's error as a `runtime` error (kind and all from what was observed). */
export function describeThrown(value: unknown): ScriptError {
  if (value !== null && typeof value === "object" && isNativeError(value)) {
    formatStack(value);
    const frames = framesOf(value);
    const header = headerOf(value);
    const name = inheritedData(value, "name");
    const message = inheritedData(value, "message");
    let stack: string | null = null;
    if (frames !== null) {
      stack = header;
      for (let i = 0; i < frames.length; i++) stack += "\n" + frames[i];
    }
    return {
      kind: "runtime",
      name: typeof name === "string" ? name : "Error",
      message: typeof message === "string" ? message : "",
      stack,
    };
  }
  return { kind: "runtime", name: "", message: safeText(value), stack: null };
}

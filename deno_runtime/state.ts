/**
 * Variables that carry from one script of a session to the next.
 *
 * The wrapper hands the prelude one closure per top-level name of the script
 * (and per name carried in); when the script ends, however it ends, each is
 * read: values that are JSON data (null, booleans, finite numbers, strings,
 * arrays, plain objects, no cycles, no getters) go back to the host with a
 * TypeScript type inferred from the value and a short summary; anything else
 * is named with the reason it stays behind. The walk reads own data
 * properties only and the serialisation runs on data alone, so no code of the
 * script runs here.
 *
 * Inferred types are deterministic and bounded: arrays are sampled, object
 * shapes merged (a key some samples lack is optional), unions kept small,
 * depth capped; past any cap a type is `any`.
 *
 * @module
 */
import {
  ArrayIsArray,
  ArrayPrototypePush,
  encodeUtf8,
  isProxy,
  JSONStringify,
  NumberIsFinite,
  ObjectCreate,
  ObjectHasOwn,
  ObjectPrototype,
  ownData,
  PromiseCtor,
  ReflectGetOwnPropertyDescriptor,
  ReflectGetPrototypeOf,
  ReflectOwnKeys,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  TypedArrayPrototypeGetLength,
} from "./primordials.ts";

/** What the wrapper exposes: the names, and a function making one reader per name. */
interface Exposed {
  names: readonly string[];
  readers: () => (() => unknown)[];
}

let exposed: Exposed | null = null;

/** Called by the wrapper before the script's first statement. */
export function expose(
  names: readonly string[],
  readers: () => (() => unknown)[],
): void {
  if (exposed === null) exposed = { names, readers };
}

const MAX_DEPTH = 256;
const TYPE_DEPTH = 6;
const SAMPLE_HEAD = 32;
const SAMPLE_TAIL = 8;
const MAX_KEYS = 40;
const MAX_UNION = 4;
const MAX_TYPE_CHARS = 2000;

/** Why `value` is not JSON data, or null when it is. */
function notData(
  value: unknown,
  depth: number,
  path: unknown[],
): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return NumberIsFinite(value) ? null : "not a finite number";
    case "undefined":
      return "undefined";
    case "function":
      return "a function or class";
    case "symbol":
      return "a symbol";
    case "bigint":
      return "a bigint";
  }
  if (value === null) return null;
  const object = value as object;
  if (isProxy(object)) return "a Proxy";
  if (depth > MAX_DEPTH) return "nested deeper than " + MAX_DEPTH + " levels";
  for (let i = 0; i < path.length; i++) {
    if (path[i] === object) return "circular";
  }
  const isArray = ArrayIsArray(object);
  if (!isArray) {
    const prototype = ReflectGetPrototypeOf(object);
    if (prototype !== ObjectPrototype && prototype !== null) {
      return describeInstance(prototype);
    }
  }
  ArrayPrototypePush(path, object);
  const keys = ReflectOwnKeys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string" || (isArray && key === "length")) continue;
    const descriptor = ReflectGetOwnPropertyDescriptor(object, key);
    if (descriptor === undefined || !descriptor.enumerable) continue;
    if (!ObjectHasOwn(descriptor, "value")) return "holds a getter";
    const reason = notData(descriptor.value, depth + 1, path);
    if (reason !== null) return reason;
  }
  path.length = path.length - 1;
  return null;
}

function describeInstance(prototype: object): string {
  if (prototype === PromiseCtor.prototype) return "a Promise";
  const constructor = isProxy(prototype)
    ? null
    : ownData(prototype, "constructor");
  const name = typeof constructor === "function"
    ? ownData(constructor, "name")
    : null;
  return typeof name === "string" && name
    ? "a " + name + " (not plain JSON data)"
    : "an object with a prototype (not plain JSON data)";
}

// -- inferred types ------------------------------------------------------------------

type Shape =
  | { k: "any" }
  | { k: "prim"; name: string }
  | { k: "array"; element: Shape | null }
  | { k: "object"; keys: string[]; fields: Record<string, Field> }
  | { k: "union"; members: Shape[] };

interface Field {
  shape: Shape;
  optional: boolean;
}

const ANY: Shape = { k: "any" };

function shapeOf(value: unknown, depth: number): Shape {
  if (value === null) return { k: "prim", name: "null" };
  const kind = typeof value;
  if (kind === "string" || kind === "number" || kind === "boolean") {
    return { k: "prim", name: kind };
  }
  if (depth >= TYPE_DEPTH) return ANY;
  const object = value as Record<string, unknown>;
  if (ArrayIsArray(object)) {
    const list = object as unknown[];
    let element: Shape | null = null;
    const size = list.length;
    for (let i = 0; i < size; i++) {
      if (i === SAMPLE_HEAD && size > SAMPLE_HEAD + SAMPLE_TAIL) {
        i = size - SAMPLE_TAIL;
      }
      const item = shapeOf(ownData(list, "" + i) ?? null, depth + 1);
      element = element === null ? item : merge(element, item);
    }
    return { k: "array", element };
  }
  const keys: string[] = [];
  const fields: Record<string, Field> = ObjectCreate(null);
  const own = ReflectOwnKeys(object);
  for (let i = 0; i < own.length; i++) {
    const key = own[i];
    if (typeof key !== "string") continue;
    if (keys.length === MAX_KEYS) {
      return { k: "object", keys: [], fields: ObjectCreate(null) };
    }
    ArrayPrototypePush(keys, key);
    fields[key] = {
      shape: shapeOf(ownData(object, key), depth + 1),
      optional: false,
    };
  }
  return { k: "object", keys, fields };
}

function merge(a: Shape, b: Shape): Shape {
  if (a.k === "any" || b.k === "any") return ANY;
  if (a.k === "prim" && b.k === "prim" && a.name === b.name) return a;
  if (a.k === "array" && b.k === "array") {
    if (a.element === null) return b;
    if (b.element === null) return a;
    return { k: "array", element: merge(a.element, b.element) };
  }
  if (a.k === "object" && b.k === "object") {
    if (a.keys.length === 0 || b.keys.length === 0) {
      return a.keys.length === 0 && b.keys.length === 0 ? a : ANY;
    }
    const keys: string[] = [];
    const fields: Record<string, Field> = ObjectCreate(null);
    for (let i = 0; i < a.keys.length; i++) {
      const key = a.keys[i];
      ArrayPrototypePush(keys, key);
      const other = ObjectHasOwn(b.fields, key) ? b.fields[key] : null;
      fields[key] = other === null
        ? { shape: a.fields[key].shape, optional: true }
        : {
          shape: merge(a.fields[key].shape, other.shape),
          optional: a.fields[key].optional || other.optional,
        };
    }
    for (let i = 0; i < b.keys.length; i++) {
      const key = b.keys[i];
      if (ObjectHasOwn(fields, key)) continue;
      if (keys.length === MAX_KEYS) return ANY;
      ArrayPrototypePush(keys, key);
      fields[key] = { shape: b.fields[key].shape, optional: true };
    }
    return { k: "object", keys, fields };
  }
  const members: Shape[] = [];
  addMember(members, a);
  addMember(members, b);
  return members.length > MAX_UNION ? ANY : { k: "union", members };
}

function addMember(members: Shape[], shape: Shape): void {
  if (shape.k === "union") {
    for (let i = 0; i < shape.members.length; i++) {
      addMember(members, shape.members[i]);
    }
    return;
  }
  for (let i = 0; i < members.length; i++) {
    const member = members[i];
    if (member.k === shape.k && member.k !== "prim") {
      members[i] = merge(member, shape);
      return;
    }
    if (
      member.k === "prim" && shape.k === "prim" && member.name === shape.name
    ) return;
  }
  ArrayPrototypePush(members, shape);
}

function isIdentifier(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = StringPrototypeCharCodeAt(key, i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ||
      c === 36;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

function keyText(key: string): string {
  return isIdentifier(key) ? key : JSONStringify(key);
}

function render(shape: Shape): string {
  switch (shape.k) {
    case "any":
      return "any";
    case "prim":
      return shape.name;
    case "array": {
      if (shape.element === null) return "any[]";
      const element = render(shape.element);
      return shape.element.k === "union"
        ? "(" + element + ")[]"
        : element + "[]";
    }
    case "union": {
      let text = "";
      for (let i = 0; i < shape.members.length; i++) {
        text += (i ? " | " : "") + render(shape.members[i]);
      }
      return text;
    }
    case "object": {
      if (shape.keys.length === 0) return "{ [k: string]: any }";
      let text = "{ ";
      for (let i = 0; i < shape.keys.length; i++) {
        const field = shape.fields[shape.keys[i]];
        text += keyText(shape.keys[i]) + (field.optional ? "?: " : ": ") +
          render(field.shape) + "; ";
      }
      return text + "}";
    }
  }
}

/** The TypeScript type of JSON data `value`, bounded in size. */
export function typeOf(value: unknown): string {
  for (let depth = TYPE_DEPTH; depth >= 0; depth--) {
    const text = render(shapeOf(value, TYPE_DEPTH - depth));
    if (text.length <= MAX_TYPE_CHARS) return text;
  }
  return "any";
}

function count(n: number): string {
  let text = "" + n;
  for (let at = text.length - 3; at > 0; at -= 3) {
    text = StringPrototypeSlice(text, 0, at) + "," +
      StringPrototypeSlice(text, at);
  }
  return text;
}

/** A short description: `array of 12,450 objects`, `string (1,234 chars)`. */
export function summaryOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") {
    return "string (" + count(value.length) + " chars)";
  }
  if (typeof value !== "object") return typeof value;
  if (ArrayIsArray(value)) {
    const list = value as unknown[];
    if (list.length === 0) return "empty array";
    const first = list[0];
    const kind = first === null
      ? "nulls"
      : ArrayIsArray(first)
      ? "arrays"
      : typeof first === "object"
      ? "objects"
      : typeof first + "s";
    return "array of " + count(list.length) + " " + kind;
  }
  return "object with " + count(ReflectOwnKeys(value).length) + " keys";
}

/**
 * The JSON text of the `state` member of the final frame: each variable that
 * holds JSON data with its type, summary, size and value; the others with
 * why they stay behind. Null when the script runs outside a session.
 */
export function capturedState(maxBytes: number): string | null {
  if (exposed === null) return null;
  const names = exposed.names;
  let readers: (() => unknown)[];
  try {
    readers = exposed.readers();
  } catch {
    return '{"vars":[],"dropped":[],"error":"the variables could not be read"}';
  }
  let vars = "";
  let dropped = "";
  let total = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    let value: unknown;
    let reason: string | null;
    try {
      value = readers[i]();
      reason = notData(value, 0, []);
    } catch {
      reason = "not assigned when the script ended";
    }
    if (reason !== null) {
      dropped += (dropped ? "," : "") + '{"name":' + JSONStringify(name) +
        ',"reason":' + JSONStringify(reason) + "}";
      continue;
    }
    const json = JSONStringify(value);
    const bytes = TypedArrayPrototypeGetLength(encodeUtf8(json));
    total += bytes;
    if (total > maxBytes) {
      return '{"vars":[],"dropped":[],"error":' +
        JSONStringify(
          "the variables to carry are over max_state_bytes (" + maxBytes +
            "): this step's state was not kept, the previous state stays",
        ) + "}";
    }
    vars += (vars ? "," : "") + '{"name":' + JSONStringify(name) + ',"type":' +
      JSONStringify(typeOf(value)) + ',"summary":' +
      JSONStringify(summaryOf(value)) + ',"bytes":' + bytes + ',"value":' +
      json + "}";
  }
  return '{"vars":[' + vars + '],"dropped":[' + dropped + '],"error":null}';
}

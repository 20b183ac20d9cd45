/**
 * JSON text of a script's value, with Maps and Sets kept.
 *
 * `JSON.stringify` writes a Map or a Set as `{}`, silently dropping what it
 * holds. A value whose JSON has no `{}` holds neither (the fast path: one
 * plain `stringify`); otherwise it is written again with each Map as an object
 * (or as `[key, value]` pairs when a key is not a string or a number) and
 * each Set as an array. Entries are read with the built-ins captured at start,
 * so no iterator the script replaced runs.
 *
 * @module
 */
import {
  ArrayPrototypePush,
  isMap,
  isSet,
  JSONStringify,
  MapPrototypeForEach,
  ObjectCreate,
  ReflectDefineProperty,
  SetPrototypeForEach,
  StringPrototypeIndexOf,
} from "./primordials.ts";

function plain(value: unknown): unknown {
  if (isSet(value)) {
    const items: unknown[] = [];
    SetPrototypeForEach(value as Set<unknown>, (item) => {
      ArrayPrototypePush(items, item);
    });
    return items;
  }
  if (isMap(value)) {
    const map = value as Map<unknown, unknown>;
    let keyed = true;
    MapPrototypeForEach(map, (_, key) => {
      if (typeof key !== "string" && typeof key !== "number") keyed = false;
    });
    if (!keyed) {
      const pairs: unknown[] = [];
      MapPrototypeForEach(map, (item, key) => {
        ArrayPrototypePush(pairs, [key, item]);
      });
      return pairs;
    }
    const object = ObjectCreate(null) as Record<string, unknown>;
    MapPrototypeForEach(map, (item, key) => {
      const descriptor = ObjectCreate(null) as PropertyDescriptor;
      descriptor.value = item;
      descriptor.enumerable = true;
      descriptor.writable = true;
      descriptor.configurable = true;
      ReflectDefineProperty(object, "" + key, descriptor);
    });
    return object;
  }
  return value;
}

function replacer(_key: string, value: unknown): unknown {
  return plain(value);
}

/** `value`'s JSON text (undefined for a value JSON has no text for, as `stringify`). */
export function toJson(value: unknown): string | undefined {
  const json = JSONStringify(value);
  if (json === undefined || StringPrototypeIndexOf(json, "{}") < 0) return json;
  return JSONStringify(value, replacer);
}

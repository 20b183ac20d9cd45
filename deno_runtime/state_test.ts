import { assertEquals } from "./test_assert.ts";
import { capturedState, expose, summaryOf, typeOf } from "./state.ts";

Deno.test("types are inferred from values, shapes merged, missing keys optional", () => {
  assertEquals(typeOf(1), "number");
  assertEquals(typeOf([1, "a"]), "(number | string)[]");
  assertEquals(
    typeOf([{ a: 1, b: "x" }, { a: 2 }]),
    "{ a: number; b?: string; }[]",
  );
  assertEquals(typeOf({ "odd key": null }), '{ "odd key": null; }');
  assertEquals(typeOf([]), "any[]");
});

Deno.test("types stay bounded: deep values, wide unions and many keys become any", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 20; i++) deep = [deep];
  assertEquals(typeOf(deep).includes("any"), true);
  assertEquals(typeOf([1, "a", true, null, [1], { a: 1 }]), "any[]");
  const wide: Record<string, number> = {};
  for (let i = 0; i < 100; i++) wide["k" + i] = i;
  assertEquals(typeOf(wide), "{ [k: string]: any }");
});

Deno.test("summaries say what a value is and how big", () => {
  assertEquals(summaryOf([{ a: 1 }, { a: 2 }]), "array of 2 objects");
  assertEquals(summaryOf("x".repeat(12450)), "string (12,450 chars)");
  assertEquals(summaryOf({ a: 1 }), "object with 1 keys");
});

Deno.test("capture keeps JSON data and names what stays behind", () => {
  let unset: unknown;
  const readers = [
    () => ({ a: [1, 2] }),
    () => () => 1,
    () => new Map(),
    () => {
      throw new ReferenceError("not initialised");
    },
    () => unset,
  ];
  expose(["data", "fn", "map", "later", "unset"], () => readers);
  const state = JSON.parse(capturedState(1_000_000) ?? "null");
  assertEquals(state.vars.map((v: { name: string }) => v.name), ["data"]);
  assertEquals(state.vars[0].value, { a: [1, 2] });
  assertEquals(
    state.dropped.map((
      d: { name: string; reason: string },
    ) => [d.name, d.reason]),
    [
      ["fn", "a function or class"],
      ["map", "a Map (not plain JSON data)"],
      ["later", "not assigned when the script ended"],
      ["unset", "undefined"],
    ],
  );
  const over = JSON.parse(capturedState(3) ?? "null");
  assertEquals(over.vars, []);
  assertEquals(typeof over.error, "string");
});

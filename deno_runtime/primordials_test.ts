import { assertEquals } from "./test_assert.ts";
import { evalClassic } from "./primordials.ts";

function evaluate(source: string) {
  if (evalClassic === null) throw new Error("Deno's core is not reachable");
  return evalClassic(source, "tsact:test.js");
}

Deno.test("evalClassic gives a classic script's completion value", () => {
  const outcome = evaluate('"use strict"; (a, b) => a + b;');
  assertEquals(outcome.ok, true);
  assertEquals((outcome.value as (a: number, b: number) => number)(2, 3), 5);
});

Deno.test("evalClassic says a compile error is one", () => {
  const outcome = evaluate('"use strict"; let x = 1; let x = 2;');
  assertEquals(outcome.ok, false);
  assertEquals(outcome.compileError, true);
  assertEquals(
    String(outcome.value),
    "SyntaxError: Identifier 'x' has already been declared",
  );
});

Deno.test("evalClassic gives what a script threw as it ran", () => {
  const outcome = evaluate('"use strict"; undeclared = 1;');
  assertEquals(outcome.ok, false);
  assertEquals(outcome.compileError, false);
  assertEquals(
    String(outcome.value),
    "ReferenceError: undeclared is not defined",
  );
});

Deno.test("evalClassic declares nothing global inside a function", () => {
  const outcome = evaluate(
    '"use strict"; (() => { var hidden = 1; return hidden; })();',
  );
  assertEquals(outcome.value, 1);
  assertEquals("hidden" in globalThis, false);
});

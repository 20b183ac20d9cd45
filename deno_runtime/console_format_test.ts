import { assertEquals } from "./test_assert.ts";
import { formatArgs } from "./console_format.ts";

const inspect = Deno.inspect;

Deno.test("objects print like Deno's console, never [object Object]", () => {
  assertEquals(formatArgs([{ a: 1 }], inspect), "{ a: 1 }");
  assertEquals(formatArgs(["x", [1, 2], null], inspect), "x [ 1, 2 ] null");
});

Deno.test("printf-style substitutions", () => {
  assertEquals(formatArgs(["%s=%d%%", "n", 4.5], inspect), "n=4.5%");
  assertEquals(
    formatArgs(["%i|%f|%j", 4.9, "2", { a: 1 }], inspect),
    '4|2|{"a":1}',
  );
  assertEquals(
    formatArgs(["%o!", { b: 2 }, "tail"], inspect),
    "{ b: 2 }! tail",
  );
  assertEquals(formatArgs(["%c styled", "color: red"], inspect), " styled");
});

Deno.test("a lone string with % is printed as is", () => {
  assertEquals(formatArgs(["100%s"], inspect), "100%s");
});

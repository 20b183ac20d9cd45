import { assertEquals } from "./test_assert.ts";
import { describeThrown, safeText } from "./errors.ts";

Deno.test("safeText shows data and runs no code of the value", () => {
  let ran = false;
  const value = {
    code: 404,
    list: [1, "two"],
    get trap() {
      ran = true;
      return 1;
    },
  };
  assertEquals(safeText(value), '{ code: 404, list: [ 1, "two" ] }');
  assertEquals(ran, false);
  assertEquals(safeText(new Proxy({}, {})), "[Proxy]");
  assertEquals(safeText("plain"), "plain");
  assertEquals(safeText(10n), "10n");
});

Deno.test("a thrown error is a runtime error whatever it says about itself", () => {
  const error = new RangeError("Array buffer allocation failed");
  const described = describeThrown(error);
  assertEquals(
    [described.kind, described.name, described.message],
    ["runtime", "RangeError", "Array buffer allocation failed"],
  );
  assertEquals(describeThrown("text").message, "text");
});

Deno.test("message getters are not called", () => {
  const error = new Error("real");
  Object.defineProperty(error, "message", {
    get() {
      throw new Error("getter ran");
    },
  });
  assertEquals(describeThrown(error).message, "");
});

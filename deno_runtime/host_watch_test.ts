import { assertEquals } from "./test_assert.ts";
import { HOST_CHECK_MS, sliceAtomicsWait } from "./host_watch.ts";

const original = Atomics.wait;

function sliced<T>(body: () => T): T {
  sliceAtomicsWait(Deno.ppid); // the host stays: no slice ends the process
  try {
    return body();
  } finally {
    Atomics.wait = original;
  }
}

Deno.test("a sliced wait still says not-equal at once", () => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  assertEquals(sliced(() => Atomics.wait(cell, 0, 1)), "not-equal");
});

Deno.test("a sliced wait waits its whole timeout, across slices", () => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const started = performance.now();
  const outcome = sliced(() => Atomics.wait(cell, 0, 0, HOST_CHECK_MS + 50));
  const waited = performance.now() - started;
  assertEquals(outcome, "timed-out");
  assertEquals(waited >= HOST_CHECK_MS + 45, true);
});

Deno.test("a sliced wait refuses what the original refuses", () => {
  const unshared = new Int32Array(4);
  let refused = "";
  try {
    sliced(() => Atomics.wait(unshared, 0, 0, 0));
  } catch (error) {
    refused = (error as Error).name;
  }
  assertEquals(refused, "TypeError");
});

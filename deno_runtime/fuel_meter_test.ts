import { assertEquals } from "./test_assert.ts";
import { createFuelMeter } from "./fuel_meter.ts";

function tick(meter: ReturnType<typeof createFuelMeter>): void {
  --meter.counter[0] < 0 && meter.out();
}

Deno.test("counts ticks and charges exactly", () => {
  const meter = createFuelMeter(100, null);
  for (let i = 0; i < 10; i++) tick(meter);
  meter.charge(5);
  assertEquals(meter.used(), 15);
  assertEquals(meter.exhausted, false);
});

Deno.test("refills across chunks without losing a unit", () => {
  const meter = createFuelMeter(25, null, 4);
  for (let i = 0; i < 25; i++) tick(meter);
  assertEquals(meter.used(), 25);
  let threw = "";
  try {
    tick(meter);
  } catch (e) {
    threw = (e as Error).name;
  }
  assertEquals(threw, "FuelExhausted");
});

Deno.test("exhaustion is terminal and reported once", () => {
  let reports = 0;
  const meter = createFuelMeter(3, () => reports++);
  let throws = 0;
  for (let i = 0; i < 10; i++) {
    try {
      tick(meter);
    } catch {
      throws++;
    }
  }
  assertEquals([throws, reports, meter.used(), meter.counter[0]], [
    7,
    1,
    3,
    -1,
  ]);
});

Deno.test("a patched Math.min or Error buys nothing", () => {
  const meter = createFuelMeter(2, null);
  const savedError = globalThis.Error;
  const savedMin = Math.min;
  Math.min = () => 1e9;
  // deno-lint-ignore no-explicit-any
  (globalThis as any).Error = function () {};
  try {
    tick(meter);
    tick(meter);
    let name = "";
    try {
      tick(meter);
    } catch (e) {
      name = (e as Error).name;
    }
    assertEquals(name, "FuelExhausted");
  } finally {
    globalThis.Error = savedError;
    Math.min = savedMin;
  }
});

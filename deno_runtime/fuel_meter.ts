/**
 * The fuel meter: a deterministic work budget for the instrumented script.
 *
 * The instrumentation pass (`tsact/_scripts/fuel.py`) puts `--__tsact_f[0]<0&&__tsact_out()`
 * at every loop iteration and function entry; `__tsact_f` is this meter's `counter`
 * and `__tsact_out` its `out`. The counter is an Int32Array slot, so a tick is an
 * int32 decrement and a branch never taken. Budgets above 2^31-1 are handed out
 * in chunks from a reserve.
 *
 * Built-ins are captured when the meter is made, before any user code runs, and no
 * method a script can replace is called afterwards: a patched `Math.min` or `Error`
 * buys no fuel. Once exhausted the counter is parked at -1, so every later tick
 * throws again: catching the error cannot keep a script running.
 *
 * @module
 */

/** What the instrumented script and the prelude use. */
export interface FuelMeter {
  /** Slot 0: fuel left in the current chunk. */
  readonly counter: Int32Array;
  /** Called by a tick when the counter went negative: refill, or throw. */
  readonly out: () => void;
  /** Charge `n` units at once (a tool call); throws like a tick when fuel runs out. */
  charge(n: number): void;
  /** Units used so far (the whole budget once exhausted). */
  used(): number;
  /** True once the budget ran out. */
  readonly exhausted: boolean;
}

const INT32_MAX = 2147483647;

/** Make a meter with `budget` units; `onExhausted` runs once, before the first throw. */
export function createFuelMeter(
  budget: number,
  onExhausted: (() => void) | null,
  chunk: number = INT32_MAX,
): FuelMeter {
  const FuelError = Error;
  const define = Object.defineProperty;
  const create = Object.create;
  const counter = new Int32Array(1);
  let reserve = budget;
  let exhausted = false;
  const take = (): number => {
    const n = reserve < chunk ? reserve : chunk;
    reserve -= n;
    return n;
  };
  // The counter would be f < 0: pay the -f units owed from the reserve and hand out a
  // new chunk, or end the run.
  const settle = (f: number): void => {
    if (!exhausted && reserve >= -f) {
      reserve += f;
      counter[0] = take();
      return;
    }
    counter[0] = -1;
    if (!exhausted) {
      exhausted = true;
      if (onExhausted) onExhausted();
    }
    const error = new FuelError("fuel exhausted");
    // A null-prototype descriptor: a getter planted on Object.prototype is not consulted.
    const descriptor = create(null) as PropertyDescriptor;
    descriptor.value = "FuelExhausted";
    define(error, "name", descriptor);
    throw error;
  };
  counter[0] = take();
  return {
    counter,
    out: () => settle(counter[0]),
    charge(n: number): void {
      const f = counter[0] - n;
      if (f < 0) settle(f);
      else counter[0] = f;
    },
    used: () => (exhausted ? budget : budget - reserve - counter[0]),
    get exhausted() {
      return exhausted;
    },
  };
}

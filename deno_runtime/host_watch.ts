/**
 * The prelude's watch for its host gone.
 *
 * A host that died leaves the process to another parent, and nothing would
 * ever read its frames or end it. The prelude looks every `HOST_CHECK_MS`
 * (and its pending read of stdin ends when the host's end closes), but only
 * while the script lets the thread run: a busy script is ended by the host's
 * CPU lease running out, and the one way to hold the thread without using CPU,
 * `Atomics.wait` (the script's only agent can never be notified), waits in
 * slices here, looking between them.
 *
 * @module
 */
import {
  every,
  exitProcess,
  ObjectCreate,
  parentPid,
  ReflectDefineProperty,
} from "./primordials.ts";

/**
 * How often the prelude looks for its host gone, in milliseconds: an idle
 * spare spends 0.3 ms of CPU a second on it, and a process whose host died
 * goes within this long.
 */
export const HOST_CHECK_MS = 200;

const AtomicsWait = Atomics.wait;

/** End the process once its parent is no longer `host`. */
export function watchHost(host: number): void {
  every(HOST_CHECK_MS, () => {
    if (parentPid() !== host) exitProcess();
  });
}

/**
 * Make `Atomics.wait` wait at most `HOST_CHECK_MS` at a time, looking for the
 * host between slices; what it returns and throws is unchanged.
 */
export function sliceAtomicsWait(host: number): void {
  function wait(
    array: Int32Array | BigInt64Array,
    index: number,
    value: number | bigint,
    timeout?: number,
  ): "ok" | "not-equal" | "timed-out" {
    let remaining = timeout === undefined ? Infinity : +timeout;
    if (remaining !== remaining) remaining = Infinity; // NaN waits for good
    if (remaining < 0) remaining = 0;
    while (true) {
      const slice = remaining < HOST_CHECK_MS ? remaining : HOST_CHECK_MS;
      const outcome = AtomicsWait(
        array as Int32Array,
        index,
        value as number,
        slice,
      );
      remaining -= slice;
      if (outcome !== "timed-out" || remaining <= 0) return outcome;
      if (parentPid() !== host) exitProcess();
    }
  }
  const descriptor = ObjectCreate(null) as PropertyDescriptor;
  descriptor.value = wait;
  descriptor.writable = true;
  descriptor.configurable = true;
  descriptor.enumerable = false;
  ReflectDefineProperty(Atomics, "wait", descriptor);
}

/**
 * The one assertion the runtime's tests need, kept local so `deno test` runs
 * with `--no-remote` and no network.
 *
 * @module
 */

/** Throws when `actual` and `expected` differ as JSON. */
export function assertEquals(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}\n     got ${a}`);
}

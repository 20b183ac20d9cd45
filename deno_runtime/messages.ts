/**
 * The host's `start` frame, and the error a script ends with.
 *
 * Everything travels as JSON-RPC lines on the process's stdin (the host's,
 * its `start` frame first) and stdout (the prelude's).
 *
 * @module
 */

/** Settings the host sends in its `start` frame, its first line on stdin. */
export interface StartParams {
  /** The wrapped user module as a `data:` URL: JavaScript, or TypeScript to transpile. */
  module: string;
  /** Largest JSON text of the script's result or of one call's arguments, in bytes. */
  maxResultBytes: number;
  /** The most UTF-8 bytes of one console line; longer lines are cut to it. */
  lineCap: number;
  /** The most UTF-8 bytes of an error's name, message and stack together. */
  errorCap: number;
  /** What stands for the middle of a cut text: before and after the count of bytes. */
  cutMarker: [string, string];
  /** Deepest nesting of arrays and objects in a result or in arguments. */
  maxJsonDepth: number;
  /** Fuel budget, or null when metering is off. */
  fuel: number | null;
  /** Fuel charged for every tool call. */
  fuelPerToolCall: number;
  /** Tool names; each becomes a global `external_<name>`. */
  tools: string[];
  /**
   * Starts every frame this execution sends: the host refuses a line without
   * it, so a script that reached the process's stdout could forge nothing.
   */
  seal: string;
  /**
   * In a session: the JSON text of an object holding the variables carried in
   * (the wrapper declares them), and the most UTF-8 bytes of JSON the
   * variables carried out may take. Null outside a session.
   */
  session: { carried: string; maxStateBytes: number } | null;
  /**
   * The module as a strict classic script (JavaScript only), evaluated at once
   * (importing takes about half a millisecond more); null for TypeScript. A
   * source that fails to compile is imported for Deno's report of where.
   */
  source: string | null;
}

/** The error a script ended with, before the host maps it to the user's lines. */
export interface ScriptError {
  kind: string;
  name: string;
  message: string;
  stack: string | null;
}

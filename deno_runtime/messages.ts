/**
 * Messages between the supervisor (trusted, main isolate) and the worker
 * (untrusted script, `permissions: "none"`). They travel by `postMessage`
 * only; the host never sees them, it sees the JSON-RPC frames the supervisor
 * builds from them (see `supervisor.ts`).
 *
 * @module
 */

/** Settings the host sends in its `start` frame and the supervisor forwards. */
export interface StartParams {
  /** The wrapped user module as a `data:application/typescript;base64,` URL. */
  module: string;
  /** Largest JSON text of the script's result or of one call's arguments, in bytes. */
  maxResultBytes: number;
  /**
   * Console text kept per execution. A console line over half of it (the
   * host's per-line cap) is cut to that many UTF-8 bytes before it is sent; an
   * error's name, message and stack share that cap (at least 64 KiB).
   */
  maxOutputBytes: number;
  /** Fuel budget, or null when metering is off. */
  fuel: number | null;
  /** Fuel charged for every tool call. */
  fuelPerToolCall: number;
  /** Tool names; each becomes a global `external_<name>`. */
  tools: string[];
}

/** Supervisor -> worker. */
export type ToWorker =
  | { t: "start"; params: StartParams }
  | { t: "reply"; line: string };

/** The error a script ended with, before the host maps it to the user's lines. */
export interface ScriptError {
  kind: string;
  name: string;
  message: string;
  stack: string | null;
}

/** Worker -> supervisor. */
export type FromWorker =
  | { t: "call"; id: number; name: string; args: string }
  | { t: "console"; level: string; text: string }
  | {
    t: "final";
    ok: true;
    result: string;
    finalAnswer: boolean;
    fuelUsed: number | null;
  }
  | {
    t: "final";
    ok: false;
    error: ScriptError;
    fuelUsed: number | null;
  };

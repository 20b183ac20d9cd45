/**
 * The prelude's end of the wire: frames out, replies in, and the end of the
 * execution.
 *
 * Frames go straight to the host: the prelude writes them to the process's
 * stdout, the host's pipe. They leave whole and in order: building one runs
 * no script code, and writing blocks while the pipe is full. The host's frames
 * (the start frame, then replies) come back on the process's stdin, a pipe
 * only the host writes, read with Deno's own op captured before the script
 * exists (`readStdin`). A read is always pending: the host's closing its end
 * (it is gone, or done) ends the process, and the pending read keeps the
 * event loop alive while the script waits on nothing else. `finish` writes the
 * final frame and ends the process at once (`exitProcess`): from that instant
 * no code of the script runs again (no `catch`, `finally`, promise handler or
 * getter).
 *
 * @module
 */
import {
  ArrayPrototypePush,
  decodeUtf8,
  encodeUtf8,
  exitProcess,
  PromisePrototypeThen,
  readStdin,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeIndexOf,
  TypedArrayPrototypeSet,
  Uint8ArrayCtor,
  writeStdout,
} from "./primordials.ts";
import { view } from "./text.ts";

/** The first line on stdout, unsealed: the host takes it for the boot's end. */
const READY_LINE = '{"jsonrpc":"2.0","method":"ready","params":{}}\n';
const NEWLINE = 10;
/** The most bytes one read of stdin takes. */
const READ_BYTES = 1 << 20;

let connected = false;
let finished = false;
/** A read of stdin is under way. */
let reading = false;
let inbox: Uint8Array | null = null;
let onLine: (line: string) => void = () => {};
let partial: Uint8Array[] = [];
/** Starts every frame (the start frame's `seal`); empty until it has come. */
let seal = "";
let partialBytes = 0;

/**
 * Say the process is ready (the one unsealed line), then read the host's
 * frames for good: `handler` gets each line (the start frame, then replies).
 */
export function connect(handler: (line: string) => void): void {
  onLine = handler;
  connected = true;
  writeStdout(encodeUtf8(READY_LINE));
  arm();
}

/** Start every frame from now on with `value` (the start frame's seal). */
export function setSeal(value: string): void {
  seal = value;
}

/** True once the final frame is written: nothing the script does is sent after it. */
export function isFinished(): boolean {
  return finished;
}

/**
 * Write one frame to the host's pipe: the seal, `head`, then `body` and `tail`
 * (a large result or arguments go as UTF-8 bytes between two texts).
 */
function writeFrame(
  head: string,
  body: Uint8Array | null,
  tail: string,
): void {
  if (body === null) {
    writeStdout(encodeUtf8(seal + head + tail));
  } else {
    writeStdout(encodeUtf8(seal + head));
    writeStdout(body);
    writeStdout(encodeUtf8(tail));
  }
}

/** Send one frame (text ending in a newline). Dropped once finished. */
export function send(frame: string): void {
  if (finished || !connected) return;
  writeFrame(frame, null, "");
}

/** Send a frame made of text, UTF-8 bytes and text (a large result or arguments). */
export function sendParts(head: string, body: Uint8Array, tail: string): void {
  if (finished || !connected) return;
  writeFrame(head, body, tail);
}

/**
 * Write the final frame and end the process. Never returns (outside a
 * sandbox, not connected, it throws instead).
 */
export function finish(
  head: string,
  body: Uint8Array | null,
  tail: string,
): never {
  if (!connected) throw new Error("not connected");
  if (!finished) {
    finished = true;
    writeFrame(head, body, tail);
  }
  return exitProcess();
}

function arm(): void {
  if (reading || finished || !connected) return;
  reading = true;
  inbox ??= new Uint8ArrayCtor(READ_BYTES);
  PromisePrototypeThen(readStdin(inbox), received, ended);
}

/**
 * One read's bytes, split into lines where they lie. The inbox is read into
 * again only once they are handled (lines decoded, the unfinished end copied
 * out): until then `reading` stays set, so nothing arms another read.
 */
function received(size: number): void {
  if (finished || inbox === null) return;
  if (size === 0) return ended();
  split(view(inbox, 0, size));
  reading = false;
  arm();
}

/** The host closed its end of stdin (it is gone, or done): nothing more will come. */
function ended(): never {
  return exitProcess();
}

/** Hand every complete line in `bytes` (after what came before) to the handler. */
function split(bytes: Uint8Array): void {
  const size = TypedArrayPrototypeGetLength(bytes);
  let from = 0;
  while (from < size) {
    const end = TypedArrayPrototypeIndexOf(bytes, NEWLINE, from);
    if (end < 0) {
      const rest = new Uint8ArrayCtor(size - from); // the inbox is read into again
      TypedArrayPrototypeSet(rest, view(bytes, from, size), 0);
      ArrayPrototypePush(partial, rest);
      partialBytes += size - from;
      return;
    }
    const line = joined(view(bytes, from, end));
    from = end + 1;
    onLine(decodeUtf8(line));
    if (finished) return;
  }
}

function joined(last: Uint8Array): Uint8Array {
  if (partial.length === 0) return last;
  const lastSize = TypedArrayPrototypeGetLength(last);
  const all = new Uint8ArrayCtor(partialBytes + lastSize);
  let at = 0;
  for (let i = 0; i < partial.length; i++) {
    TypedArrayPrototypeSet(all, partial[i], at);
    at += TypedArrayPrototypeGetLength(partial[i]);
  }
  TypedArrayPrototypeSet(all, last, at);
  partial = [];
  partialBytes = 0;
  return all;
}

/**
 * The worker's end of the wire: frames out, replies in, and the end of the
 * execution.
 *
 * Frames go straight to the host: the worker writes them to the process's
 * stdout, the host's pipe, with no other thread on their way. They leave whole
 * and in order: building one runs no script code, and writing blocks the
 * worker's thread while the pipe is full. The host's frames (the start frame,
 * then replies) come the same way back: the worker reads them from the
 * process's stdin, a pipe only the host writes, with Deno's own op captured
 * before the script exists (`readStdin`), only while calls wait for them.
 * `finish` writes the final frame and then parks the thread for good: from
 * that instant no code of the script runs again (no `catch`, `finally`,
 * promise handler or getter), and the supervisor ends the process. The flags
 * it shares with the supervisor are in `flags.ts`.
 *
 * @module
 */
import {
  ArrayPrototypePush,
  decodeUtf8,
  encodeUtf8,
  PromisePrototypeThen,
  readStdin,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeIndexOf,
  TypedArrayPrototypeSet,
  Uint8ArrayCtor,
  writeStdout,
} from "./primordials.ts";
import {
  type Channel,
  markDone,
  markMidFrame,
  openChannel,
  park,
  storeSeal,
} from "./flags.ts";
import { view } from "./text.ts";

const NEWLINE = 10;
/** The most bytes one read of stdin takes. */
const READ_BYTES = 1 << 20;

let channel: Channel | null = null;
let finished = false;
/** A read of stdin is under way. */
let reading = false;
/** The host closed its end of stdin: nothing more will come. */
let ended = false;
let waiting = 0;
let inbox: Uint8Array | null = null;
let onLine: (line: string) => void = () => {};
let partial: Uint8Array[] = [];
/** Starts every frame (the start frame's `seal`); empty until it has come. */
let seal = "";
let partialBytes = 0;

/** Open the channel the supervisor sent; `handler` gets each reply line. */
export function connect(
  buffer: SharedArrayBuffer,
  handler: (line: string) => void,
): void {
  channel = openChannel(buffer);
  onLine = handler;
}

/** Start every frame from now on with `value`, and keep it for the supervisor. */
export function setSeal(value: string): void {
  seal = value;
  if (channel !== null) storeSeal(channel, encodeUtf8(value));
}

/** True once the final frame is written: nothing the script does is sent after it. */
export function isFinished(): boolean {
  return finished;
}

/**
 * Write one frame to the host's pipe: the seal, `head`, then `body` and `tail`
 * (a large result or arguments go as UTF-8 bytes between two texts). The flag
 * lets the supervisor know if a crash cut the frame short.
 */
function writeFrame(
  open: Channel,
  head: string,
  body: Uint8Array | null,
  tail: string,
): void {
  markMidFrame(open, true);
  if (body === null) {
    writeStdout(encodeUtf8(seal + head + tail));
  } else {
    writeStdout(encodeUtf8(seal + head));
    writeStdout(body);
    writeStdout(encodeUtf8(tail));
  }
  markMidFrame(open, false);
}

/** Send one frame (text ending in a newline). Dropped once finished. */
export function send(frame: string): void {
  if (finished || channel === null) return;
  writeFrame(channel, frame, null, "");
}

/** Send a frame made of text, UTF-8 bytes and text (a large result or arguments). */
export function sendParts(head: string, body: Uint8Array, tail: string): void {
  if (finished || channel === null) return;
  writeFrame(channel, head, body, tail);
}

/**
 * Write the final frame and stop this thread for good. Never returns (outside
 * a sandbox, with no channel, it throws instead).
 */
export function finish(
  head: string,
  body: Uint8Array | null,
  tail: string,
): never {
  if (channel === null) throw new Error("no channel");
  if (!finished) {
    // Once the frame is in the pipe, the flag tells the supervisor to end the process.
    writeFrame(channel, head, body, tail);
    finished = true;
    markDone(channel);
  }
  return park(channel);
}

/** A reply is awaited: read replies until none is awaited. */
export function expectReply(): void {
  waiting++;
  arm();
}

/** A reply arrived for a call that awaited one. */
function settled(): void {
  if (waiting > 0) waiting--;
}

function arm(): void {
  if (reading || ended || finished || channel === null || waiting === 0) return;
  reading = true;
  inbox ??= new Uint8ArrayCtor(READ_BYTES);
  PromisePrototypeThen(readStdin(inbox), received, failed);
}

/**
 * One read's bytes, split into lines where they lie. The inbox is read into
 * again only once they are handled (lines decoded, the unfinished end copied
 * out): until then `reading` stays set, so nothing arms another read.
 */
function received(size: number): void {
  if (finished || inbox === null) return;
  if (size === 0) {
    ended = true;
    return;
  }
  split(view(inbox, 0, size));
  reading = false;
  arm();
}

function failed(): void {
  reading = false;
  ended = true; // stdin is gone: the host, its timeout and the supervisor take it from here
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
    settled();
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

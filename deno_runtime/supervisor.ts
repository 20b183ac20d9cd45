/**
 * Supervisor: the trusted main module of every sandbox process.
 *
 * Started as `deno run ... bundled/supervisor.js <socket path> <worker path>`
 * with permission to read the worker's file and to connect to one unix socket,
 * nothing else. It starts the untrusted Worker (`permissions: "none"`) from a
 * blob of the worker's code, so the worker never reads a file, and connects to
 * the host at the same time; once connected it revokes its own permissions.
 *
 * Wire format: JSON-RPC 2.0, one object per line (UTF-8, `\n`-terminated;
 * JSON text never holds a raw newline). Methods: `start` (host ->), and
 * `started`, `tool_call`, `console`, `final` (-> host). The process's own
 * stdout/stderr are never part of the protocol.
 *
 * The one message the two exchange is the channel's SharedArrayBuffer
 * (`ring.ts`), posted as the Worker is made. From then on the supervisor copies
 * bytes: the host's lines (its `start` frame, then tool replies) from the
 * socket into the channel, and the worker's frames from the channel to the
 * socket. It never parses them; the worker splits the host's lines and writes
 * whole frames. It ends the process once the worker has written its final
 * frame and the frame has left, or reports the worker's crash itself.
 *
 * @module
 */
/// <reference lib="deno.ns" />
/// <reference lib="deno.window" />
import type { ChannelMessage } from "./messages.ts";
import {
  changed,
  createBuffer,
  isDone,
  openChannel,
  pending,
  position,
  readAll,
  RING_BYTES,
  writeSome,
} from "./ring.ts";

const [socketPath, workerPath] = Deno.args;
const encoder = new TextEncoder();
/** What a crash report's message keeps, in characters. */
const CRASH_MESSAGE_CHARS = 16 * 1024;

// This module never awaits at the top level, so the worker's handlers (below) are
// set before any event can arrive.
// The connect goes first: it completes on Deno's I/O threads while `new Worker`
// blocks this thread creating the worker's isolate (10-20 ms, most of a cold start).
const connecting = Deno.connect({ transport: "unix", path: socketPath });
const worker = new Worker(
  URL.createObjectURL(
    new Blob([Deno.readTextFileSync(workerPath)], {
      type: "application/javascript",
    }),
  ),
  { type: "module", name: "tsact-script", deno: { permissions: "none" } },
);
const channel = openChannel(createBuffer());
const hello: ChannelMessage = { t: "channel", channel: channel.buffer };
worker.postMessage(hello); // waits for the worker to load; it arrives before any script

let writing: Promise<void> = Promise.resolve();
/** The last byte sent to the host did not end a line (a frame is partly sent). */
let midLine = false;
/** The supervisor's own final frame, once the worker crashed. */
let crash: string | null = null;
let wakePump: () => void = () => {};

function exit(): never {
  Deno.exit(0);
}

async function writeAll(bytes: Uint8Array): Promise<void> {
  const connection = await connecting;
  let offset = 0;
  while (offset < bytes.length) {
    offset += await connection.write(bytes.subarray(offset));
  }
}

/** Queue bytes for the host; they leave in the order they were queued. */
function write(bytes: Uint8Array): Promise<void> {
  writing = writing.then(() => writeAll(bytes)).catch(() => exit());
  return writing;
}

/** Drop every permission: from here on this process can only use its open socket. */
function revokeAll(): void {
  for (const name of ["read", "net", "write", "env", "run", "ffi", "sys"]) {
    Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
  }
}

/** Copy the worker's frames to the host until its final frame has left. */
async function pump(): Promise<void> {
  // Each copy is written out before the next read, so one buffer serves them all.
  const scratch = new Uint8Array(RING_BYTES);
  while (true) {
    const bytes = readAll(channel.out, scratch);
    if (bytes !== null) {
      midLine = bytes[bytes.length - 1] !== 10;
      await write(bytes);
      continue;
    }
    if (isDone(channel)) {
      await writing;
      exit();
    }
    if (crash !== null) {
      await write(encoder.encode((midLine ? "\n" : "") + crash));
      exit();
    }
    const wake = changed(channel.out, "head", position(channel.out, "head"));
    if (wake === null || pending(channel.out) > 0) continue;
    await Promise.race([
      wake,
      new Promise<void>((resolve) => wakePump = resolve),
    ]);
  }
}

worker.onerror = (event: ErrorEvent) => {
  event.preventDefault();
  if (crash !== null) return;
  crash = `{"jsonrpc":"2.0","method":"final","params":${
    JSON.stringify({
      status: "error",
      error: {
        kind: "runtime",
        name: "Error",
        message: String(event.message).slice(0, CRASH_MESSAGE_CHARS),
        stack: null,
      },
      fuel_used: null,
    })
  }}\n`;
  wakePump();
};

/** Copy host bytes into the channel, waiting while the worker has not read it. */
async function feed(bytes: Uint8Array): Promise<void> {
  let from = 0;
  while (from < bytes.length) {
    const written = writeSome(channel.in, bytes, from);
    if (written === 0) {
      const wake = changed(channel.in, "tail", position(channel.in, "tail"));
      if (wake !== null) await wake;
    }
    from += written;
  }
}

/** Copy the host's bytes into the channel (the worker splits them into lines). */
async function readHost(): Promise<void> {
  const connection = await connecting;
  revokeAll();
  pump().catch(() => exit());
  const buffer = new Uint8Array(1 << 20);
  while (true) {
    const n = await connection.read(buffer);
    if (n === null) exit();
    await feed(buffer.subarray(0, n));
  }
}

readHost().catch(() => exit());

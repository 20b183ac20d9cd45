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
 * `started`, `tool_call`, `console`, `final` (-> host). The host's frames come
 * over the socket; the sandbox's frames go out on the process's stdout, a pipe
 * that only the host reads. Nothing else in the process writes to stdout; its
 * stderr is never part of the protocol.
 *
 * The one message the two exchange is the channel's SharedArrayBuffer
 * (`ring.ts`), posted as the Worker is made. From then on the supervisor copies
 * the host's bytes (its `start` frame, then tool replies) from the socket into
 * the channel, without parsing them; the worker splits them into lines, and
 * writes its own frames, whole, straight to stdout. The supervisor ends the
 * process once the worker has written its final frame, or reports the worker's
 * crash itself.
 *
 * @module
 */
/// <reference lib="deno.ns" />
/// <reference lib="deno.window" />
import type { ChannelMessage } from "./messages.ts";
import { writeStdout } from "./primordials.ts";
import {
  changed,
  createBuffer,
  done,
  isMidFrame,
  loadSeal,
  openChannel,
  position,
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

/** The supervisor's own final frame, once the worker crashed. */
let crash: string | null = null;
let wakeWatch: () => void = () => {};

function exit(): never {
  Deno.exit(0);
}

/** Drop every permission: from here on this process can only use its open socket and stdout. */
function revokeAll(): void {
  for (const name of ["read", "net", "write", "env", "run", "ffi", "sys"]) {
    Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
  }
}

/** End the process once the worker has written its final frame, or report its crash. */
async function watch(): Promise<void> {
  while (true) {
    const finished = done(channel);
    if (finished === null) exit(); // the frame is in the pipe already
    if (crash !== null) {
      // a frame the worker left unfinished must not swallow the report, which
      // carries the seal the worker kept (none before its start frame came)
      if (isMidFrame(channel)) writeStdout(encoder.encode("\n"));
      writeStdout(loadSeal(channel));
      writeStdout(encoder.encode(crash));
      exit();
    }
    await Promise.race([
      finished,
      new Promise<void>((resolve) => wakeWatch = resolve),
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
  wakeWatch();
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
  const buffer = new Uint8Array(1 << 20);
  while (true) {
    const n = await connection.read(buffer);
    if (n === null) exit();
    await feed(buffer.subarray(0, n));
  }
}

watch().catch(() => exit());
readHost().catch(() => exit());

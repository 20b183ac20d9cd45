/**
 * Supervisor: the trusted main module of every sandbox process.
 *
 * Started as `deno run ... bundled/supervisor.js <worker path> <host pid>` with
 * permission to read the worker's file, nothing else. It starts the untrusted
 * Worker (`permissions: "none"`) from a blob of the worker's code, so the
 * worker never reads a file, and then revokes its own permission.
 *
 * Wire format: JSON-RPC 2.0, one object per line (UTF-8, `\n`-terminated;
 * JSON text never holds a raw newline). Methods: `start` (host ->), and
 * `started`, `tool_call`, `console`, `final` (-> host). The worker reads the
 * host's frames from the process's stdin and writes its own to its stdout:
 * two pipes that only the host holds the other ends of, with no other thread
 * on their way. Before any of them, the supervisor writes one `ready` line to
 * stdout, once the Worker exists. Its stderr is never part of the protocol.
 *
 * The one message the two isolates exchange is the channel's SharedArrayBuffer
 * of flags (`flags.ts`), posted as the Worker is made. The supervisor ends the
 * process once the worker has written its final frame, or reports the
 * worker's crash itself, or ends it when the host is gone (its parent process
 * changes: the host's pipes then have no one at the other end).
 *
 * @module
 */
/// <reference lib="deno.ns" />
/// <reference lib="deno.window" />
import type { ChannelMessage } from "./messages.ts";
import { every, writeStdout } from "./primordials.ts";
import {
  createBuffer,
  done,
  isMidFrame,
  loadSeal,
  openChannel,
} from "./flags.ts";

const [workerPath, hostPid] = Deno.args;
const encoder = new TextEncoder();
/** What a crash report's message keeps, in characters. */
const CRASH_MESSAGE_CHARS = 16 * 1024;
/**
 * How often the supervisor looks for its host gone, in milliseconds: an idle
 * spare spends 0.3 ms of CPU a second on it (3 ms at 50 ms), and a process
 * whose host died goes within this long.
 */
const HOST_CHECK_MS = 200;
/** The supervisor's first line on stdout: the host takes it for the boot's end. */
const READY_LINE = '{"jsonrpc":"2.0","method":"ready","params":{}}\n';

const host = Number(hostPid);
const workerCode = Deno.readTextFileSync(workerPath);
Deno.permissions.revokeSync({ name: "read" });
const worker = new Worker(
  URL.createObjectURL(
    new Blob([workerCode], { type: "application/javascript" }),
  ),
  { type: "module", name: "tsact-script", deno: { permissions: "none" } },
);
const channel = openChannel(createBuffer());
// Before the channel: the worker writes nothing before it has it.
writeStdout(encoder.encode(READY_LINE));
const hello: ChannelMessage = { t: "channel", channel: channel.buffer };
worker.postMessage(hello); // waits for the worker to load; it arrives before any script

/** The supervisor's own final frame, once the worker crashed. */
let crash: string | null = null;
let wakeWatch: () => void = () => {};

function exit(): never {
  Deno.exit(0);
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

// A host that died leaves this process to another parent: nothing would ever
// read its frames or end it.
every(HOST_CHECK_MS, () => {
  if (Deno.ppid !== host) exit();
});

watch().catch(() => exit());

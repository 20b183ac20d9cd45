/**
 * Supervisor: the trusted main module of every sandbox process.
 *
 * Started as `deno run ... bundled/supervisor.js <socket path> <worker path>`
 * with permission to read the worker's file and to connect to one unix socket,
 * nothing else. It reads the worker's code and starts the untrusted Worker
 * (`permissions: "none"`) from a blob, so the worker never needs to read a
 * file, and connects to the host at the same time. Once connected it revokes
 * its own permissions; the host's `start` frame goes to the worker at once
 * (a message posted before the worker has loaded waits for it). From then on
 * it relays: worker messages become JSON-RPC frames to the host, host frames
 * go to the worker.
 *
 * Wire format: JSON-RPC 2.0, one object per line (UTF-8, `\n`-terminated;
 * JSON text never holds a raw newline). Methods: `start` (host ->), and
 * `started`, `tool_call`, `console`, `final` (-> host). The process's own
 * stdout/stderr are never part of the protocol.
 *
 * @module
 */
/// <reference lib="deno.ns" />
/// <reference lib="deno.window" />
import type { FromWorker, StartParams, ToWorker } from "./messages.ts";

const [socketPath, workerPath] = Deno.args;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// This module never awaits at the top level, so the worker's handlers (below) are
// set before any message can arrive: a message that finds no handler is dropped,
// and awaiting the connection first lost the worker's first message when the
// connect was slower than the worker's start (a hang until the timeout, seen under
// load).
const worker = new Worker(
  URL.createObjectURL(
    new Blob([Deno.readTextFileSync(workerPath)], {
      type: "application/javascript",
    }),
  ),
  { type: "module", name: "tsact-script", deno: { permissions: "none" } },
);
const connecting = Deno.connect({ transport: "unix", path: socketPath });

let writing: Promise<void> = Promise.resolve();
let finalSent = false;

async function writeAll(bytes: Uint8Array): Promise<void> {
  const connection = await connecting;
  let offset = 0;
  while (offset < bytes.length) {
    offset += await connection.write(bytes.subarray(offset));
  }
}

/**
 * A `\uD800`-`\uDFFF` escape that JSON.stringify wrote for a lone surrogate (a pair is
 * written as the character itself), not preceded by an escaping backslash. JSON allows
 * such text but it is not Unicode: the host would refuse the frame.
 */
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g;

/** Queue one frame; frames leave in the order they were sent. */
function send(frame: string): Promise<void> {
  if (frame.includes("\\u")) frame = frame.replace(LONE_SURROGATE, "$1\\ufffd");
  const bytes = encoder.encode(frame + "\n");
  writing = writing.then(() => writeAll(bytes)).catch(() => exit());
  return writing;
}

function exit(): never {
  Deno.exit(0);
}

function toWorker(message: ToWorker): void {
  worker.postMessage(message);
}

async function sendFinal(frameParams: string): Promise<void> {
  if (finalSent) return;
  finalSent = true;
  await send(`{"jsonrpc":"2.0","method":"final","params":${frameParams}}`);
  exit();
}

/** Drop every permission: from here on this process can only use its open socket. */
function revokeAll(): void {
  for (const name of ["read", "net", "write", "env", "run", "ffi", "sys"]) {
    Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
  }
}

function isSafeJsonText(value: unknown): value is string {
  return typeof value === "string" && !value.includes("\n");
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (finalSent) return;
  switch (message.t) {
    case "call":
      if (!isSafeJsonText(message.args)) return;
      send(
        `{"jsonrpc":"2.0","id":${
          Number(message.id)
        },"method":"tool_call","params":{"name":${
          JSON.stringify(String(message.name))
        },"args":${message.args}}}`,
      );
      return;
    case "console":
      send(
        `{"jsonrpc":"2.0","method":"console","params":${
          JSON.stringify({
            level: String(message.level),
            text: String(message.text),
          })
        }}`,
      );
      return;
    case "final":
      if (message.ok) {
        if (!isSafeJsonText(message.result)) return;
        sendFinal(
          `{"status":"ok","result":${message.result},"final_answer":${
            message.finalAnswer === true
          },"fuel_used":${JSON.stringify(message.fuelUsed ?? null)}}`,
        );
      } else {
        sendFinal(JSON.stringify({
          status: "error",
          error: message.error,
          fuel_used: message.fuelUsed ?? null,
        }));
      }
      return;
  }
};

worker.onerror = (event: ErrorEvent) => {
  event.preventDefault();
  sendFinal(JSON.stringify({
    status: "error",
    error: {
      kind: "runtime",
      name: "Error",
      message: String(event.message),
      stack: null,
    },
    fuel_used: null,
  }));
};

/** Read host frames: the first is `start`, the rest are tool replies. */
async function readHost(): Promise<void> {
  const connection = await connecting;
  revokeAll();
  const buffer = new Uint8Array(1 << 16);
  let started = false;
  let pendingText = "";
  while (true) {
    const n = await connection.read(buffer);
    if (n === null) exit();
    pendingText += decoder.decode(buffer.subarray(0, n), { stream: true });
    let newline = pendingText.indexOf("\n");
    while (newline >= 0) {
      const line = pendingText.slice(0, newline);
      pendingText = pendingText.slice(newline + 1);
      if (!started) {
        started = true;
        toWorker({
          t: "start",
          params: JSON.parse(line).params as StartParams,
        });
        send('{"jsonrpc":"2.0","method":"started","params":{}}');
      } else {
        toWorker({ t: "reply", line });
      }
      newline = pendingText.indexOf("\n");
    }
  }
}

readHost().catch(() => exit());

/**
 * The script's tools: `external_<name>(args)` sends a `tool_call` frame and
 * returns a Promise that the host's reply settles; a failed call rejects with
 * a `ToolError`.
 *
 * The runtime remembers every ToolError it makes: an error report says `tool`
 * only for those, never for one the script constructed or decorated. Replies
 * are read field by field as own properties, so nothing planted on
 * `Object.prototype` can turn a result into an error or the reverse.
 *
 * @module
 */
import { captureSite, siteFrames } from "./harden.ts";
import { send, sendParts } from "./link.ts";
import type { ScriptError } from "./messages.ts";
import {
  ArrayIsArray,
  dataDescriptor,
  encodeUtf8,
  ErrorCtor,
  JSONParse,
  JSONStringify,
  ObjectCreate,
  ObjectHasOwn,
  ownData,
  PromiseCtor,
  ReflectDefineProperty,
  TypedArrayPrototypeGetLength,
  WeakMapCtor,
  WeakMapPrototypeGet,
  WeakMapPrototypeSet,
} from "./primordials.ts";
import { describeThrown, safeText } from "./errors.ts";
import { toJson } from "./json.ts";
import { depthOver } from "./text.ts";

/** Thrown into the script when a tool call fails, is refused or is invalid. */
export class ToolError extends ErrorCtor {
  /** The tool's name as the script calls it, without `external_`. */
  declare readonly tool: string;
  /** Why it failed; the host's code (validation, tool, result, arguments, refused, unknown, limit). */
  declare readonly code: string;
  constructor(tool: string, message: string, code: string) {
    super(message);
    ReflectDefineProperty(this, "name", dataDescriptor("ToolError"));
    ReflectDefineProperty(this, "tool", dataDescriptor(tool, true));
    ReflectDefineProperty(this, "code", dataDescriptor(code, true));
  }
}

/** The runtime's own ToolErrors, with what they said when they were made. */
const genuine = new WeakMapCtor<object, ScriptError>();

/** The report of a ToolError the runtime made, or null for any other value. */
export function genuineToolError(value: unknown): ScriptError | null {
  if (value === null || typeof value !== "object") return null;
  return (WeakMapPrototypeGet(genuine, value) as ScriptError | undefined) ??
    null;
}

function toolError(
  tool: string,
  message: string,
  code: string,
  site: object,
): ToolError {
  const error = new ToolError(tool, message, code);
  const frames = siteFrames(site);
  let stack = "ToolError: " + message;
  for (let i = 0; i < frames.length; i++) stack += "\n" + frames[i];
  ReflectDefineProperty(error, "stack", dataDescriptor(stack));
  WeakMapPrototypeSet(genuine, error, {
    kind: "tool",
    name: "ToolError",
    message,
    stack,
  });
  return error;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  name: string;
  /** Captured at the call, so a failure points at the script's line. */
  site: object;
}

/** What a call costs and may carry: set once at start. */
export interface CallLimits {
  maxBytes: number;
  maxDepth: number;
  /** Charges a call's fuel; throws (or never returns) when fuel runs out. */
  charge: () => void;
}

const calls: Record<number, Pending> = ObjectCreate(null);
let lastCallId = 0;

/** The function a script calls as `external_<name>`. */
export function makeExternal(
  name: string,
  limits: CallLimits,
  finished: () => boolean,
): (args?: unknown) => Promise<unknown> {
  const nameJson = JSONStringify(name);
  return (args?: unknown) =>
    new PromiseCtor((resolve, reject) => {
      if (finished()) return;
      const site = captureSite();
      const refuse = (message: string, code: string) =>
        reject(toolError(name, message, code, site));
      let json: string;
      if (args === undefined) {
        json = "{}";
      } else if (
        args === null || typeof args !== "object" || ArrayIsArray(args)
      ) {
        refuse(
          "external_" + name + " takes one object argument, got " +
            safeText(args),
          "arguments",
        );
        return;
      } else {
        try {
          json = toJson(args) ?? "{}";
        } catch (error) {
          refuse(
            "arguments of external_" + name + " are not JSON-serialisable: " +
              describeThrown(error).message,
            "arguments",
          );
          return;
        }
      }
      const head = '{"jsonrpc":"2.0","id":' + (lastCallId + 1) +
        ',"method":"tool_call","params":{"name":' + nameJson + ',"args":';
      if (
        json.length * 3 <= limits.maxBytes && json.length <= 2 * limits.maxDepth
      ) {
        // Surely within both limits: one string, one encoding, one write.
        limits.charge();
        register(resolve, reject, name, site);
        send(head + json + "}}\n");
      } else {
        const bytes = encodeUtf8(json);
        const size = TypedArrayPrototypeGetLength(bytes);
        if (size > limits.maxBytes) {
          refuse(
            "arguments of external_" + name + " are " + size +
              " bytes of JSON, over max_result_bytes (" + limits.maxBytes + ")",
            "limit",
          );
          return;
        }
        if (depthOver(bytes, limits.maxDepth)) {
          refuse(
            "arguments of external_" + name + " nest deeper than " +
              limits.maxDepth + " levels",
            "limit",
          );
          return;
        }
        limits.charge();
        register(resolve, reject, name, site);
        sendParts(head, bytes, "}}\n");
      }
    });
}

/** Record a call about to be sent (its id is the next one). */
function register(
  resolve: (value: unknown) => void,
  reject: (reason: unknown) => void,
  name: string,
  site: object,
): void {
  const id = ++lastCallId;
  calls[id] = { resolve, reject, name, site };
}

/** Settle the call a reply line answers (the host's JSON-RPC response). */
export function onReply(line: string): void {
  const frame = JSONParse(line) as object;
  const id = ownData(frame, "id");
  if (typeof id !== "number") return;
  const call = calls[id];
  if (call === undefined) return;
  delete calls[id];
  if (ObjectHasOwn(frame, "error")) {
    const error = ownData(frame, "error");
    const message = error !== null && typeof error === "object"
      ? ownData(error, "message")
      : undefined;
    const data = error !== null && typeof error === "object"
      ? ownData(error, "data")
      : undefined;
    const code = data !== null && typeof data === "object"
      ? ownData(data, "code")
      : undefined;
    call.reject(
      toolError(
        call.name,
        typeof message === "string" ? message : "the tool call failed",
        typeof code === "string" ? code : "tool",
        call.site,
      ),
    );
  } else {
    call.resolve(ownData(frame, "result"));
  }
}

/** Send a console line (already formatted and cut). */
export function sendConsole(level: string, text: string): void {
  send(
    '{"jsonrpc":"2.0","method":"console","params":{"level":"' + level +
      '","text":' + JSONStringify(text) + "}}\n",
  );
}

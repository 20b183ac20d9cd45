/**
 * The script's `console`: every method formats its arguments the way Deno's
 * console does (`console_format.ts`) and sends one line to the host, cut to
 * the host's per-line cap.
 *
 * @module
 */
import { formatArgs } from "./console_format.ts";
import {
  inspect,
  ObjectCreate,
  String_,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
} from "./primordials.ts";
import { cutText } from "./text.ts";

/** Where lines go: level and text, and the cap they are cut to. */
export interface ConsoleSink {
  send(level: string, text: string): void;
  lineCap(): number;
  finished(): boolean;
}

const LEVELS: Record<string, string> = {
  log: "log",
  info: "info",
  warn: "warn",
  error: "error",
  debug: "debug",
  dir: "log",
  dirxml: "log",
  table: "log",
};

/** `text` with `indent` at the start of each of its lines. */
function indented(text: string, indent: string): string {
  let out = indent;
  let from = 0;
  while (true) {
    const at = StringPrototypeIndexOf(text, "\n", from);
    if (at < 0) return out + StringPrototypeSlice(text, from);
    out += StringPrototypeSlice(text, from, at + 1) + indent;
    from = at + 1;
  }
}

const fallbackInspect = (value: unknown): string => String_(value);

/** A console object for the script. */
export function makeConsole(sink: ConsoleSink): Console {
  let indent = "";
  const counts: Record<string, number> = ObjectCreate(null);
  const timers: Record<string, number> = ObjectCreate(null);
  const emit = (level: string, args: readonly unknown[]) => {
    if (sink.finished()) return;
    let text: unknown = formatArgs(args, inspect ?? fallbackInspect);
    if (typeof text !== "string") text = "<unprintable>";
    if (indent) text = indented(text as string, indent);
    sink.send(level, cutText(text as string, sink.lineCap()));
  };
  const methods: Record<string, (...args: unknown[]) => void> = {};
  for (const method in LEVELS) {
    const level = LEVELS[method];
    methods[method] = (...args: unknown[]) => emit(level, args);
  }
  methods.trace = (...args: unknown[]) => {
    const stack = new Error().stack ?? "";
    emit("debug", ["Trace:", ...args, stack.split("\n").slice(2).join("\n")]);
  };
  methods.assert = (condition?: unknown, ...args: unknown[]) => {
    if (!condition) emit("error", ["Assertion failed:", ...args]);
  };
  methods.group = methods.groupCollapsed = (...args: unknown[]) => {
    if (args.length) emit("log", args);
    indent += "  ";
  };
  methods.groupEnd = () => {
    indent = indent.slice(2);
  };
  methods.count = (label = "default") => {
    const key = String(label);
    counts[key] = (counts[key] ?? 0) + 1;
    emit("info", [`${key}: ${counts[key]}`]);
  };
  methods.countReset = (label = "default") => {
    counts[String(label)] = 0;
  };
  methods.time = (label = "default") => {
    timers[String(label)] = performance.now();
  };
  const elapsed = (label: unknown, end: boolean, extra: unknown[]) => {
    const key = String(label ?? "default");
    const start = timers[key];
    if (start === undefined) {
      emit("warn", [`Timer '${key}' does not exist`]);
      return;
    }
    if (end) delete timers[key];
    emit("info", [
      `${key}: ${(performance.now() - start).toFixed(0)}ms`,
      ...extra,
    ]);
  };
  methods.timeLog = (label?: unknown, ...extra: unknown[]) =>
    elapsed(label, false, extra);
  methods.timeEnd = (label?: unknown) => elapsed(label, true, []);
  methods.clear = () => {};
  return methods as unknown as Console;
}

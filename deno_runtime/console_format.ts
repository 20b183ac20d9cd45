/**
 * Formats `console.*` arguments the way Deno's own console does: strings as
 * they are, everything else through `Deno.inspect`, with the printf-style
 * substitutions (`%s %d %i %f %o %O %j %c %%`) applied to a leading string.
 *
 * @module
 */

/** The inspector used for non-string values (`Deno.inspect` in the sandbox). */
export type Inspect = (value: unknown, options?: Deno.InspectOptions) => string;

const INSPECT_OPTIONS: Deno.InspectOptions = {
  depth: 4,
  colors: false,
  iterableLimit: 100,
  strAbbreviateSize: 10_000,
};

function substitute(
  spec: string,
  value: unknown,
  inspect: Inspect,
): string {
  switch (spec) {
    case "s":
      return typeof value === "string" ? value : inspect(value, {
        ...INSPECT_OPTIONS,
        depth: 1,
      });
    case "d":
    case "i": {
      if (typeof value === "bigint") return `${value}n`;
      if (typeof value === "symbol") return "NaN";
      const n = Number(value);
      return String(spec === "i" ? Math.trunc(n) : n);
    }
    case "f":
      return typeof value === "symbol" ? "NaN" : String(Number(value));
    case "j":
      try {
        return JSON.stringify(value);
      } catch {
        return "[Circular]";
      }
    case "c":
      return "";
    default:
      return inspect(value, INSPECT_OPTIONS);
  }
}

/** Turn one `console.log(...)` call's arguments into the line Deno would print. */
export function formatArgs(args: readonly unknown[], inspect: Inspect): string {
  const parts: string[] = [];
  let rest = 0;
  const first = args[0];
  if (typeof first === "string" && args.length > 1 && first.includes("%")) {
    let out = "";
    let next = 1;
    let i = 0;
    while (i < first.length) {
      const ch = first[i];
      const spec = first[i + 1];
      if (ch === "%" && spec === "%") {
        out += "%";
        i += 2;
      } else if (
        ch === "%" && spec !== undefined && "sdifjoOc".includes(spec) &&
        next < args.length
      ) {
        out += substitute(spec, args[next++], inspect);
        i += 2;
      } else {
        out += ch;
        i += 1;
      }
    }
    parts.push(out);
    rest = next;
  }
  for (let k = rest; k < args.length; k++) {
    const value = args[k];
    parts.push(
      typeof value === "string" ? value : inspect(value, INSPECT_OPTIONS),
    );
  }
  return parts.join(" ");
}

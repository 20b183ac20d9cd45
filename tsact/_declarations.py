"""The TypeScript the model sees: the sandbox's globals and every tool's signature.

Argument and result types come from typegen, rendered into one file with shared,
non-colliding helper names. Objects are closed (``open_objects=False``): the host
rejects unknown arguments, and results carry exactly their declared fields, so an
unknown key is a mistake the checker should catch.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter

import typegen

from ._toolbox import Toolbox
from ._tools import Tool

PRELUDE = """\
/** Thrown into the script when a tool call fails; catch it to recover. */
declare class ToolError extends Error {
  /** The tool's name, without `external_`. */
  readonly tool: string;
  /** Why: invalid arguments, the tool failed, the call was refused or is unknown. */
  readonly code: "validation" | "tool" | "arguments" | "refused" | "unknown";
}
"""

FINAL_ANSWER_DOC = "End the script now: `value` is the final answer of the task."


def _pascal(name: str) -> str:
    parts = [part for part in re.split(r"_+", name) if part]
    return "".join(part[0].upper() + part[1:] for part in parts) or "Tool"


def _unique(
    emitter: typegen.TypeScriptEmitter, base: str, schema: dict[str, Any], doc: str | None
) -> str:
    for suffix in ("", *map(str, range(2, 100))):
        try:
            return emitter.add(base + suffix, schema, doc=doc)
        except typegen.SchemaError:
            raise
        except ValueError:
            continue
    raise ValueError(f"no free type name for {base!r}")


def _function_doc(item: Tool) -> str:
    lines = [item.description.strip()] if item.description.strip() else []
    if item.requires_approval:
        lines.append("Each call waits for approval; a refusal throws a ToolError.")
    return typegen.jsdoc("\n".join(lines)) if lines else ""


def _takes_no_required_arguments(schema: dict[str, Any]) -> bool:
    return not schema.get("required")


def render_declarations(toolbox: Toolbox, *, output_type: Any = None) -> str:
    """TypeScript declarations of the sandbox's globals and tools (deterministic)."""
    emitter = typegen.TypeScriptEmitter(open_objects=False)
    emitter.reserve("ToolError")
    signatures: list[str] = []
    for item in toolbox:
        base = _pascal(item.name)
        args_schema = item.input_schema()
        args_type = _unique(emitter, f"{base}Args", args_schema, None)
        result_type = _unique(emitter, f"{base}Result", item.output_schema(), None)
        optional = "?" if _takes_no_required_arguments(args_schema) else ""
        signatures.append(
            f"{_function_doc(item)}declare function external_{item.name}"
            f"(args{optional}: {args_type}): Promise<{result_type}>;\n"
        )
    answer_type = "unknown"
    if output_type is not None:
        schema = TypeAdapter(output_type).json_schema(mode="validation")
        answer_type = _unique(emitter, "FinalAnswer", schema, "The shape of the final answer.")
    final = (
        f"{typegen.jsdoc(FINAL_ANSWER_DOC)}"
        f"declare function final_answer(value: {answer_type}): never;\n"
    )
    parts = [PRELUDE, final, *signatures]
    types = emitter.render()
    if types:
        parts.insert(1, types)
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)

"""The TypeScript the model sees: the sandbox's globals and every tool's signature.

Argument and result types come from typegen, rendered into one file with shared,
non-colliding helper names. Objects are closed (``open_objects=False``): the host
rejects unknown arguments, and results carry exactly their declared fields, so an
unknown key is a mistake the checker should catch. Arguments are typed in pydantic's
validation mode, results in serialisation mode (see ``_schemas``). Data nobody described
(``dict``, ``Any``, no annotation) is ``any``: a script uses it the way JavaScript would,
and only described data is checked. A tool without arguments takes nothing or ``{}``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

import typegen
from tsact._errors import TOOL_ERROR_CODE_ORDER
from tsact._tools.schemas import Mode, joint_schemas
from tsact._tools.tool import Tool

if TYPE_CHECKING:
    from tsact._tools.toolbox import Toolbox

PRELUDE = f"""\
/** Thrown by a failed tool call. code: why; tool: which tool. */
declare class ToolError extends Error {{
  readonly tool: string;
  readonly code: {" | ".join(f'"{code}"' for code in TOOL_ERROR_CODE_ORDER)};
}}
"""

FINAL_ANSWER_DOC = "End the script with this final answer."


def _pascal(name: str) -> str:
    parts = [part for part in re.split(r"_+", name) if part]
    return "".join(part[0].upper() + part[1:] for part in parts) or "Tool"


def _unique(emitter: typegen.TypeScriptEmitter, base: str, schema: dict[str, Any]) -> str:
    """Add ``base``, suffixed ``2``, ``3``... if taken (tools ``a_b`` and ``aB`` both give ``AB``).

    Only a taken name is retried; any other error (a bad name, a bad schema) is raised.
    """
    for suffix in ("", *map(str, range(2, 100))):
        if not emitter.is_used(base + suffix):
            return emitter.add(base + suffix, schema)
    raise ValueError(f"no free type name for {base!r}")


def _untitled(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without its top-level title (pydantic's class name, no information)."""
    return {key: value for key, value in schema.items() if key != "title"}


class _Types:
    """Rendered helper types; a type used only by one signature is written in place."""

    def __init__(self, emitter: typegen.TypeScriptEmitter) -> None:
        self._declarations = {d.name: d for d in emitter.declarations()}
        self._inlined: set[str] = set()

    def _used_elsewhere(self, name: str) -> bool:
        return any(
            name in other.references for key, other in self._declarations.items() if key != name
        )

    def inline(self, name: str) -> tuple[str, str]:
        """The type text for a signature, and the JSDoc text of the type if it was inlined."""
        declaration = self._declarations.get(name)
        if declaration is None or self._used_elsewhere(name):
            return name, ""
        self._inlined.add(name)
        return declaration.body, "\n".join(declaration.doc).strip()

    def render(self) -> str:
        return "\n".join(
            d.source for name, d in self._declarations.items() if name not in self._inlined
        )


def _function_doc(item: Tool, args_doc: str) -> str:
    lines = [item.description.strip()] if item.description.strip() else []
    if args_doc:
        lines.append(f"@param args {args_doc}")
    if item.returns.strip():
        lines.append(f"@returns {item.returns.strip()}")
    if item.requires_approval:
        lines.append("Each call waits for approval; a refusal throws a ToolError.")
    return typegen.jsdoc("\n".join(lines)) if lines else ""


def _schemas(toolbox: Toolbox, output_type: Any) -> dict[Hashable, dict[str, Any]]:
    """Every tool's argument and result schema, and the final answer's, generated together."""
    inputs: list[tuple[Hashable, Mode, TypeAdapter[Any]]] = []
    for index, item in enumerate(toolbox):
        if item.input_schema_override is None:
            assert item.input_model is not None
            inputs.append(((index, "args"), "validation", TypeAdapter(item.input_model)))
        if not _own_result_schema(item):
            inputs.append(((index, "result"), "serialization", item.output_adapter))
    if output_type is not None:
        inputs.append(("answer", "validation", TypeAdapter(output_type)))
    schemas = joint_schemas(inputs)
    for index, item in enumerate(toolbox):
        if item.input_schema_override is not None:
            schemas[(index, "args")] = dict(item.input_schema_override)
        if _own_result_schema(item):
            schemas[(index, "result")] = item.output_schema()
    return schemas


def _own_result_schema(item: Tool) -> bool:
    """Whether the tool describes its result with a JSON Schema of its own (an MCP tool's
    ``outputSchema``) rather than with the Python type pydantic describes."""
    return type(item).output_schema is not Tool.output_schema


def render_declarations(toolbox: Toolbox, *, output_type: Any = None) -> str:
    """TypeScript declarations of the sandbox's globals and tools (deterministic)."""
    emitter = typegen.TypeScriptEmitter(open_objects=False, unconstrained="any")
    emitter.reserve("ToolError")
    schemas = _schemas(toolbox, output_type)
    names: list[tuple[Tool, str, str, bool]] = []
    for index, item in enumerate(toolbox):
        base = _pascal(item.name)
        args_schema = _untitled(schemas[(index, "args")])
        args_type = _unique(emitter, f"{base}Args", args_schema)
        result_type = _unique(emitter, f"{base}Result", _untitled(schemas[(index, "result")]))
        names.append((item, args_type, result_type, not args_schema.get("required")))
    answer_name: str | None = None
    if output_type is not None:
        answer_name = _unique(emitter, "FinalAnswer", schemas["answer"])
    types = _Types(emitter)
    signatures: list[str] = []
    for item, args_name, result_name, optional in names:
        args_text, args_doc = types.inline(args_name)
        result_text, _ = types.inline(result_name)
        signatures.append(
            f"{_function_doc(item, args_doc)}declare function external_{item.name}"
            f"(args{'?' if optional else ''}: {args_text}): Promise<{result_text}>;\n"
        )
    answer_text = types.inline(answer_name)[0] if answer_name else "unknown"
    final = (
        f"{typegen.jsdoc(FINAL_ANSWER_DOC)}"
        f"declare function final_answer(value: {answer_text}): never;\n"
    )
    parts = [PRELUDE, final, *signatures]
    rendered = types.render()
    if rendered:
        parts.insert(1, rendered)
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)

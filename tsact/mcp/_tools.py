"""One MCP tool as a tsact tool: its schemas, its name, and the call that reaches the server."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import mcp_types

from tsact._errors import ToolDefinitionError
from tsact._tools.tool import Tool

from ._results import wrapped_result_schema

Caller = Callable[[str, dict[str, Any], bool], Awaitable[Any]]
"""``call(mcp_name, arguments, unwrap)``: the value of one call, or a ``ToolError``."""

_OPENNESS = frozenset(
    {
        "additionalProperties",
        "unevaluatedProperties",
        "patternProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "$ref",
        "$dynamicRef",
        "if",
        "dependentSchemas",
        "not",
    }
)


def closed_input_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with ``additionalProperties: false`` at the top when it only lists
    ``properties``: tsact rejects unknown arguments on the host (an MCP server typically
    ignores them, so a misspelt optional argument would silently do nothing), and the
    declarations are closed objects too. A schema that says anything about other keys,
    or composes subschemas, is left as the server wrote it.
    """
    closed = dict(schema)
    if closed.get("type") == "object" and not _OPENNESS & set(closed):
        closed["additionalProperties"] = False
    return closed


@dataclasses.dataclass(frozen=True, eq=False)
class MCPTool(Tool):
    """A tsact ``Tool`` whose result type is the MCP tool's output schema (the JSON Schema
    itself, ``$ref``s and all, which a Python type cannot carry).

    ``mcp_name`` is the tool's name on its server, ``result_schema`` the declared result
    (unwrapped when the server wraps values as ``{"result": ...}``), ``None`` when the
    server declares none.
    """

    mcp_name: str = ""
    result_schema: Mapping[str, Any] | None = None
    unwrap: bool = False

    def output_schema(self) -> dict[str, Any]:
        """The result's JSON Schema: the server's ``outputSchema`` (unwrapped), if any."""
        if self.result_schema is None:
            return super().output_schema()
        return dict(self.result_schema)


def build_tool(
    name: str,
    listed: mcp_types.Tool,
    call: Caller,
    *,
    requires_approval: bool,
    server: str,
) -> MCPTool:
    """The tsact tool ``name`` for the MCP tool ``listed``; calls go through ``call``."""
    output = listed.output_schema
    inner = wrapped_result_schema(output) if output is not None else None
    unwrap = inner is not None
    result_schema = inner if inner is not None else output
    mcp_name = listed.name

    async def invoke(arguments: dict[str, Any]) -> Any:
        return await call(mcp_name, arguments, unwrap)

    invoke.__name__ = name
    invoke.__qualname__ = f"mcp:{mcp_name}"
    try:
        return MCPTool(
            name=name,
            description=(listed.description or listed.title or "").strip(),
            fn=invoke,
            input_model=None,
            input_schema_override=closed_input_schema(listed.input_schema),
            requires_approval=requires_approval,
            mcp_name=mcp_name,
            result_schema=dict(result_schema) if result_schema is not None else None,
            unwrap=unwrap,
        )
    except ToolDefinitionError as exc:
        raise ToolDefinitionError(f"MCP server {server}, tool {mcp_name!r}: {exc}") from None

"""What a script gets from an MCP tool call: structured content, text, or content blocks.

- With an ``outputSchema`` the result is ``structuredContent``, typed by the schema. A
  server that returns a value that is not an object wraps it as ``{"result": value}``
  (the official SDK and FastMCP do); the script gets the value itself when the schema
  says so (see :func:`wrapped_result_schema`).
- Without one, the result is the text content (the texts of all blocks, joined by
  newlines) when every block is text, else the list of content blocks as MCP sends them
  (``{type: "image", data, mimeType}``...), so nothing the server said is lost.
- ``isError`` is a failure: a ``ToolError`` carrying the server's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mcp_types

from tsact._errors import ToolError

WRAP_MARKER = "x-fastmcp-wrap-result"
"""FastMCP's explicit mark on an output schema whose values arrive as ``{"result": ...}``."""

_OBJECT_KEYWORDS = frozenset({"properties", "additionalProperties", "patternProperties"})


def _is_object_schema(schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return False
    kind = schema.get("type")
    return kind == "object" or (kind is None and bool(_OBJECT_KEYWORDS & set(schema)))


def wrapped_result_schema(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema of the wrapped value if ``schema`` describes ``{"result": value}`` wrapping
    a value that is not an object, else ``None``.

    It does when it carries FastMCP's ``x-fastmcp-wrap-result`` mark, or when it is an
    object whose one property is the required ``result`` and that property's schema is
    not an object's: a tool returning a number, a string, a list or a union, as the
    official SDK and FastMCP wrap them. An object result (a model, a ``dict``) is never
    wrapped, so ``{"result": {...}}`` with an object inside is left as it is.
    """
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or set(properties) != {"result"}:
        return None
    inner = properties["result"]
    if schema.get(WRAP_MARKER) is True:
        return inner if isinstance(inner, Mapping) else {}
    required = schema.get("required")
    if schema.get("type") != "object" or not isinstance(required, list):
        return None
    if required != ["result"] or _is_object_schema(inner) or not isinstance(inner, Mapping):
        return None
    return inner


def content_value(content: list[mcp_types.ContentBlock]) -> Any:
    """The text of ``content`` when every block is text, else the blocks as JSON."""
    texts = [block.text for block in content if isinstance(block, mcp_types.TextContent)]
    if len(texts) == len(content):
        return "\n".join(texts)
    return [block.model_dump(mode="json", by_alias=True, exclude_none=True) for block in content]


def error_text(result: mcp_types.CallToolResult) -> str:
    """The server's message in an ``isError`` result (its text blocks), or a stand-in."""
    texts = [block.text for block in result.content if isinstance(block, mcp_types.TextContent)]
    text = "\n".join(texts).strip()
    return text or "the server reported an error and sent no message"


def result_value(result: mcp_types.CallToolResult, *, unwrap: bool) -> Any:
    """The script's value of a successful result; ``unwrap`` takes ``result`` out of
    ``{"result": ...}``; ``isError`` raises ``ToolError`` with the server's message."""
    if result.is_error:
        raise ToolError(error_text(result))
    structured = result.structured_content
    if structured is not None:
        if unwrap and isinstance(structured, Mapping) and "result" in structured:
            return structured["result"]
        return structured
    return content_value(result.content)

"""MCP tool names as tsact tool names: valid identifiers, the same every time.

MCP allows names such as ``alerts.count`` or ``get-forecast``; a script calls
``external_<name>``, so the name must be an identifier. The mapping is a pure function
of the MCP name and the prefix (no counters, no order dependence), so the same server
always gives the same declarations, and records stay comparable across runs.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from tsact._errors import ToolDefinitionError
from tsact._tools.tool import IDENTIFIER

_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


def tool_identifier(mcp_name: str, prefix: str | None = None) -> str:
    """The tsact name of MCP tool ``mcp_name``: every run of characters that cannot be in an
    identifier becomes one ``_``; ``prefix`` is joined with ``_``; a leading digit, a Python
    keyword or tsact's reserved ``__tsact`` start gets one more ``_`` or ``x`` to stay valid.

    ``alerts.count`` -> ``alerts_count``; ``get-forecast`` with prefix ``weather`` ->
    ``weather_get_forecast``.
    """
    name = _NOT_NAME.sub("_", mcp_name) or "_"
    if prefix:
        name = f"{prefix}_{name}"
    if name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name):
        name += "_"
    if name.startswith("__tsact"):
        name = "x" + name
    return name


def check_prefix(prefix: str | None) -> str | None:
    """``prefix`` if it can start an identifier, else a ``ValueError`` saying what is wrong."""
    if prefix is None:
        return None
    if not isinstance(prefix, str) or not IDENTIFIER.fullmatch(prefix):
        raise ValueError(
            f"prefix {prefix!r} must be an identifier: letters, digits and underscores, "
            "not starting with a digit"
        )
    return prefix


def map_names(mcp_names: Iterable[str], prefix: str | None, server: str) -> dict[str, str]:
    """tsact name -> MCP name for one server's tools; two MCP names that map to the same
    identifier are a ``ToolDefinitionError`` naming both (and how to tell them apart)."""
    mapped: dict[str, str] = {}
    for mcp_name in mcp_names:
        name = tool_identifier(mcp_name, prefix)
        if name in mapped:
            raise ToolDefinitionError(
                f"MCP server {server}: tools {mapped[name]!r} and {mcp_name!r} both become "
                f"external_{name}; tsact maps every character that cannot be in an "
                "identifier to '_', so these two names cannot both be offered (leave one out "
                "with exclude=)"
            )
        mapped[name] = mcp_name
    return mapped

"""tsact and MCP (the Model Context Protocol), both ways; needs ``pip install 'tsact[mcp]'``.

- ``MCPTools``: the tools of an MCP server (stdio or streamable HTTP) as tsact tools, so
  a script calls them as typed ``external_*`` functions.
- ``serve``/``build_server``: tsact as a code-mode MCP server, whose one tool
  ``execute_typescript(code)`` runs a script over local and MCP tools
  (``tsact mcp serve`` on the command line).
"""

from __future__ import annotations

try:
    import mcp as _mcp  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("tsact.mcp needs the MCP SDK: pip install 'tsact[mcp]'") from exc

from tsact._errors import MCPServerError

from ._client import MCPTools
from ._names import tool_identifier
from ._results import wrapped_result_schema
from ._server import build_server, describe, serve, serve_http, serve_stdio
from ._tools import MCPTool

__all__ = [
    "MCPServerError",
    "MCPTool",
    "MCPTools",
    "build_server",
    "describe",
    "serve",
    "serve_http",
    "serve_stdio",
    "tool_identifier",
    "wrapped_result_schema",
]

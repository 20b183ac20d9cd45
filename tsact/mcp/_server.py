"""tsact as a code-mode MCP server: one tool, ``execute_typescript(code)``, over a sandbox.

Any MCP client (Claude Desktop, Cursor, an IDE, another agent) gets typed code mode over
the sandbox's tools, which may themselves come from other MCP servers. The tool's
description holds the declarations, or for a large catalog the tools' names with
summaries and ``search_tools``; each call runs the script in a fresh sandbox and
answers with the observation an agent would get (console, result, error with its line)
as text, and ``structuredContent`` ``{status, result, error}`` for programs. A script
that fails or runs away (timeout, fuel, memory) is an ``isError`` result, never a stuck
server: every execution is bounded by the sandbox's limits.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from typing import Any

import mcp_types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from tsact._records.record import ExecutionRecord
from tsact._tools.catalog import SEARCH_DECLARATION, estimate_tokens
from tsact._tools.toolbox import Toolbox

from .._sandbox import Sandbox
from .._version import __version__
from ..agent import build_observation

TOOL_NAME = "execute_typescript"

OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["ok", "error"]},
        "result": {"description": "The script's returned (or final_answer) value"},
        "error": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string"},
                        "message": {"type": "string"},
                        "line": {"type": ["integer", "null"]},
                        "column": {"type": ["integer", "null"]},
                    },
                    "required": ["kind", "message", "line", "column"],
                },
            ]
        },
    },
    "required": ["status", "result", "error"],
}

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "The whole TypeScript script: the body of an async function.",
        }
    },
    "required": ["code"],
    "additionalProperties": False,
}

_ABOUT = """\
Run a TypeScript script in a fresh, locked-down sandbox and see what it printed, what it \
returned, or its error (with its line). The script is the body of an async function: use \
top-level `await`, and `return` a JSON value or `console.log` what you need to see. Its only \
way out is the `external_*` functions {where}: each takes one object argument and returns a \
Promise; a failed call throws a `ToolError` you can catch. Call independent ones together \
with `Promise.all`, and filter or aggregate big data inside the script: print only what you \
need. No imports, network, files or environment; nothing survives from one call to the next. \
Limits per script: {limits}.{typecheck}"""

_CATALOG = """\
There are {count} tools, too many to declare here; under a heading `external_<prefix>_*`, a \
name `x` stands for `external_<prefix>_x`:
{listing}

Call `search_tools("what you need")` in a script and print what it returns to see the full \
declarations (arguments, result type) of the best-matching tools."""


def _limits_text(sandbox: Sandbox) -> str:
    limits = sandbox.limits
    parts = [f"{limits.timeout_s:g} s", f"{limits.memory_mb} MB"]
    if limits.fuel is not None:
        parts.append(f"{limits.fuel:,} fuel (loop iterations and calls)")
    return ", ".join(parts)


def describe(sandbox: Sandbox, *, declarations_budget: int | None) -> str:
    """The ``execute_typescript`` description: how to use it and the declarations, or in
    catalog mode (``sandbox.tool_search`` and over the budget) the listing."""
    declarations = sandbox.declarations()
    catalog = (
        sandbox.tool_search
        and declarations_budget is not None
        and estimate_tokens(declarations) > declarations_budget
    )
    typecheck = (
        " Each script is type-checked against the declarations first: a type error comes back "
        "before anything runs."
        if sandbox.typecheck
        else ""
    )
    about = _ABOUT.format(
        where="listed below" if catalog else "declared below",
        limits=_limits_text(sandbox),
        typecheck=typecheck,
    )
    if catalog:
        assert declarations_budget is not None
        globals_ = Toolbox().declarations() + "\n" + SEARCH_DECLARATION
        listing = sandbox.catalog.listing(declarations_budget // 4)
        return (
            f"{about}\n\nDeclarations of the script's globals:\n```ts\n{globals_.rstrip()}\n```"
            f"\n\n{_CATALOG.format(count=len(sandbox.toolbox), listing=listing)}"
        )
    return f"{about}\n\nDeclarations:\n```ts\n{declarations.rstrip()}\n```"


def structured(record: ExecutionRecord) -> dict[str, Any]:
    """``{status, result, error}`` of a record, for ``structuredContent``."""
    error = record.error
    return {
        "status": record.status,
        "result": record.result,
        "error": None
        if error is None
        else {
            "kind": error.kind,
            "message": error.message,
            "line": error.line,
            "column": error.column,
        },
    }


def build_server(
    sandbox: Sandbox,
    *,
    name: str = "tsact",
    declarations_budget: int | None = 8000,
    max_observation_chars: int = 4000,
) -> Server[Any]:
    """An MCP server (the SDK's low-level ``Server``) whose one tool runs scripts in
    ``sandbox``. Give the sandbox ``tool_search=True`` for catalog mode past
    ``declarations_budget`` tokens. ``serve`` keeps the sandbox open while it serves (a
    spare process boots while the client thinks).
    """
    description = describe(sandbox, declarations_budget=declarations_budget)
    tool = mcp_types.Tool(
        name=TOOL_NAME,
        title="Run TypeScript",
        description=description,
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
    )

    async def list_tools(
        ctx: Any, params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        return mcp_types.ListToolsResult(tools=[tool])

    async def call_tool(
        ctx: Any, params: mcp_types.CallToolRequestParams
    ) -> mcp_types.CallToolResult:
        if params.name != TOOL_NAME:
            return _error_result(f"unknown tool {params.name!r}: the only tool is {TOOL_NAME}")
        source = (params.arguments or {}).get("code")
        if not isinstance(source, str):
            return _error_result("execute_typescript needs `code`, the script, as a string")
        record = await sandbox.run(source)
        text = build_observation(record, max_chars=max_observation_chars)
        return mcp_types.CallToolResult(
            content=[mcp_types.TextContent(type="text", text=text)],
            structured_content=structured(record),
            is_error=record.status == "error",
        )

    return Server(
        name,
        version=__version__,
        instructions=(
            "Write TypeScript against the tools in execute_typescript's description; each "
            "call runs one script in a fresh sandbox."
        ),
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _error_result(message: str) -> mcp_types.CallToolResult:
    return mcp_types.CallToolResult(
        content=[mcp_types.TextContent(type="text", text=message)], is_error=True
    )


async def serve_stdio(server: Server[Any]) -> None:
    """Serve ``server`` on this process's stdin and stdout until the client hangs up."""
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def serve(
    sandbox: Sandbox,
    *,
    http: tuple[str, int] | None = None,
    declarations_budget: int | None = 8000,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``execute_typescript`` over ``sandbox`` on stdio, or on streamable HTTP at
    ``http=(host, port)``, with the sandbox open (warm) until the server stops."""
    server = build_server(sandbox, declarations_budget=declarations_budget)
    async with sandbox:
        try:
            if http is None:
                await serve_stdio(server)
            else:
                await serve_http(server, *http, on_ready=on_ready)
        finally:
            sandbox.close()


async def serve_http(
    server: Server[Any],
    host: str,
    port: int,
    *,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``server`` over streamable HTTP at ``http://host:port/mcp`` until cancelled.

    The socket is bound before ``on_ready`` gets the URL (port 0 picks a free port), so a
    client can connect as soon as it is told where.
    """
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        url = f"http://{shown}:{bound}/mcp"
        app = server.streamable_http_app(host=host)
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        runner = uvicorn.Server(config)
        if on_ready is not None:
            on_ready(url)
        await runner.serve(sockets=[sock])
    finally:
        sock.close()


def print_ready(url: str) -> None:
    """Tell the person (or the test) on stderr where the server listens."""
    print(f"tsact: serving MCP at {url}", file=sys.stderr, flush=True)

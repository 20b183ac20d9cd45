"""``tsact mcp serve``: tsact as a code-mode MCP server over local and MCP tools.

stdio by default (what MCP clients such as Claude Desktop start); ``--http HOST:PORT``
serves streamable HTTP and prints the URL on stderr once the socket listens.
"""

from __future__ import annotations

import contextlib
import functools

import anyio

from tsact import Limits, Tool, Toolbox, ToolDefinitionError

from .errors import InputError
from .mcp_servers import async_mcp_tools
from .sandboxes import build_limits, make_sandbox
from .tools_file import load_tools


def parse_address(text: str) -> tuple[str, int]:
    """``"127.0.0.1:8000"`` -> ``("127.0.0.1", 8000)``; ``[::1]:0`` for IPv6."""
    host, colon, port = text.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise InputError(f"--http {text!r}: expected HOST:PORT, such as 127.0.0.1:8000")
    return host, int(port)


def serve_mcp(
    tools: list[str],
    mcp: list[str],
    *,
    http: str | None,
    timeout_s: float,
    memory_mb: int,
    fuel: int,
    typecheck: bool,
    declarations_budget: int,
) -> None:
    """Serve until the client hangs up (stdio) or the process is interrupted (HTTP)."""
    try:
        import tsact.mcp  # noqa: F401
    except ImportError:
        raise InputError("tsact mcp needs the MCP SDK: pip install 'tsact[mcp]'") from None
    limits = build_limits(timeout_s=timeout_s, memory_mb=memory_mb, fuel=fuel)
    local = load_tools(tools)
    if not local and not mcp:
        raise InputError('nothing to serve: give --tools PATH.py and/or --mcp "COMMAND ARGS"')
    address = parse_address(http) if http is not None else None
    run = functools.partial(_serve, local, mcp, limits, typecheck, declarations_budget, address)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops an HTTP server: no trace
        anyio.run(run)


async def _serve(
    local: list[Tool],
    mcp: list[str],
    limits: Limits,
    typecheck: bool,
    declarations_budget: int,
    address: tuple[str, int] | None,
) -> None:
    from tsact._tools.catalog import estimate_tokens
    from tsact.mcp import serve
    from tsact.mcp._server import print_ready

    async with async_mcp_tools(mcp) as remote:
        tools = [*local, *remote]
        try:
            declarations = Toolbox(tools).declarations()
        except ToolDefinitionError as exc:
            raise InputError(f"invalid tools: {exc}") from None
        search = estimate_tokens(declarations) > declarations_budget
        sandbox = make_sandbox(tools, limits, typecheck=typecheck, tool_search=search)
        if address is not None:
            try:
                await serve(
                    sandbox,
                    http=address,
                    declarations_budget=declarations_budget,
                    on_ready=print_ready,
                )
            except OSError as exc:
                raise InputError(
                    f"--http {address[0]}:{address[1]}: {exc.strerror or exc}"
                ) from None
        else:
            await serve(sandbox, declarations_budget=declarations_budget)

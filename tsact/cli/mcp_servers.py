"""Tools from the MCP servers that ``--mcp "COMMAND ARGS"`` names, for as long as a block runs.

Each value is one server command line, split like a shell would (``"python server.py
--flag"``); its tools join the ``--tools`` ones. ``"wx=python weather.py"`` namespaces
that server's tools as ``wx_*`` (the MCPTools ``prefix``). A server that cannot start, or two tools
that map to one name, is an input error (one line, exit status 2).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING

from tsact import Tool, ToolDefinitionError
from tsact._tools.prints import stdout_kept_for_data

from .errors import InputError

if TYPE_CHECKING:
    from tsact.mcp import MCPTools


def _servers(commands: Sequence[str]) -> list[MCPTools]:
    try:
        from tsact.mcp import MCPTools
    except ImportError:
        raise InputError("--mcp needs the MCP SDK: pip install 'tsact[mcp]'") from None
    servers: list[MCPTools] = []
    for command in commands:
        prefix, line = _prefix(command)
        try:
            servers.append(MCPTools.command(line, prefix=prefix))
        except ValueError as exc:
            raise InputError(f"--mcp {command!r}: {exc}") from None
    return servers


_PREFIXED = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)=(\S.*)", re.S)


def _prefix(command: str) -> tuple[str | None, str]:
    """``"wx=python s.py"`` -> ``("wx", "python s.py")``; no ``NAME=`` -> ``(None, command)``."""
    match = _PREFIXED.fullmatch(command)
    return (match.group(1), match.group(2)) if match else (None, command)


def _failed(exc: Exception) -> InputError:
    return InputError(f"--mcp: {exc}")


@contextlib.contextmanager
def mcp_tools(commands: Sequence[str]) -> Iterator[list[Tool]]:
    """The tools of every ``--mcp`` server, the servers running until the block ends
    (each on a private event loop, so ``run_sync`` and ``anyio.run`` can call them)."""
    if not commands:
        yield []
        return
    from tsact.mcp import MCPServerError

    with contextlib.ExitStack() as stack:
        tools: list[Tool] = []
        for server in _servers(commands):
            try:
                stack.enter_context(server)
            except (MCPServerError, ToolDefinitionError) as exc:
                raise _failed(exc) from None
            tools.extend(server.tools)
        yield tools


@contextlib.asynccontextmanager
async def async_mcp_tools(commands: Sequence[str]) -> AsyncIterator[list[Tool]]:
    """``mcp_tools`` on the running event loop (for a server that lives on it)."""
    if not commands:
        yield []
        return
    from tsact.mcp import MCPServerError

    async with contextlib.AsyncExitStack() as stack:
        tools: list[Tool] = []
        for server in _servers(commands):
            try:
                await stack.enter_async_context(server)
            except (MCPServerError, ToolDefinitionError) as exc:
                raise _failed(exc) from None
            tools.extend(server.tools)
        yield tools


@contextlib.contextmanager
def command_tools(
    tools: Sequence[str], mcp: Sequence[str], *, as_json: bool
) -> Iterator[list[Tool]]:
    """Every ``--tools`` tool, then every ``--mcp`` server's, for as long as the block runs.

    With ``as_json`` what tools (and servers starting) print goes to stderr, so that
    stdout holds the JSON alone. ``--tools`` load first: a bad one starts no server.
    """
    from .tools_file import load_tools

    local = load_tools(tools)
    with contextlib.ExitStack() as stack:
        if as_json:
            stack.enter_context(stdout_kept_for_data())
        yield [*local, *stack.enter_context(mcp_tools(mcp))]

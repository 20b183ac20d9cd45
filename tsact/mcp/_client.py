"""``MCPTools``: the tools of one MCP server, as tsact tools, for as long as a block runs.

The block owns the connection: entering it starts the server (stdio) or opens the
session (streamable HTTP), lists the tools and builds them; leaving it closes the
session and stops the server process. ``async with`` keeps the session on the running
event loop; plain ``with`` runs it on a private event loop in a thread, for code that
is not async (``Sandbox.run_sync``, the CLI). A tool called from another event loop
than the session's is handed over to it, so either form works with either kind of run.

A server that dies is noticed by the SDK's transport (end of stream): the call in
flight fails with a ``ToolError`` saying so, and every later call fails at once with the
same reason, never waiting on a server that is gone. A call that the server never
answers is bounded by the execution's timeout (the sandbox cancels it) and, outside a
sandbox, by ``call_timeout_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import shlex
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack, ExitStack
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import httpx2
import mcp_types
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from pydantic import ValidationError

from tsact._errors import MCPServerError, ToolDefinitionError, ToolError
from tsact._tools.tool import Tool

from ._names import check_prefix, map_names
from ._results import result_value
from ._tools import MCPTool, build_tool

MAX_PAGES = 100
"""``tools/list`` pages read at most: a server whose cursor never ends cannot hang start-up."""


def _leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside (possibly nested) exception groups, or ``error`` itself."""
    if isinstance(error, BaseExceptionGroup):
        found: list[BaseException] = []
        for inner in error.exceptions:
            found.extend(_leaves(inner))
        return found
    return [error]


def _single(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error to raise for a failed start: the SDK's task groups wrap what
    ``_session`` raised; a group of anything else stays a group."""
    for leaf in _leaves(group):
        if isinstance(leaf, MCPServerError | ToolDefinitionError):
            return leaf
    return group


def _describe(error: BaseException) -> str:
    """One line for what went wrong talking to a server."""
    leaves = _leaves(error)
    first = next((e for e in leaves if not isinstance(e, anyio.get_cancelled_exc_class())), None)
    if first is None:
        return type(error).__name__
    if isinstance(first, MCPError):
        return first.message
    if isinstance(first, OSError) and first.strerror:
        return f"{first.strerror}" + (f": {first.filename}" if first.filename else "")
    text = str(first).strip().splitlines()
    return f"{type(first).__name__}: {text[0]}" if text else type(first).__name__


class MCPTools:
    """The tools of one MCP server, usable as tsact tools inside the block.

    Build it with ``MCPTools.stdio(command, args)`` or ``MCPTools.http(url, headers=...)``
    and enter it with ``async with`` (or ``with``); ``.tools`` is then the list to give to
    ``Sandbox`` or ``Agent``. Each MCP tool becomes ``external_<name>``: its
    ``inputSchema`` is the argument type, checked on the host before the call; its
    ``outputSchema`` is the result type and the script gets ``structuredContent``;
    without one, the text (or the content blocks when not all are text). An ``isError``
    result or a protocol error is a ``ToolError`` with the server's message.

    Args (of both constructors):
        prefix: namespaces the tools: ``prefix_<name>``.
        include, exclude: MCP tool names to keep, or to leave out.
        requires_approval: ``True`` for every tool, or a function of the listed
            ``mcp.types.Tool`` (``lambda t: not (t.annotations and
            t.annotations.read_only_hint)``).
        connect_timeout_s: how long starting the session and listing tools may take.
        call_timeout_s: the longest one call may wait for its answer (``None``: only
            the execution's timeout bounds it).

    Raises on entering: ``MCPServerError`` when the server cannot be started or reached
    or does not answer in time, ``ToolDefinitionError`` when two of its tools map to
    the same name or a tool's schema is not valid JSON Schema.
    """

    def __init__(
        self,
        server: StdioServerParameters | str,
        *,
        label: str,
        headers: Mapping[str, str] | None = None,
        prefix: str | None = None,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        requires_approval: bool | Callable[[mcp_types.Tool], bool] = False,
        connect_timeout_s: float = 30.0,
        call_timeout_s: float | None = None,
    ) -> None:
        if not connect_timeout_s > 0:
            raise ValueError(f"connect_timeout_s must be > 0, got {connect_timeout_s!r}")
        if call_timeout_s is not None and not call_timeout_s > 0:
            raise ValueError(f"call_timeout_s must be > 0 or None, got {call_timeout_s!r}")
        self._server = server
        self.label = label
        self._headers = dict(headers or {})
        self.prefix = check_prefix(prefix)
        self._include = None if include is None else frozenset(include)
        self._exclude = frozenset(exclude)
        self._requires_approval = requires_approval
        self.connect_timeout_s = connect_timeout_s
        self.call_timeout_s = call_timeout_s
        self._client: Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gone: str | None = None
        self._tools: list[MCPTool] = []
        self._async_stack: AsyncExitStack | None = None
        self._sync_stack: ExitStack | None = None
        self.server_name: str | None = None
        self.instructions: str | None = None

    @classmethod
    def stdio(
        cls,
        command: str,
        args: Sequence[str] = (),
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        prefix: str | None = None,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        requires_approval: bool | Callable[[mcp_types.Tool], bool] = False,
        connect_timeout_s: float = 30.0,
        call_timeout_s: float | None = None,
    ) -> MCPTools:
        """The tools of the server that ``command args`` starts, over its stdin and stdout.

        The process gets the SDK's minimal environment (``PATH``, ``HOME``...) plus
        ``env``; its stderr is this process's.
        """
        if not isinstance(command, str) or not command.strip():
            raise ValueError("command must be a non-empty string, such as 'python'")
        if isinstance(args, str):
            raise ValueError("args must be a list of strings, not one string")
        parameters = StdioServerParameters(
            command=command, args=list(args), env=dict(env) if env else None, cwd=cwd
        )
        return cls(
            parameters,
            label=repr(shlex.join([command, *args])),
            prefix=prefix,
            include=include,
            exclude=exclude,
            requires_approval=requires_approval,
            connect_timeout_s=connect_timeout_s,
            call_timeout_s=call_timeout_s,
        )

    @classmethod
    def command(cls, command_line: str, **options: Any) -> MCPTools:
        """``stdio`` from one shell-like line, ``"python server.py --flag"`` (as ``--mcp``)."""
        try:
            words = shlex.split(command_line)
        except ValueError as exc:
            raise ValueError(f"cannot read MCP server command {command_line!r}: {exc}") from None
        if not words:
            raise ValueError("the MCP server command is empty")
        return cls.stdio(words[0], words[1:], **options)

    @classmethod
    def http(
        cls,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        prefix: str | None = None,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        requires_approval: bool | Callable[[mcp_types.Tool], bool] = False,
        connect_timeout_s: float = 30.0,
        call_timeout_s: float | None = None,
    ) -> MCPTools:
        """The tools of the MCP server at ``url`` (streamable HTTP), sending ``headers``
        (``{"Authorization": "Bearer ..."}``) with every request."""
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError(f"url must be an http:// or https:// URL, got {url!r}")
        return cls(
            url,
            label=repr(url),
            headers=headers,
            prefix=prefix,
            include=include,
            exclude=exclude,
            requires_approval=requires_approval,
            connect_timeout_s=connect_timeout_s,
            call_timeout_s=call_timeout_s,
        )

    # -- the tools ---------------------------------------------------------------------

    @property
    def tools(self) -> list[Tool]:
        """The server's tools as tsact tools (inside the block; empty before it)."""
        return list(self._tools)

    @property
    def names(self) -> dict[str, str]:
        """tsact tool name -> MCP tool name."""
        return {item.name: item.mcp_name for item in self._tools}

    # -- the block ---------------------------------------------------------------------

    async def __aenter__(self) -> MCPTools:
        if self._async_stack is not None or self._sync_stack is not None:
            raise RuntimeError("this MCPTools is already open")
        stack = AsyncExitStack()
        try:
            await stack.enter_async_context(self._session())
        except BaseExceptionGroup as group:
            raise _single(group) from None
        self._async_stack = stack
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        stack, self._async_stack = self._async_stack, None
        if stack is not None:
            await stack.aclose()

    def __enter__(self) -> MCPTools:
        if self._async_stack is not None or self._sync_stack is not None:
            raise RuntimeError("this MCPTools is already open")
        with ExitStack() as stack:
            portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
            try:
                stack.enter_context(portal.wrap_async_context_manager(self._session()))
            except BaseExceptionGroup as group:
                raise _single(group) from None
            self._sync_stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: object) -> None:
        stack, self._sync_stack = self._sync_stack, None
        if stack is not None:
            stack.close()

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[None]:
        """Connect, list, build the tools; on the way out, close and forget them.

        Connecting and listing together get ``connect_timeout_s`` (the SDK's own probe
        of a new server may wait longer); the deadline is lifted once the tools are built.
        """
        self._gone = None
        with anyio.CancelScope(deadline=anyio.current_time() + self.connect_timeout_s) as scope:
            async with AsyncExitStack() as stack:
                try:
                    client = await self._connect(stack)
                    listed = await self._list(client)
                except Exception as exc:
                    if isinstance(exc, MCPServerError):
                        raise
                    raise MCPServerError(
                        f"MCP server {self.label} could not be used: {_describe(exc)}"
                    ) from None
                scope.deadline = math.inf
                try:
                    self._loop = asyncio.get_running_loop()
                except RuntimeError:  # another anyio backend: calls must come from this loop
                    self._loop = None
                self._client = client
                self._tools = self._build(listed)
                info = client.server_info
                self.server_name = info.name if info is not None else None
                self.instructions = client.instructions
                try:
                    yield
                finally:
                    self._client = None
                    self._gone = (
                        f"MCP server {self.label} cannot be used: its MCPTools block has ended"
                    )
        if scope.cancelled_caught:
            raise MCPServerError(
                f"MCP server {self.label} did not start and list its tools within "
                f"{self.connect_timeout_s:g} s"
            )

    async def _connect(self, stack: AsyncExitStack) -> Client:
        server: Any = self._server
        if isinstance(server, str):
            http = httpx2.AsyncClient(
                headers=self._headers,
                timeout=httpx2.Timeout(self.connect_timeout_s, read=300.0),
            )
            await stack.enter_async_context(http)
            server = streamable_http_client(server, http_client=http)
        # the read timeout bounds the handshake and the listing; each call sets its own
        client = Client(server, read_timeout_seconds=self.connect_timeout_s)
        await stack.enter_async_context(client)
        return client

    async def _list(self, client: Client) -> list[mcp_types.Tool]:
        listed: list[mcp_types.Tool] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await client.list_tools(cursor=cursor)
            listed.extend(page.tools)
            cursor = page.next_cursor
            if cursor is None:
                return listed
        raise MCPServerError(f"MCP server {self.label} listed more than {MAX_PAGES} pages of tools")

    def _build(self, listed: list[mcp_types.Tool]) -> list[MCPTool]:
        kept = [
            item
            for item in listed
            if (self._include is None or item.name in self._include)
            and item.name not in self._exclude
        ]
        unknown = sorted((self._include or frozenset()) - {item.name for item in listed})
        if unknown:
            raise MCPServerError(
                f"MCP server {self.label} has no tool named {', '.join(map(repr, unknown))}"
            )
        names = map_names((item.name for item in kept), self.prefix, self.label)
        by_mcp_name = {mcp_name: name for name, mcp_name in names.items()}
        tools: list[MCPTool] = []
        for item in kept:
            approval = self._requires_approval
            tools.append(
                build_tool(
                    by_mcp_name[item.name],
                    item,
                    self._call,
                    requires_approval=approval(item) if callable(approval) else bool(approval),
                    server=self.label,
                )
            )
        return tools

    # -- calls -------------------------------------------------------------------------

    async def _call(self, mcp_name: str, arguments: dict[str, Any], unwrap: bool) -> Any:
        """One call on the session's loop, from whatever loop the tool is awaited on."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        owner = self._loop
        if owner is None or running is owner:
            return await self._call_here(mcp_name, arguments, unwrap)
        if self._gone is not None or owner.is_closed():
            raise ToolError(self._gone or f"MCP server {self.label} is closed")
        future = asyncio.run_coroutine_threadsafe(
            self._call_here(mcp_name, arguments, unwrap), owner
        )
        return await asyncio.wrap_future(future)

    async def _call_here(self, mcp_name: str, arguments: dict[str, Any], unwrap: bool) -> Any:
        client = self._client
        if self._gone is not None or client is None:
            raise ToolError(self._gone or f"MCP server {self.label} is not open")
        try:
            result = await client.call_tool(
                mcp_name, arguments, read_timeout_seconds=self.call_timeout_s
            )
        except MCPError as exc:
            if exc.code == mcp_types.CONNECTION_CLOSED:
                self._gone = (
                    f"MCP server {self.label} is gone: it closed the connection (the server "
                    "exited or crashed); start it again to use its tools"
                )
                raise ToolError(self._gone) from None
            if exc.code == mcp_types.REQUEST_TIMEOUT:
                raise ToolError(
                    f"MCP server {self.label} did not answer {mcp_name!r} within "
                    f"{self.call_timeout_s:g} s"
                ) from None
            raise ToolError(f"MCP error {exc.code}: {exc.message}") from None
        except ValidationError as exc:
            raise ToolError(f"the MCP server sent a malformed result: {exc}") from None
        except RuntimeError as exc:  # the SDK's output-schema check
            raise ToolError(str(exc)) from None
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._gone = f"MCP server {self.label} is gone: its connection is closed"
            raise ToolError(self._gone) from None
        return result_value(result, unwrap=unwrap)

    def __repr__(self) -> str:
        state = "open" if self._client is not None else "closed"
        return f"MCPTools({self.label}, {state}, tools={len(self._tools)})"

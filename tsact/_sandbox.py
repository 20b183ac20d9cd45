"""The public entry point: a set of tools and limits that runs scripts, one process each."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import anyio
import anyio.abc
import anyio.from_thread

from ._catalog import (
    SEARCH_ALIAS,
    SEARCH_DECLARATION,
    ToolCatalog,
    check_search_name,
    search_tool,
)
from ._checker import CheckerError, TypeChecker, format_diagnostics
from ._deno import deno_version, find_deno
from ._events import Approver, EventHandler
from ._execution import (
    ExecutionSettings,
    SpawnedSandbox,
    execute,
    spawn_sandbox,
    type_error_record,
)
from ._limits import Limits
from ._record import Diagnostic, ErrorInfo, ExecutionRecord
from ._script import well_formed
from ._sync import run_blocking
from ._toolbox import Toolbox
from ._tools import Tool

T = TypeVar("T")
LOGGER = logging.getLogger("tsact.sandbox")


class Sandbox:
    """Runs TypeScript scripts against Python tools, each in a fresh locked-down Deno process.

    ``run`` never raises for anything the script does: syntax errors, exceptions, tool
    failures and limit hits all come back as an ``ExecutionRecord`` with ``status ==
    "error"``. Bad configuration (tools that cannot become a schema, duplicate or invalid
    names, no deno binary) fails here, at construction.

    Used as ``async with Sandbox(...) as sandbox:``, it keeps one spare process booting in
    the background, so the next ``run`` skips start-up (an agent's next step boots while
    the model thinks). Every spare still serves exactly one execution; leaving the block
    kills the spare and removes its temp directory. Code that is not async gets the same
    with ``with Sandbox(...) as sandbox:`` and ``run_sync``/``check_sync``, which also
    work where an event loop already runs (a notebook).

    Args:
        tools: ``@tool`` functions, ``Tool`` objects, or plain annotated functions.
        limits: the limits of every execution (``run`` can override them per call).
        approve: called for every call of a ``requires_approval`` tool with an
            ``ApprovalRequest``; returns (or awaits) ``True`` to let it run.
        typecheck: type-check each script before it runs; a script with type errors
            comes back as a ``type`` record and nothing runs.
        output_type: the type of ``final_answer``'s value in the declarations and in
            type checks (``None``: any JSON value).
        deno_path: the deno binary; by default ``$TSACT_DENO``, else the ``deno``
            package's, else the one on ``PATH``.
        tool_search: scripts get ``search_tools(query)``, which returns the full
            declarations of the tools that best match (for large catalogs, whose prompt
            lists only names and summaries: ``sandbox.catalog``).
    """

    def __init__(
        self,
        tools: Iterable[Tool | Callable[..., Any]] = (),
        *,
        limits: Limits | None = None,
        approve: Approver | None = None,
        typecheck: bool = False,
        output_type: Any = None,
        deno_path: str | os.PathLike[str] | None = None,
        tool_search: bool = False,
    ) -> None:
        self.toolbox = Toolbox(tools)
        self.tool_search = tool_search
        self._catalog: ToolCatalog | None = None
        self._run_toolbox = self.toolbox
        if tool_search:
            check_search_name(self.toolbox)
            self._run_toolbox = Toolbox([*self.toolbox, search_tool(lambda: self.catalog)])
        self.typecheck = typecheck
        self.output_type = output_type
        self._checker: TypeChecker | None = None
        self._declarations: str | None = None
        self.limits = limits if limits is not None else Limits()
        self.approve = approve
        self.deno_path = find_deno(deno_path)
        self.deno_version = deno_version(self.deno_path)
        self._spares: anyio.abc.TaskGroup | None = None
        self._spare: SpawnedSandbox | None = None
        self._spawning = False
        self._portal: anyio.from_thread.BlockingPortal | None = None
        self._portal_stack: contextlib.ExitStack | None = None

    async def __aenter__(self) -> Sandbox:
        if self._spares is not None:
            raise RuntimeError("this Sandbox is already open in an async with block")
        group = anyio.create_task_group()
        await group.__aenter__()
        self._spares = group
        self._refill(self._settings(None))
        if self.typecheck:
            group.start_soon(self._warm_checker)
        return self

    async def _warm_checker(self) -> None:
        """Boot the type checker in the background: its first check costs about a second."""
        LOGGER.debug("warming the type checker in the background")
        with contextlib.suppress(CheckerError):
            await self.check("")

    async def __aexit__(self, *exc_info: Any) -> None:
        group, self._spares = self._spares, None
        if group is None:
            return
        try:
            group.cancel_scope.cancel()
            await group.__aexit__(*exc_info)  # re-raises when the block was cancelled
        finally:
            spare, self._spare = self._spare, None
            if spare is not None:
                await spare.aclose()
            self.close()

    def _refill(self, settings: ExecutionSettings) -> None:
        """Boot the next spare in the background (at most one at a time)."""
        if self._spares is None or self._spare is not None or self._spawning:
            return
        self._spawning = True

        async def boot() -> None:
            try:
                spare = await spawn_sandbox(settings)
            except OSError:
                return
            finally:
                self._spawning = False
            if self._spares is None or self._spare is not None:
                await spare.aclose()
            else:
                self._spare = spare

        self._spares.start_soon(boot)

    async def _take_spare(self, settings: ExecutionSettings) -> SpawnedSandbox | None:
        """The booted spare if it fits these limits, and start booting the next one.

        A spare that does not fit is closed in the background, so the run's own spawn
        does not wait for it; the next spare has the sandbox's limits, for the next
        default run, whatever this run's are.
        """
        spare, self._spare = self._spare, None
        if spare is not None and (
            spare.memory_mb != settings.limits.memory_mb or spare.process.returncode is not None
        ):
            if self._spares is not None:
                self._spares.start_soon(spare.aclose)  # shielded: the block's exit awaits it
            else:
                await spare.aclose()
            spare = None
        self._refill(self._settings(None))
        return spare

    @property
    def tools(self) -> list[Tool]:
        """The tools in the order they were given."""
        return list(self.toolbox)

    def declarations(self, *, output_type: Any = None) -> str:
        """The TypeScript the model sees: every tool's types and ``external_*`` function.

        ``final_answer`` is declared with ``output_type``, or else the sandbox's own.
        """
        if output_type is not None and output_type is not self.output_type:
            return self._with_search(self.toolbox.declarations(output_type=output_type))
        if self._declarations is None:  # the sandbox's own: rendered once, checked often
            self._declarations = self._with_search(
                self.toolbox.declarations(output_type=self.output_type)
            )
        return self._declarations

    def _with_search(self, declarations: str) -> str:
        return declarations + "\n" + SEARCH_DECLARATION if self.tool_search else declarations

    @property
    def catalog(self) -> ToolCatalog:
        """The tools' one-line listing and search index (``tool_search``'s answers)."""
        if self._catalog is None:
            self._catalog = ToolCatalog(self.toolbox, self.declarations())
        return self._catalog

    async def check(self, source: str, *, output_type: Any = None) -> list[Diagnostic]:
        """Type-check a script against the declarations; never runs it.

        ``final_answer`` is typed as in ``declarations(output_type=...)``. Diagnostics
        are in the script's own lines. The checker is a warm ``deno lsp`` kept
        for the sandbox's lifetime (``close()`` stops it).
        """
        declarations = self.declarations(output_type=output_type)
        if self._checker is None:
            self._checker = TypeChecker(self.deno_path)
        checker = self._checker
        return await anyio.to_thread.run_sync(
            checker.check, declarations, source, abandon_on_cancel=True
        )

    def close(self) -> None:
        """Stop the type checker, if one was started (spares end with ``async with``)."""
        checker, self._checker = self._checker, None
        if checker is not None:
            checker.close()

    def _settings(self, limits: Limits | None) -> ExecutionSettings:
        return ExecutionSettings(
            toolbox=self._run_toolbox,
            aliases=(SEARCH_ALIAS,) if self.tool_search else (),
            limits=limits if limits is not None else self.limits,
            deno=self.deno_path,
            deno_version=self.deno_version,
            approve=self.approve,
        )

    async def run(
        self,
        source: str,
        *,
        limits: Limits | None = None,
        on_event: EventHandler | None = None,
    ) -> ExecutionRecord:
        """Run one script and return its record.

        ``limits`` overrides the sandbox's limits for this run; ``on_event`` receives
        console lines and tool calls as they happen. Cancelling the awaiting task kills
        the process, cleans up, and re-raises the cancellation.
        """
        source = well_formed(source)
        settings = self._settings(limits)
        if self.typecheck:
            rejected = await self._typecheck_record(source, settings)
            if rejected is not None:
                return rejected
        spare = await self._take_spare(settings)
        return await execute(source, settings, on_event, spare)

    async def _typecheck_record(
        self, source: str, settings: ExecutionSettings
    ) -> ExecutionRecord | None:
        """A ``type`` error record when the script does not type-check, else None."""
        if len(source.encode()) > settings.limits.max_source_bytes:
            return None  # the execution reports the size limit
        started = time.perf_counter()
        diagnostics = await self.check(source)
        if not diagnostics:
            return None
        first = diagnostics[0]
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        return type_error_record(
            source,
            settings,
            ErrorInfo(
                kind="type",
                message=f"{first.message}{more}",
                line=first.line,
                column=first.column,
                stack=format_diagnostics(diagnostics, source),
                diagnostics=diagnostics,
            ),
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def run_sync(
        self,
        source: str,
        *,
        limits: Limits | None = None,
        on_event: EventHandler | None = None,
    ) -> ExecutionRecord:
        """``run`` for code that is not async.

        Inside ``with Sandbox(...)`` it runs on the block's event loop (and its spare
        process); elsewhere on a new event loop: this thread's, or a helper thread's
        when this thread already runs one (a notebook, an async caller).
        """

        async def main() -> ExecutionRecord:
            return await self.run(source, limits=limits, on_event=on_event)

        return self._blocking(main)

    def check_sync(self, source: str, *, output_type: Any = None) -> list[Diagnostic]:
        """``check`` for code that is not async (see ``run_sync`` for where it runs)."""

        async def main() -> list[Diagnostic]:
            return await self.check(source, output_type=output_type)

        return self._blocking(main)

    def _blocking(self, function: Callable[[], Awaitable[T]]) -> T:
        portal = self._portal
        if portal is not None:
            return portal.call(function)
        return run_blocking(function)

    def __enter__(self) -> Sandbox:
        """``with Sandbox(...) as sandbox:`` for code that is not async: what ``async with``
        does (a spare process boots ahead of each ``run_sync``), on a private event loop
        in a helper thread that lives as long as the block."""
        if self._portal is not None:
            raise RuntimeError("this Sandbox is already open in a with block")
        with contextlib.ExitStack() as stack:
            portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
            stack.enter_context(portal.wrap_async_context_manager(self))
            self._portal = portal
            self._portal_stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        stack, self._portal_stack = self._portal_stack, None
        self._portal = None
        if stack is not None:
            stack.close()

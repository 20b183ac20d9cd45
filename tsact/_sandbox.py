"""The public entry point: a set of tools and limits that runs scripts, one process each."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

import anyio
import anyio.abc
import anyio.from_thread
import msgspec

from tsact._deno import deno_version, find_deno
from tsact._errors import CheckerError, CheckTimeout
from tsact._execution.execute import (
    ExecutionSettings,
    execute,
    type_error_record,
)
from tsact._execution.spares import SparePool
from tsact._records.events import Approver, EventHandler
from tsact._records.limits import Limits
from tsact._records.record import Diagnostic, ErrorInfo, ExecutionRecord
from tsact._scripts.checker import TypeChecker, format_diagnostics
from tsact._scripts.policy import Verdict
from tsact._scripts.prepare import ScriptRejected, well_formed
from tsact._tools.catalog import (
    SEARCH_ALIAS,
    SEARCH_DECLARATION,
    ToolCatalog,
    check_search_name,
    search_tool,
)
from tsact._tools.tool import Tool
from tsact._tools.toolbox import Toolbox

from ._session import Session
from ._sync import run_blocking
from ._tracing import execution_span

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
        typecheck: type-check each script before it runs; a script with a blocking
            type error (README, "Type checking") comes back as a ``type`` record and
            nothing runs; the findings that are only reported are attached to the
            record's ``error.diagnostics`` if the run then fails.
        output_type: the type of ``final_answer``'s value in the declarations and in
            type checks (``None``: any JSON value).
        deno_path: the deno binary; by default ``$TSACT_DENO``, else the ``deno``
            package's, else the one on ``PATH``.
        pool: processes kept booted inside ``async with`` (1: the next run's; more for
            concurrent runs, each of which takes one).
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
        pool: int = 1,
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
        self._group: anyio.abc.TaskGroup | None = None
        self._pool = SparePool(pool)
        self._portal: anyio.from_thread.BlockingPortal | None = None
        self._portal_stack: contextlib.ExitStack | None = None

    async def __aenter__(self) -> Sandbox:
        if self._group is not None:
            raise RuntimeError("this Sandbox is already open in an async with block")
        group = anyio.create_task_group()
        await group.__aenter__()
        self._group = group
        self._pool.start(group, self._settings(None))
        if self.typecheck:
            group.start_soon(self._warm_checker)
        return self

    async def warm(self) -> None:
        """Wait until the pool's processes have booted (inside ``async with``).

        ``run`` never needs it; it makes the next runs' start-up predictable (benchmarks,
        a first step that should not wait).
        """
        await self._pool.wait_ready()

    async def _warm_checker(self) -> None:
        """Boot the type checker in the background: its first check costs about a second."""
        LOGGER.debug("warming the type checker in the background")
        with contextlib.suppress(CheckerError):
            await self.check("")

    async def __aexit__(self, *exc_info: Any) -> None:
        group, self._group = self._group, None
        if group is None:
            return
        try:
            group.cancel_scope.cancel()  # teardowns are shielded: the block waits for them
            await group.__aexit__(*exc_info)  # re-raises when the block was cancelled
        finally:
            await self._pool.close()
            self.close()

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

    async def check(
        self,
        source: str,
        *,
        output_type: Any = None,
        carried: str = "",
        include_notes: bool = False,
    ) -> list[Diagnostic]:
        """Type-check a script against the declarations; never runs it.

        Returns the diagnostics that would stop a run (empty: a run would go ahead), and
        with ``include_notes`` also those the policy only reports (``blocking=False``).
        A script a run refuses before checking (an import, a syntax error, over
        ``max_source_bytes``) gives that refusal as one diagnostic without a code.
        ``final_answer`` is typed as in ``declarations(output_type=...)``; ``carried``
        declares a session's variables. Diagnostics are in the script's own lines. The
        checker is a warm ``deno lsp`` kept for the sandbox's lifetime (``close()``
        stops it). Raises ``CheckerError`` if it cannot run, ``CheckTimeout`` past
        ``limits.timeout_s``.
        """
        try:
            verdict = await self._verdict(source, output_type, self.limits, carried)
        except ScriptRejected as rejected:
            line, column = rejected.line or 1, rejected.column or 1
            return [
                Diagnostic(
                    line=line,
                    column=column,
                    end_line=line,
                    end_column=column,
                    message=rejected.message,
                )
            ]
        found = verdict.blocking + (verdict.notes if include_notes else [])
        return sorted(found, key=lambda d: (d.line, d.column))

    async def _verdict(
        self, source: str, output_type: Any, limits: Limits, carried: str = ""
    ) -> Verdict:
        declarations = self.declarations(output_type=output_type) + carried
        if self._checker is None:
            self._checker = TypeChecker(self.deno_path)
        checker = self._checker

        def check() -> Verdict:
            return checker.check(
                declarations,
                source,
                timeout_s=limits.timeout_s,
                max_source_bytes=limits.max_source_bytes,
            )

        return await anyio.to_thread.run_sync(check, abandon_on_cancel=True)

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
        the process, cleans up, and re-raises the cancellation. Each run starts with no
        variables; ``session()`` carries them from one script to the next.
        """
        return await self._run(source, limits=limits, on_event=on_event, session=None)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        """A session: scripts run one after another, top-level JSON variables carried.

        Each script still runs in a fresh process; only the JSON text of the variables
        crosses, held here on the host. Leaving the block forgets them.
        """
        session = Session(self)
        try:
            yield session
        finally:
            session.clear()

    async def _run(
        self,
        source: str,
        *,
        limits: Limits | None,
        on_event: EventHandler | None,
        session: Session | None,
    ) -> ExecutionRecord:
        with execution_span() as span:
            record = await self._execute(source, limits, on_event, session)
            span.finish(record)
        return record

    async def _execute(
        self,
        source: str,
        limits: Limits | None,
        on_event: EventHandler | None,
        session: Session | None,
    ) -> ExecutionRecord:
        """``_run`` without its span: the type check, then the execution."""
        source = well_formed(source)
        settings = self._settings(limits)
        notes: list[Diagnostic] = []
        if self.typecheck:
            carried = session.declarations() if session is not None else ""
            checked = await self._typecheck_record(source, settings, carried=carried)
            if isinstance(checked, ExecutionRecord):
                return checked
            if checked is None:  # refused before checking: the execution says why
                return await execute(source, settings, on_event, None, session)
            notes = checked
        spare = await self._pool.take(settings)
        defer = self._pool.defer if self._pool.open else None
        try:
            record = await execute(source, settings, on_event, spare, session, defer=defer)
        finally:
            self._pool.refill(self._settings(None))  # the next spare boots as this one ends
        if notes and record.error is not None and not record.error.diagnostics:
            record.error = msgspec.structs.replace(record.error, diagnostics=notes)
        return record

    async def _typecheck_record(
        self, source: str, settings: ExecutionSettings, *, carried: str = ""
    ) -> ExecutionRecord | list[Diagnostic] | None:
        """The record of a script the checker stops, else the notes for the run.

        ``None`` for a script the execution refuses before running (``prepare``), so it
        gets exactly the record a run without checking would give. A check past
        ``timeout_s`` is a ``type`` record (the script's types are too costly to check);
        a checker that cannot run is an ``internal`` one. Nothing is raised.
        """
        started = time.perf_counter()
        try:
            verdict = await self._verdict(source, None, settings.limits, carried)
        except ScriptRejected:
            return None
        except CheckTimeout:
            self._rewarm()
            return self._checker_record(
                source,
                settings,
                started,
                ErrorInfo(
                    kind="type",
                    message=(
                        f"type checking took longer than timeout_s ({settings.limits.timeout_s:g}"
                        " s): the script's types are too costly to check; simplify them"
                    ),
                ),
            )
        except CheckerError as exc:
            self._rewarm()
            return self._checker_record(
                source,
                settings,
                started,
                ErrorInfo(kind="internal", message=f"the type checker failed: {exc}"),
            )
        except Exception as exc:  # a fault of tsact's own: still a record, never a raise
            LOGGER.exception("the type checker failed")
            return self._checker_record(
                source,
                settings,
                started,
                ErrorInfo(
                    kind="internal",
                    message=f"the type checker failed: {type(exc).__name__}: {exc}",
                ),
            )
        diagnostics = verdict.blocking
        if not diagnostics:
            return verdict.notes
        first = diagnostics[0]
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        return self._checker_record(
            source,
            settings,
            started,
            ErrorInfo(
                kind="type",
                message=f"{first.message}{more}",
                line=first.line,
                column=first.column,
                stack=format_diagnostics(diagnostics, source),
                diagnostics=diagnostics,
            ),
        )

    @staticmethod
    def _checker_record(
        source: str, settings: ExecutionSettings, started: float, error: ErrorInfo
    ) -> ExecutionRecord:
        return type_error_record(
            source, settings, error, duration_ms=(time.perf_counter() - started) * 1000
        )

    def _rewarm(self) -> None:
        """After a killed or failed checker: boot the next one now, inside ``async with``."""
        if self._group is not None and self.typecheck:
            self._group.start_soon(self._warm_checker)

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

    def check_sync(
        self, source: str, *, output_type: Any = None, include_notes: bool = False
    ) -> list[Diagnostic]:
        """``check`` for code that is not async (see ``run_sync`` for where it runs)."""

        async def main() -> list[Diagnostic]:
            return await self.check(source, output_type=output_type, include_notes=include_notes)

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

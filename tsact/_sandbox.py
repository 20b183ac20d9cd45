"""The public entry point: a set of tools and limits that runs scripts, one process each."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import anyio.abc
import msgspec

from ._checker import CheckerError, CheckTimeout, TypeChecker, format_diagnostics
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
from ._script import ScriptRejected, well_formed
from ._toolbox import Toolbox
from ._tools import Tool
from ._typepolicy import Verdict


class Sandbox:
    """Runs TypeScript scripts against Python tools, each in a fresh locked-down Deno process.

    ``run`` never raises for anything the script does: syntax errors, exceptions, tool
    failures and limit hits all come back as an ``ExecutionRecord`` with ``status ==
    "error"``. Bad configuration (tools that cannot become a schema, duplicate or invalid
    names, no deno binary) fails here, at construction.

    Used as ``async with Sandbox(...) as sandbox:``, it keeps one spare process booting in
    the background, so the next ``run`` skips start-up (an agent's next step boots while
    the model thinks). Every spare still serves exactly one execution; leaving the block
    kills the spare and removes its temp directory.

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
    ) -> None:
        self.toolbox = Toolbox(tools)
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
        with contextlib.suppress(CheckerError):
            await self.check("")

    async def __aexit__(self, *exc_info: Any) -> None:
        group, self._spares = self._spares, None
        if group is None:
            return
        group.cancel_scope.cancel()
        await group.__aexit__(*exc_info)
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
            return self.toolbox.declarations(output_type=output_type)
        if self._declarations is None:  # the sandbox's own: rendered once, checked often
            self._declarations = self.toolbox.declarations(output_type=self.output_type)
        return self._declarations

    async def check(
        self, source: str, *, output_type: Any = None, include_notes: bool = False
    ) -> list[Diagnostic]:
        """Type-check a script against the declarations; never runs it.

        Returns the diagnostics that would stop a run (empty: a run would go ahead), and
        with ``include_notes`` also those the policy only reports (``blocking=False``).
        A script a run refuses before checking (an import, a syntax error, over
        ``max_source_bytes``) gives that refusal as one diagnostic without a code.
        ``final_answer`` is typed as in ``declarations(output_type=...)``. Diagnostics
        are in the script's own lines. The checker is a warm ``deno lsp`` kept for the
        sandbox's lifetime (``close()`` stops it). Raises ``CheckerError`` if it cannot
        run, ``CheckTimeout`` past ``limits.timeout_s``.
        """
        try:
            verdict = await self._verdict(source, output_type, self.limits)
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

    async def _verdict(self, source: str, output_type: Any, limits: Limits) -> Verdict:
        declarations = self.declarations(output_type=output_type)
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
            toolbox=self.toolbox,
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
        notes: list[Diagnostic] = []
        if self.typecheck:
            checked = await self._typecheck_record(source, settings)
            if isinstance(checked, ExecutionRecord):
                return checked
            if checked is None:  # refused before checking: the execution says why
                return await execute(source, settings, on_event, None)
            notes = checked
        spare = await self._take_spare(settings)
        record = await execute(source, settings, on_event, spare)
        if notes and record.error is not None and not record.error.diagnostics:
            record.error = msgspec.structs.replace(record.error, diagnostics=notes)
        return record

    async def _typecheck_record(
        self, source: str, settings: ExecutionSettings
    ) -> ExecutionRecord | list[Diagnostic] | None:
        """The record of a script the checker stops, else the notes for the run.

        ``None`` for a script the execution refuses before running (``prepare``), so it
        gets exactly the record a run without checking would give. A check past
        ``timeout_s`` is a ``type`` record (the script's types are too costly to check);
        a checker that cannot run is an ``internal`` one. Nothing is raised.
        """
        started = time.perf_counter()
        try:
            verdict = await self._verdict(source, None, settings.limits)
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
        if self._spares is not None and self.typecheck:
            self._spares.start_soon(self._warm_checker)

    def run_sync(
        self,
        source: str,
        *,
        limits: Limits | None = None,
        on_event: EventHandler | None = None,
    ) -> ExecutionRecord:
        """``run`` for code that is not async (starts its own event loop)."""

        async def main() -> ExecutionRecord:
            return await self.run(source, limits=limits, on_event=on_event)

        return anyio.run(main)

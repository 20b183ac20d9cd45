"""The public entry point: a set of tools and limits that runs scripts, one process each."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import anyio.abc

from ._deno import deno_version, find_deno
from ._events import Approver, EventHandler
from ._execution import ExecutionSettings, SpawnedSandbox, execute, spawn_sandbox
from ._limits import Limits
from ._record import ExecutionRecord
from ._toolbox import Toolbox
from ._tools import Tool


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
    """

    def __init__(
        self,
        tools: Iterable[Tool | Callable[..., Any]] = (),
        *,
        limits: Limits | None = None,
        approve: Approver | None = None,
        deno_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.toolbox = Toolbox(tools)
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
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        group, self._spares = self._spares, None
        if group is None:
            return
        group.cancel_scope.cancel()
        await group.__aexit__(*exc_info)
        spare, self._spare = self._spare, None
        if spare is not None:
            await spare.aclose()

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
        """The booted spare if it fits these limits, and start booting the next one."""
        spare, self._spare = self._spare, None
        if spare is not None and (
            spare.memory_mb != settings.limits.memory_mb or spare.process.returncode is not None
        ):
            await spare.aclose()
            spare = None
        self._refill(settings)
        return spare

    @property
    def tools(self) -> list[Tool]:
        """The tools in the order they were given."""
        return list(self.toolbox)

    def declarations(self, *, output_type: Any = None) -> str:
        """The TypeScript the model sees: every tool's types and ``external_*`` function.

        With ``output_type``, ``final_answer`` is declared with that type.
        """
        from ._declarations import render_declarations

        return render_declarations(self.toolbox, output_type=output_type)

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
        settings = self._settings(limits)
        spare = await self._take_spare(settings)
        return await execute(source, settings, on_event, spare)

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

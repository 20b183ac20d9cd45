"""The public entry point: a set of tools and limits that runs scripts, one process each."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import anyio

from ._deno import deno_version, find_deno
from ._events import Approver, EventHandler
from ._execution import ExecutionSettings, execute
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
        return await execute(source, self._settings(limits), on_event)

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

"""Variables that carry from one script to the next, each script in a fresh process.

A session keeps, on the host, the JSON text of every top-level variable its last
script left holding JSON data, with the type the runtime inferred from the value. The
next script runs in a new sandbox with those names declared around it (so it may read,
assign, shadow or declare them again) and is type-checked with them declared. Nothing
but JSON text crosses from one process to the next: no function, no global, no object
identity. Sessions never see each other's state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from tsact._records.record import DroppedName, ExecutionRecord, KeptVariable, SessionState
from tsact._wire.protocol import CapturedState

if TYPE_CHECKING:
    from tsact._records.events import EventHandler
    from tsact._records.limits import Limits

    from ._sandbox import Sandbox

NOT_ASSIGNED = "not assigned when the script ended"


@dataclass(frozen=True)
class Carried:
    """One variable carried to the next script: its JSON, type and description."""

    type: str
    summary: str
    json: bytes


class Session:
    """Runs scripts one after another, carrying their top-level JSON variables.

    Made by ``Sandbox.session()``; ``run`` is ``Sandbox.run`` with the variables of the
    scripts before declared and set. ``variables`` lists what the next script will see.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._carried: dict[str, Carried] = {}

    @property
    def variables(self) -> dict[str, KeptVariable]:
        """What the next script will see, by name (values stay in the session)."""
        return {name: _kept(name, value) for name, value in self._carried.items()}

    def value(self, name: str) -> Any:
        """A carried variable's value, decoded from its JSON (``KeyError`` if none)."""
        return msgspec.json.decode(self._carried[name].json)

    def declarations(self) -> str:
        """The carried variables as TypeScript declarations, for the type checker."""
        return "".join(f"declare let {name}: {c.type};\n" for name, c in self._carried.items())

    async def run(
        self,
        source: str,
        *,
        limits: Limits | None = None,
        on_event: EventHandler | None = None,
    ) -> ExecutionRecord:
        """Run one script of the session and return its record (never raises for it)."""
        return await self._sandbox._run(source, limits=limits, on_event=on_event, session=self)

    def clear(self) -> None:
        """Forget every variable."""
        self._carried.clear()

    def moved_to(self, sandbox: Sandbox) -> Session:
        """A session over ``sandbox`` that starts with this one's variables (a replay's
        next step runs against other tools)."""
        moved = Session(sandbox)
        moved._carried = dict(self._carried)
        return moved

    # -- what an execution needs ---------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        """The names carried into the next script."""
        return tuple(self._carried)

    def carried_json(self) -> str:
        """The carried variables as one JSON object's text (no value is decoded)."""
        parts = (
            msgspec.json.encode(name) + b":" + carried.json
            for name, carried in self._carried.items()
        )
        return (b"{" + b",".join(parts) + b"}").decode()

    def absorb(self, captured: CapturedState | None, max_bytes: int) -> SessionState:
        """Take what a script left behind; the report says what the next one will see.

        ``None`` (the execution ended before the script's final frame: a timeout, a
        memory stop) keeps the previous variables. A variable the script never got to
        assign keeps its previous value.
        """
        if captured is None:
            return self._report([], "the execution ended before its variables could be read")
        if captured.error is not None:
            return self._report([], captured.error)
        carried = {
            var.name: Carried(var.type, var.summary, bytes(var.value)) for var in captured.vars
        }
        dropped: list[DroppedName] = []
        for item in captured.dropped:
            previous = self._carried.get(item.name)
            if item.reason == NOT_ASSIGNED and previous is not None:
                carried[item.name] = previous
            else:
                dropped.append(DroppedName(name=item.name, reason=item.reason))
        size = sum(len(value.json) for value in carried.values())
        if size > max_bytes:
            return self._report(
                dropped,
                f"the variables to carry are {size} bytes of JSON, over max_state_bytes "
                f"({max_bytes}): this step's state was not kept, the previous state stays",
            )
        self._carried = carried
        return self._report(dropped, None)

    def _report(self, dropped: list[DroppedName], error: str | None) -> SessionState:
        return SessionState(kept=list(self.variables.values()), dropped=dropped, error=error)

    def __iter__(self) -> Iterator[str]:
        return iter(self._carried)


def _kept(name: str, carried: Carried) -> KeptVariable:
    return KeptVariable(
        name=name, type=carried.type, summary=carried.summary, bytes=len(carried.json)
    )

"""Re-running recorded scripts: offline against the recording, or live against real tools.

Offline, every tool the recording used is replaced by a generated tool that answers
from the recording: calls are matched by tool name and arguments (the JSON text with
sorted keys), in the order they were recorded, so ``Promise.all`` fan-outs replay
whatever order they run in. A call the recording does not hold fails in the script
with a ``ToolError`` saying so, and shows up as a divergence. Recorded errors are
raised again with the same message and code; a call that was cancelled in the recording (the
execution ended first) waits until the replay ends too.

Live, the same source runs against the current tools. Both compare the replay with
the recording (``diff.compare_records``). The recording's limits are used again.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from tsact import ExecutionRecord, Sandbox, Tool, ToolCallRecord, ToolError
from tsact._session import Session

from .diff import Difference, compare_records

OFFLINE_SCHEMA: dict[str, Any] = {"type": "object"}


def call_key(name: str, arguments: Any) -> tuple[str, str]:
    """How a call is matched to the recording: its name and canonical arguments JSON."""
    return name, json.dumps(arguments, sort_keys=True, separators=(",", ":"))


class RecordedTools:
    """Tools that answer from a recording's tool calls, and remember what they could not."""

    def __init__(self, calls: Iterable[ToolCallRecord]) -> None:
        self._answers: dict[tuple[str, str], deque[ToolCallRecord]] = {}
        self._names: list[str] = []
        self.unanswered: list[tuple[str, Any]] = []
        for call in calls:
            if call.error_code == "unknown":
                continue
            if call.name not in self._names:
                self._names.append(call.name)
            self._answers.setdefault(call_key(call.name, call.arguments), deque()).append(call)

    def tools(self) -> list[Tool]:
        """One generated tool per name the recording called."""
        return [
            Tool.from_schema(
                name, f"replays recorded calls of {name}", OFFLINE_SCHEMA, self._answerer(name)
            )
            for name in self._names
        ]

    def _answerer(self, name: str) -> Any:
        async def answer(arguments: dict[str, Any]) -> Any:
            """The next recorded outcome of this call, or a ToolError if there is none."""
            key = call_key(name, arguments)
            queue = self._answers.get(key)
            if not queue:
                self.unanswered.append((name, arguments))
                raise ToolError(
                    "replay: the recording holds no further call with these arguments"
                    if key in self._answers  # recorded, but each recorded call was used
                    else "replay: the recording holds no call with these arguments"
                )
            return await _replay_outcome(queue.popleft())

        return answer


_FAILED = re.compile(r"^(?P<tool>\w+) failed: (?P<type>[A-Za-z_]\w*): (?P<message>.*)$", re.S)


async def _replay_outcome(call: ToolCallRecord) -> Any:
    if call.status == "ok":
        return call.result
    if call.status == "cancelled":
        await anyio.sleep_forever()
    message = call.error or ""
    prefix = f"{call.name}: "
    code = call.error_code or "tool"
    if message.startswith(prefix):
        raise ToolError(message[len(prefix) :], code=code)
    failed = _FAILED.match(message)
    if failed and failed.group("tool") == call.name:
        # The tool raised something other than ToolError: raise an exception of the same
        # type name so the script sees the same message.
        error_type = type(failed.group("type"), (Exception,), {})
        raise error_type(failed.group("message"))
    raise ToolError(message, code=code)


@dataclass
class ReplayResult:
    """One recorded execution and its replay."""

    step: int | None
    recorded: ExecutionRecord
    replayed: ExecutionRecord
    differences: list[Difference] = field(default_factory=list)
    unanswered: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        """True when the replay did exactly what the recording did."""
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the replayed record included)."""
        return {
            "step": self.step,
            "matches": self.matches,
            "differences": [difference.to_dict() for difference in self.differences],
            "unanswered_calls": [
                {"name": name, "arguments": arguments} for name, arguments in self.unanswered
            ],
            "replayed": json.loads(self.replayed.to_json(indent=0)),
        }


async def replay(
    step: int | None,
    recorded: ExecutionRecord,
    sandbox: Sandbox,
    answers: RecordedTools | None = None,
    session: Session | None = None,
) -> ReplayResult:
    """Run the recorded source in ``sandbox`` with the recorded limits: live against real
    tools, or offline when the sandbox's tools are ``answers.tools()``. With ``session``
    (a run's steps, in order) the variables of the steps before are carried, as they were."""
    if session is not None:
        replayed = await session.run(recorded.source, limits=recorded.limits)
    else:
        replayed = await sandbox.run(recorded.source, limits=recorded.limits)
    unanswered = answers.unanswered if answers is not None else []
    return ReplayResult(step, recorded, replayed, compare_records(recorded, replayed), unanswered)

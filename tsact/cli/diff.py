"""Where a replayed execution differs from its recording.

Compared: status, the error (kind and message), the result, whether it was a final
answer, console lines (level and text) and tool calls in order (name, arguments,
status, result or error). Times, ids and versions are not compared: they always differ.
The outcome of a call that was cancelled on either side (still running when the script
ended, so the script never saw it) is not compared either: only its name and arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tsact import ExecutionRecord, ToolCallRecord

MAX_LINE_DIFFERENCES = 5


@dataclass(frozen=True)
class Difference:
    """One place where the replay differs: what the recording had, what the replay did."""

    where: str
    recorded: Any
    replayed: Any

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"where": self.where, "recorded": self.recorded, "replayed": self.replayed}


def compare_records(recorded: ExecutionRecord, replayed: ExecutionRecord) -> list[Difference]:
    """Every difference between a recording and its replay (empty when they match)."""
    differences: list[Difference] = []
    if recorded.status != replayed.status:
        differences.append(Difference("status", recorded.status, replayed.status))
    old_error = _error(recorded)
    new_error = _error(replayed)
    if old_error != new_error:
        differences.append(Difference("error", old_error, new_error))
    if recorded.result != replayed.result:
        differences.append(Difference("result", recorded.result, replayed.result))
    if recorded.final_answer != replayed.final_answer:
        differences.append(Difference("final_answer", recorded.final_answer, replayed.final_answer))
    differences.extend(_compare_tool_calls(recorded.tool_calls, replayed.tool_calls))
    differences.extend(_compare_console(recorded, replayed))
    return differences


def _error(record: ExecutionRecord) -> str | None:
    error = record.error
    if error is None:
        return None
    where = f" at line {error.line}" if error.line is not None else ""
    return f"{error.kind} error{where}: {error.message}"


def describe_call(call: ToolCallRecord) -> str:
    """``name({...}) -> result`` or ``name({...}) -> error: ...`` as one line."""
    from .render import compact_json

    arguments = compact_json(call.arguments, 200)
    if call.status == "ok":
        return f"{call.name}({arguments}) -> {compact_json(call.result, 200)}"
    return f"{call.name}({arguments}) -> {call.status}: {call.error}"


def _compare_tool_calls(
    recorded: list[ToolCallRecord], replayed: list[ToolCallRecord]
) -> list[Difference]:
    differences: list[Difference] = []
    common = min(len(recorded), len(replayed))
    for index in range(common):
        old, new = recorded[index], replayed[index]
        # A call still running when the execution ended ("cancelled") was never seen by the
        # script: whether it finished first is a race, so only its name and arguments count.
        seen = "cancelled" not in (old.status, new.status)
        if (old.name, old.arguments) != (new.name, new.arguments) or (
            seen and _outcome(old) != _outcome(new)
        ):
            differences.append(
                Difference(f"tool_calls[{index}]", describe_call(old), describe_call(new))
            )
    tail = _tail(
        "tool_calls",
        common,
        [describe_call(c) for c in recorded[common:]],
        [describe_call(c) for c in replayed[common:]],
    )
    return differences + tail


def _tail(name: str, common: int, old: list[str], new: list[str]) -> list[Difference]:
    """One difference for the entries only one side has (``name[start:end]``)."""
    extra = old or new
    if not extra:
        return []
    where = f"{name}[{common}]" if len(extra) == 1 else f"{name}[{common}:{common + len(extra)}]"
    shown: list[str] = extra[:MAX_LINE_DIFFERENCES]
    if len(extra) > MAX_LINE_DIFFERENCES:
        shown.append(f"… {len(extra) - MAX_LINE_DIFFERENCES} more")
    return [Difference(where, shown if old else None, shown if new else None)]


def _outcome(call: ToolCallRecord) -> tuple[str, Any, str | None]:
    return call.status, call.result, call.error


def _compare_console(recorded: ExecutionRecord, replayed: ExecutionRecord) -> list[Difference]:
    old = [_console_text(entry.level, entry.text) for entry in recorded.console]
    new = [_console_text(entry.level, entry.text) for entry in replayed.console]
    common = min(len(old), len(new))
    mismatched = [index for index in range(common) if old[index] != new[index]]
    differences = [
        Difference(f"console[{index}]", old[index], new[index])
        for index in mismatched[:MAX_LINE_DIFFERENCES]
    ]
    if len(mismatched) > MAX_LINE_DIFFERENCES:
        differences.append(
            Difference(
                "console", None, f"… {len(mismatched) - MAX_LINE_DIFFERENCES} more lines differ"
            )
        )
    return differences + _tail("console", common, old[common:], new[common:])


def _console_text(level: str, text: str) -> str:
    return text if level == "log" else f"{level}: {text}"

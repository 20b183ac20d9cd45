"""The observation: what the model is told about one execution, built from its record.

It holds, in this order: one line saying how the script ended; the error with its
kind, position, the offending source line and the stack (or the type checker's
diagnostics, each with its source line), and the type checker's notes when a script it
let run then failed; the console output; the returned value as JSON (a string as its
text); the tool calls that failed; and one line naming the variables the next script
will see. Long parts are cut to their head and tail with a
marker that says how much was left out; the record keeps everything.

``max_chars`` bounds the whole observation. After a reserve for what the parts cannot
shrink (the first line, headings, cut markers), each part gets a share of the rest, so
that the shares of one observation add up to at most 100%: on an error, the message
20%, the source line 5% (twice: the line and its caret), the stack 15%, the console
30%, failed tool calls 15%, the checker's notes 10%; type errors' diagnostics 55%;
after a success, the console 40% and the returned value (or the ``headline`` that
replaces it) 45%, the console 85% when nothing was returned. Each part keeps at least
80 characters, so a budget under about 1,000 can be exceeded.
"""

from __future__ import annotations

import json
from typing import Any

from tsact._records.record import ErrorInfo, ExecutionRecord
from tsact._records.text import cut_middle as cut
from tsact._records.text import render_diagnostic, source_excerpt

MAX_DIAGNOSTICS = 10
MAX_NOTES = 5
MAX_FAILED_CALLS = 5
_MIN_PART = 80
_RESERVE = 500  # first line, headings, separators and up to 5 cut markers of ~60


def _share(max_chars: int, percent: int) -> int:
    """A part's length limit: ``percent`` of the budget left after the reserve."""
    return max((max_chars - _RESERVE) * percent // 100, _MIN_PART)


def to_json_text(value: Any) -> str:
    """Compact, readable JSON of a value from a record; a string as its text."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return repr(value)


def _where(error: ErrorInfo) -> str:
    if error.line is None:
        return ""
    where = f" at line {error.line}"
    if error.column is not None:
        where += f", column {error.column}"
    return where


def _notes(error: ErrorInfo, max_chars: int) -> str:
    """The checker's notes on a script that it let run and that then failed."""
    notes = [d for d in error.diagnostics if not d.blocking]
    if not notes:
        return ""
    lines = [
        f"- line {d.line}, column {d.column}: {d.message.splitlines()[0]}"
        for d in notes[:MAX_NOTES]
    ]
    if len(notes) > MAX_NOTES:
        lines.append(f"- ... and {len(notes) - MAX_NOTES} more")
    heading = "The type checker's notes (they did not stop the script; one may explain the error):"
    return heading + "\n" + cut("\n".join(lines), _share(max_chars, 10))


def _stack(error: ErrorInfo) -> str:
    """The stack frames worth showing: none when it only repeats the message and line."""
    if not error.stack:
        return ""
    lines = error.stack.strip().splitlines()
    frames = [line for line in lines if line.strip().startswith("at ")]
    if len(frames) <= 1:
        return ""
    return "\n".join(frames)


def _error_section(record: ExecutionRecord, max_chars: int) -> list[str]:
    error = record.error
    assert error is not None
    parts: list[str] = []
    if error.kind == "type" and error.diagnostics:
        count = len(error.diagnostics)
        parts.append(
            f"The script did not run: the type checker found {count} "
            f"error{'s' if count != 1 else ''}. Fix them and run it again."
        )
        shown = [render_diagnostic(d, record.source) for d in error.diagnostics[:MAX_DIAGNOSTICS]]
        if count > MAX_DIAGNOSTICS:
            shown.append(f"... and {count - MAX_DIAGNOSTICS} more")
        parts.append(cut("\n".join(shown), _share(max_chars, 55)))
        return parts
    ran = "did not run" if error.kind in ("syntax", "type") else "failed"
    parts.append(f"The script {ran}: {error.kind} error{_where(error)}.")
    parts.append(cut(error.message, _share(max_chars, 20)))
    width = min(300, _share(max_chars, 5))
    excerpt = source_excerpt(record.source, error.line, error.column, width)
    if excerpt:
        parts.append(excerpt)
    stack = _stack(error)
    if stack:
        parts.append("Stack:\n" + cut(stack, _share(max_chars, 15)))
    notes = _notes(error, max_chars)
    if notes:
        parts.append(notes)
    return parts


def console_text(record: ExecutionRecord) -> str:
    """The console output of a record as one text; non-``log`` levels are tagged."""
    lines: list[str] = []
    for entry in record.console:
        if entry.level in ("log", "info", "omitted"):
            lines.append(entry.text)
        else:
            lines.append(f"[{entry.level}] {entry.text}")
    return "\n".join(lines)


def _failed_calls(record: ExecutionRecord, max_chars: int) -> str:
    failed = [call for call in record.tool_calls if call.status == "error"]
    if not failed:
        return ""
    lines: list[str] = []
    for call in failed[:MAX_FAILED_CALLS]:
        arguments = cut(to_json_text(call.arguments), 160)
        lines.append(f"- external_{call.name}({arguments}): {cut(call.error or '', 300)}")
    if len(failed) > MAX_FAILED_CALLS:
        lines.append(f"- ... and {len(failed) - MAX_FAILED_CALLS} more failed calls")
    heading = f"Failed tool calls ({len(failed)} of {len(record.tool_calls)}):"
    return heading + "\n" + cut("\n".join(lines), _share(max_chars, 15))


def build_observation(
    record: ExecutionRecord, *, max_chars: int = 4000, headline: str | None = None
) -> str:
    """What the model is told about ``record``.

    ``headline`` replaces the first line, and the returned value (used when a
    ``final_answer`` was rejected: the script ran without error).
    """
    parts: list[str] = []
    errored = record.status == "error"
    if errored and record.error is not None:
        if headline:
            parts.append(headline)
        parts.extend(_error_section(record, max_chars))
    else:
        calls = len(record.tool_calls)
        detail = f" ({calls} tool call{'s' if calls != 1 else ''})" if calls else ""
        first = f"The script ran without error{detail}."
        parts.append(cut(headline, _share(max_chars, 45)) if headline else first)
    console = console_text(record)
    nothing_returned = record.status == "ok" and headline is None and record.result is None
    if console:
        label = "Console output before the error:" if errored else "Console:"
        # nothing returned: the console gets the returned value's share too
        share = 30 if errored else 85 if nothing_returned else 40
        parts.append(label + "\n" + cut(console, _share(max_chars, share)))
    if record.status == "ok" and headline is None:
        if record.result is not None:
            result = cut(to_json_text(record.result), _share(max_chars, 45))
            parts.append("Returned:\n" + result)
        elif not console:
            parts.append(
                "It returned nothing and printed nothing: return a value or console.log what "
                "you need to see, or call final_answer(value) when you have the answer."
            )
    failed = _failed_calls(record, max_chars)
    if failed:
        parts.append(failed)
    kept = kept_line(record)
    if kept:
        parts.append(kept)
    return "\n".join(parts)


def kept_line(record: ExecutionRecord, limit: int = 400) -> str:
    """One line naming the variables the next script will see, or why none were kept."""
    state = record.state
    if state is None:
        return ""
    names = ", ".join(f"{var.name} ({var.summary})" for var in state.kept)
    line = f"Kept for the next script: {names}." if names else ""
    if state.error:
        line = (line + " " if line else "") + f"Not kept: {state.error}."
    return cut(line, limit)

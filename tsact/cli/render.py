"""Showing an execution record to a person: source, error, tool calls, console, result.

Everything here builds rich renderables from an ``ExecutionRecord``; nothing runs.
Every piece of text that came out of the sandbox goes through ``untrusted`` first,
and into ``Text`` objects, so it is never read as markup or terminal control codes.
The layout is plain enough to read without colour (a file, a pipe, ``NO_COLOR``):
markers are characters (``>``, ``^``, ``✓``/``✗``), colour only adds to them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.highlighter import JSONHighlighter
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from tsact import ConsoleEntry, ErrorInfo, ExecutionRecord, Limits, ToolCallRecord
from tsact._records.text import cut_end as shorten

from .absent import NOTHING_ABSENT, Absent
from .output import untrusted

SCRIPT_NAME = "script.ts"  # how the sandbox names the user's script in stacks
CELL_CHARS = 80
RESULT_LINES = 40
LEVEL_STYLES = {
    "log": "",
    "info": "cyan",
    "debug": "dim",
    "warn": "yellow",
    "error": "red",
    "omitted": "dim italic",
}


def show_record(
    console: Console,
    record: ExecutionRecord,
    *,
    name: str = SCRIPT_NAME,
    full_source: bool = True,
    live: bool = False,
    source_name: str | None = None,
    absent: Absent = NOTHING_ABSENT,
) -> None:
    """Print a record for a person.

    ``name`` labels the record; ``source_name`` is the file name used for error
    positions (``name`` by default). ``full_source`` prints every line (``inspect``);
    otherwise only the lines around an error. ``live`` means console lines and tool
    calls were already shown as they happened, so they are not repeated. ``absent``
    says which fields the file lacked (an older format): they show as unknown.
    """
    console.print(headline(record, name, absent))
    if full_source or record.error is not None:
        view = source_view(record.source, record.error, context=None if full_source else 3)
        if view is not None:
            console.print()
            console.print(section("Source" if full_source else f"{name}"))
            console.print(view)
    if record.error is not None:
        console.print()
        console.print(error_view(record.error, source_name or name))
    if not live:
        if record.tool_calls:
            console.print()
            console.print(section(f"Tool calls ({len(record.tool_calls)})"))
            console.print(tool_calls_table(record.tool_calls))
            printed = printed_view(record.tool_calls, absent)
            if printed is not None:
                console.print()
                console.print(printed)
        if record.console:
            console.print()
            console.print(section("Console"))
            console.print(console_view(record.console))
    for title, stream in (("Process stdout", record.stdout), ("Process stderr", record.stderr)):
        if stream.strip():
            console.print()
            console.print(section(f"{title} (raw, untrusted)"))
            console.print(Text(untrusted(stream.rstrip("\n")), style="dim"))
    if record.ok:
        console.print()
        console.print(section("Final answer" if record.final_answer else "Result"))
        console.print(json_view(record.result))


def headline(
    record: ExecutionRecord, name: str = SCRIPT_NAME, absent: Absent = NOTHING_ABSENT
) -> Text:
    """One line: name, status, duration, counts (unknown where the file lacked them)."""
    text = Text()
    if record.ok:
        text.append("✓ ok", style="bold green")
    else:
        kind = record.error.kind if record.error is not None else "error"
        text.append(f"✗ {kind} error", style="bold red")
    text.append(f"  {name}", style="bold")
    details = [
        "duration unknown"
        if absent.missing(record, "duration_ms")
        else f"{record.duration_ms:.0f} ms",
        plural(len(record.tool_calls), "tool call"),
        plural(len(record.console), "console line"),
    ]
    if absent.missing(record, "fuel_used"):
        details.append("fuel unknown")
    elif record.fuel_used is not None:
        details.append(f"fuel {record.fuel_used:,}")
    text.append("  " + " · ".join(details), style="dim")
    return text


def provenance(record: ExecutionRecord, absent: Absent = NOTHING_ABSENT) -> Text:
    """Where and with what a record was made: id, time, versions, format, limits."""
    versions = record.versions
    parts = [f"id {record.id}"]
    if absent.missing(record, "started_at"):
        parts.append("start time unknown")
    elif record.started_at:
        parts.append(f"started {record.started_at}")
    if absent.missing(record, "versions"):
        parts.append("versions unknown")
    else:
        parts.append(f"tsact {versions.tsact}")
        if versions.deno:
            parts.append(f"deno {versions.deno}")
    parts.append(f"format {record.format}")
    text = Text(" · ".join(parts), style="dim")
    limits = "unknown" if absent.missing(record, "limits") else describe_limits(record.limits)
    text.append("\nlimits: " + limits, style="dim")
    return text


def describe_limits(limits: Limits) -> str:
    """The main limits in words."""
    fuel = "unmetered" if limits.fuel is None else f"{limits.fuel:,}"
    return (
        f"timeout {limits.timeout_s:g} s, memory {limits.memory_mb} MB, fuel {fuel}, "
        f"{limits.max_tool_calls:,} tool calls"
    )


def section(title: str) -> Text:
    """A section heading."""
    return Text(title, style="bold underline")


def source_view(source: str, error: ErrorInfo | None, *, context: int | None = None) -> Text | None:
    """The source with line numbers, the error line marked ``>`` and a ``^`` under the column.

    Diagnostics (type errors) are marked the same way. With ``context``, only that many
    lines around the marked lines are shown; ``None`` when there is nothing to show.
    """
    lines = untrusted(source).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return None
    marks = _marks(error, len(lines))
    if context is not None:
        if not marks:
            return None
        shown = sorted(
            {
                n
                for line in marks
                for n in range(line - context, line + context + 1)
                if 1 <= n <= len(lines)
            }
        )
    else:
        shown = list(range(1, len(lines) + 1))
    highlighted = _highlight("\n".join(lines))
    width = len(str(len(lines)))
    out = Text()
    previous = 0
    for number in shown:
        if previous and number != previous + 1:
            out.append(f"  {' ' * width} ⋮\n", style="dim")
        previous = number
        marked = number in marks
        out.append("> " if marked else "  ", style="bold red" if marked else "")
        out.append(f"{number:>{width}} │ ", style="bold" if marked else "dim")
        out.append_text(highlighted[number - 1])
        out.append("\n")
        for column, message in marks.get(number, []):
            line = lines[number - 1]
            pad = "".join("\t" if ch == "\t" else " " for ch in line[: max(column - 1, 0)])
            out.append(f"  {' ' * width} │ ", style="dim")
            out.append(f"{pad}^ {untrusted(message)}\n", style="bold red")
    out.rstrip()
    return out


def _marks(error: ErrorInfo | None, count: int) -> dict[int, list[tuple[int, str]]]:
    marks: dict[int, list[tuple[int, str]]] = {}
    if error is None:
        return marks
    if error.diagnostics:
        for diagnostic in error.diagnostics:
            if 1 <= diagnostic.line <= count:
                code = f"TS{diagnostic.code}: " if diagnostic.code is not None else ""
                marks.setdefault(diagnostic.line, []).append(
                    (diagnostic.column, code + diagnostic.message.splitlines()[0])
                )
    elif error.line is not None and 1 <= error.line <= count:
        first = error.message.splitlines()[0] if error.message else error.kind
        marks[error.line] = [(error.column or 1, f"{error.kind}: {first}")]
    return marks


def _highlight(source: str) -> list[Text]:
    syntax = Syntax("", "typescript", theme="ansi_dark", background_color="default")
    text = syntax.highlight(source)
    text.rstrip()
    lines = list(text.split("\n", allow_blank=True))
    while len(lines) < source.count("\n") + 1:
        lines.append(Text())
    return lines


def error_view(error: ErrorInfo, name: str = SCRIPT_NAME) -> Text:
    """The error: kind, position, message and the stack mapped to the user's lines."""
    text = Text()
    text.append(f"Error ({error.kind})", style="bold red")
    if error.line is not None:
        where = f"{name}:{error.line}" + (f":{error.column}" if error.column else "")
        text.append(f" at {where}", style="red")
    text.append("\n")
    text.append(untrusted(error.message), style="red")
    # Type errors carry their diagnostics as the "stack": the source view already marks them.
    stack = "" if error.diagnostics else (error.stack or "")
    frames = [line for line in stack.splitlines()[1:] if line.strip()]
    if frames:
        shown = "\n".join(frames).replace(f"{SCRIPT_NAME}:", f"{name}:")
        text.append("\n" + untrusted(shown), style="dim")
    hint = error_hint(error)
    if hint:
        text.append(f"\nhint: {hint}", style="yellow")
    return text


_MISSING_EXTERNAL = re.compile(r"\bexternal_(\w+) is not defined")


def error_hint(error: ErrorInfo) -> str | None:
    """Advice for errors with a usual cause (a tool that was not loaded)."""
    missing = _MISSING_EXTERNAL.search(error.message)
    if error.kind == "runtime" and missing:
        return (
            f"no tool named {missing.group(1)!r} was offered; pass --tools with the Python "
            "file or module that defines it"
        )
    return None


def tool_calls_table(calls: Sequence[ToolCallRecord]) -> Table:
    """A table of tool calls: number, tool, arguments, result or error, start, duration."""
    table = Table(show_edge=False, header_style="bold", pad_edge=False, expand=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("tool", no_wrap=True)
    table.add_column("arguments", overflow="fold")
    table.add_column("result / error", overflow="fold")
    table.add_column("at ms", justify="right", style="dim", no_wrap=True)
    table.add_column("took ms", justify="right", style="dim", no_wrap=True)
    for call in calls:
        table.add_row(
            str(call.id),
            Text(call.name, style="bold"),
            Text(compact_json(call.arguments)),
            outcome_text(call),
            f"{call.started_ms:.1f}",
            f"{call.duration_ms:.1f}",
        )
    return table


def printed_view(calls: Sequence[ToolCallRecord], absent: Absent = NOTHING_ABSENT) -> Text | None:
    """What tools printed during their calls (``None`` when none printed anything)."""
    text = Text()
    for call in calls:
        if call.printed:
            text.append(f"#{call.id} {call.name} printed:\n", style="bold")
            text.append(untrusted(call.printed.rstrip("\n")) + "\n")
    if absent.any_missing(list(calls), "printed"):
        note = "what the tools printed: unknown (this file's format does not record it)\n"
        text.append(note, style="dim")
    if not text:
        return None
    text.rstrip()
    return Text.assemble(section("Printed by tools"), "\n", text)


def outcome_text(call: ToolCallRecord, limit: int = CELL_CHARS) -> Text:
    """A tool call's result, or its error in red."""
    if call.status == "ok":
        return Text(compact_json(call.result, limit))
    label = "cancelled" if call.status == "cancelled" else "error"
    return Text(f"{label}: {shorten(untrusted(call.error or ''), limit)}", style="red")


def console_view(entries: Iterable[ConsoleEntry]) -> Text:
    """Console lines with their time and level."""
    text = Text()
    for entry in entries:
        text.append_text(console_line(entry))
        text.append("\n")
    text.rstrip()
    return text


def console_line(entry: ConsoleEntry) -> Text:
    """One console entry: ``  12.3 ms  warn   text`` (continuation lines indented)."""
    style = LEVEL_STYLES.get(entry.level, "")
    text = Text()
    text.append(f"{entry.t_ms:>8.1f} ms ", style="dim")
    text.append(f"{entry.level:<6} ", style=style or "dim")
    body = untrusted(entry.text).replace("\n", "\n" + " " * 19)
    text.append(body, style=style)
    return text


def json_view(value: Any, max_lines: int = RESULT_LINES) -> Text:
    """A JSON value, indented and highlighted; long values are cut with a note."""
    lines = json.dumps(value, indent=2, ensure_ascii=False, default=str).split("\n")
    cut = len(lines) - max_lines
    if cut > 0:
        lines = [*lines[: max_lines - 5], f"… {cut + 5} more lines (see --json)"]
    text = Text(untrusted("\n".join(lines)))
    JSONHighlighter().highlight(text)
    return text


def compact_json(value: Any, limit: int = CELL_CHARS) -> str:
    """One-line JSON of ``value``, cut to ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return shorten(untrusted(text), limit)


def plural(count: int, noun: str) -> str:
    """``1 tool call``, ``3 tool calls``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

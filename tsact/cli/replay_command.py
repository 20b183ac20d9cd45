"""``tsact replay``: re-run recorded scripts and show where they now differ.

Exit status 0 when every replayed execution matches its recording, 1 when any
diverges, 2 for bad input.
"""

from __future__ import annotations

import json

import anyio
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tsact import ExecutionRecord, Session
from tsact._records.text import cut_end as shorten

from .documents import read_document
from .output import stdout_console, untrusted, write_plain
from .render import compact_json, console_view, headline, plural
from .replay import RecordedTools, ReplayResult, replay
from .sandboxes import make_sandbox
from .tools_file import load_tools

RESULT_CHARS = 300


def replay_file(path: str, tools: list[str], *, as_json: bool, verbose: bool = False) -> bool:
    """Replay every record in ``path``; offline without ``tools``. True when all match.

    Each replay shows its result or error; ``verbose`` adds its console."""
    document = read_document(path)
    sandbox = make_sandbox(load_tools(tools)) if tools else None

    async def main() -> list[ReplayResult]:
        """Replay the records one after the other; a run's steps carry their variables."""
        results: list[ReplayResult] = []
        session: Session | None = None
        for step, record in document.records:
            if sandbox is None:
                answers = RecordedTools(record.tool_calls)
                offline = make_sandbox(answers.tools())
                if step is not None:
                    session = Session(offline) if session is None else session.moved_to(offline)
                results.append(await replay(step, record, offline, answers, session))
            else:
                if step is not None and session is None:
                    session = Session(sandbox)
                results.append(await replay(step, record, sandbox, session=session))
        return results

    results = anyio.run(main)
    mode = "live" if sandbox is not None else "offline"
    matches = all(result.matches for result in results)
    if as_json:
        report = {
            "file": path,
            "mode": mode,
            "matches": matches,
            "executions": [result.to_dict() for result in results],
        }
        write_plain(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        show_replay(stdout_console(), path, mode, results, verbose=verbose)
    return matches


def show_replay(
    console: Console,
    path: str,
    mode: str,
    results: list[ReplayResult],
    *,
    verbose: bool = False,
) -> None:
    """Print each replay: what it returned (and printed, ``verbose``), then ``✓ matches``
    or a table of differences."""
    how = (
        "tool calls answered from the recording"
        if mode == "offline"
        else "against the current tools"
    )
    console.print(Text(f"Replaying {path} {mode} ({how})", style="bold"))
    for result in results:
        label = f"step {result.step}" if result.step is not None else "replay"
        console.print()
        replayed = result.replayed
        console.print(headline(replayed, label))
        console.print(outcome_line(replayed))
        if verbose and replayed.console:
            console.print(Text("Console:", style="bold"))
            console.print(console_view(replayed.console))
        if result.matches:
            console.print(Text("✓ matches the recording", style="green"))
            continue
        summary = f"✗ diverges from the recording: {plural(len(result.differences), 'difference')}"
        if result.unanswered:
            summary += f"; {plural(len(result.unanswered), 'call')} the recording does not hold"
        console.print(Text(summary, style="bold red"))
        for name, arguments in result.unanswered:
            line = Text("  not in the recording: ", style="red")
            line.append(f"{name}({compact_json(arguments, 200)})")
            console.print(line)
        console.print(differences_table(result))


def outcome_line(record: ExecutionRecord) -> Text:
    """What a replayed script ended with: its result, final answer, or error."""
    if record.error is not None:
        where = f" at line {record.error.line}" if record.error.line is not None else ""
        text = Text(f"Error ({record.error.kind}){where}: ", style="red")
        return text.append(shorten(untrusted(record.error.message), RESULT_CHARS))
    label = "Final answer" if record.final_answer else "Result"
    return Text(f"{label}: ", style="bold").append(compact_json(record.result, RESULT_CHARS))


def differences_table(result: ReplayResult) -> Table:
    """Where, what was recorded, what the replay did."""
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("where", no_wrap=True)
    table.add_column("recorded", overflow="fold")
    table.add_column("replayed", overflow="fold")
    for difference in result.differences:
        table.add_row(
            difference.where, _cell(difference.recorded), _cell(difference.replayed, "yellow")
        )
    return table


def _cell(value: object, style: str = "") -> Text:
    if value is None:
        return Text("—", style="dim")
    if isinstance(value, str):
        return Text(untrusted(value), style=style)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return Text(untrusted("\n".join(value)), style=style)
    return Text(compact_json(value, 200), style=style)

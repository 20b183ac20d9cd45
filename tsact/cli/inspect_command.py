"""``tsact inspect``: show a saved record or agent run for a person, or re-emit its JSON."""

from __future__ import annotations

from pathlib import Path

import msgspec

from .documents import read_document
from .output import stdout_console, write_plain
from .render import provenance, show_record
from .render_run import run_details, run_headline, show_outcome, show_run, show_step


def inspect_file(path: str, *, as_json: bool, step: int | None) -> None:
    """Print the record or run in ``path``; ``step`` picks one step of a run."""
    document = read_document(path)
    chosen = document.step(step) if step is not None else None
    if as_json:
        if chosen is not None:
            write_plain(msgspec.json.format(msgspec.json.encode(chosen), indent=2).decode())
        else:
            write_plain(document.to_json())
        return
    console = stdout_console()
    name = Path(path).name
    if document.run is None:
        _, record = document.records[0]
        show_record(console, record, name=name, full_source=True, absent=document.absent)
        console.print()
        console.print(provenance(record, document.absent))
    elif chosen is not None:
        console.print(run_headline(document.run, name, document.absent))
        console.print(run_details(document.run, document.absent))
        console.print()
        show_step(console, chosen, document.absent)
        if chosen.index == document.run.steps[-1].index:
            console.print()
            show_outcome(console, document.run)
    else:
        show_run(console, document.run, name, document.absent)

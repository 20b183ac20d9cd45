"""Input errors: one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from .output import stderr_console

USAGE_EXIT = 2


class InputError(Exception):
    """Something the user gave cannot be used (a missing file, bad JSON, no tools...).

    The message is one line that says what is wrong and, where it helps, what to do.
    """


@contextmanager
def reporting_input_errors() -> Iterator[None]:
    """Turn an ``InputError`` raised inside into ``tsact: error: ...`` and exit status 2."""
    try:
        yield
    except InputError as exc:
        report_error(str(exc))
        raise typer.Exit(USAGE_EXIT) from None


def report_error(message: str) -> None:
    """Print one ``tsact: error:`` line on stderr (newlines in the message are folded)."""
    line = " ".join(message.split())
    console = stderr_console()
    console.print("tsact: error: ", style="bold red", end="", highlight=False)
    console.print(line, markup=False, highlight=False, soft_wrap=True)

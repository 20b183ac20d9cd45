"""Where output goes: rich consoles for people, plain text for machines.

Colour and live progress appear only on a terminal (rich detects it, and honours
``NO_COLOR`` and ``FORCE_COLOR``). Written to a file or a pipe, the output has no
width to fit: tables keep their cells whole instead of folding them into 80 columns
(``COLUMNS`` still sets a width when given). Machine output (``--json``) is written to stdout
as plain text, never through rich, so no markup, wrapping or progress can get in.
Text that came out of a sandbox (console lines, results, raw streams) is untrusted:
``untrusted`` makes control characters visible, so a script cannot move the cursor,
clear the screen or recolour the user's terminal.
"""

from __future__ import annotations

import os
import re
import sys

from rich.console import Console
from rich.text import Text

from tsact._tools.prints import PrintRouter

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


UNBOUNDED_WIDTH = 100_000
"""The width of output that is not a terminal: wider than any table tsact draws."""
RULE_WIDTH = 100
"""The width of a section rule where the output has no width of its own."""


def _sized(console: Console) -> Console:
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = UNBOUNDED_WIDTH
    return console


def stdout_console() -> Console:
    """A console on stdout (colour only on a terminal)."""
    return _sized(Console(highlight=False, soft_wrap=True))


def stderr_console() -> Console:
    """A console on stderr (colour only on a terminal)."""
    return _sized(Console(stderr=True, highlight=False, soft_wrap=True))


def rule(console: Console, title: Text) -> None:
    """A section rule with a title: the console's width, or ``RULE_WIDTH`` off a terminal."""
    if console.width < UNBOUNDED_WIDTH:
        console.rule(title, align="left")
        return
    line = Text("── ").append_text(title).append(" ")
    line.append("─" * max(3, RULE_WIDTH - line.cell_len))
    console.print(line)


def untrusted(text: str) -> str:
    """``text`` with control and bidi-override characters shown as escapes (tabs/newlines kept)."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def write_plain(text: str) -> None:
    """Write machine output (JSON, declarations) to stdout as is, newline-terminated.

    It goes to the real stdout even while tools' prints are kept off it
    (``stdout_kept_for_data``)."""
    stream = sys.stdout.original if isinstance(sys.stdout, PrintRouter) else sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()

"""Where output goes: rich consoles for people, plain text for machines.

Colour and live progress appear only on a terminal (rich detects it, and honours
``NO_COLOR`` and ``FORCE_COLOR``). Machine output (``--json``) is written to stdout
as plain text, never through rich, so no markup, wrapping or progress can get in.
Text that came out of a sandbox (console lines, results, raw streams) is untrusted:
``untrusted`` makes control characters visible, so a script cannot move the cursor,
clear the screen or recolour the user's terminal.
"""

from __future__ import annotations

import re
import sys

from rich.console import Console

from tsact._prints import PrintRouter

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def stdout_console() -> Console:
    """A console on stdout (colour only on a terminal)."""
    return Console(highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    """A console on stderr (colour only on a terminal)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


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

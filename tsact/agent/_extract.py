"""Code in a text reply (``mode="text"``): fenced TypeScript or JavaScript blocks.

Blocks tagged ``ts``, ``typescript``, ``js``, ``javascript`` (and ``mts``/``mjs``)
are the code; when there are none, untagged blocks are. Blocks in other languages
(``json``, ``python``, ``bash``...) are prose. Several code blocks in one reply run
together as one script, in order. A code block that is opened and never closed means
the reply was cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_LANGUAGES = frozenset({"ts", "typescript", "js", "javascript", "mts", "mjs"})

_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`]*)[^`]*$")


@dataclass(frozen=True)
class ExtractedCode:
    """The code found in a reply (``None`` when there was none) and whether a code
    block was left open, which means the reply was cut off."""

    code: str | None
    unterminated: bool = False


def extract_code(text: str) -> ExtractedCode:
    """Find the script in a model's text reply."""
    tagged: list[str] = []
    untagged: list[str] = []
    unterminated = False
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if match is None:
            index += 1
            continue
        fence = match.group("fence")
        language = match.group("lang").lower()
        body: list[str] = []
        index += 1
        closed = False
        while index < len(lines):
            line = lines[index]
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                closed = True
                index += 1
                break
            body.append(line)
            index += 1
        is_code = language in CODE_LANGUAGES or language == ""
        if not closed:
            unterminated = unterminated or is_code
            continue
        if language in CODE_LANGUAGES:
            tagged.append("\n".join(body))
        elif language == "":
            untagged.append("\n".join(body))
    blocks = [block for block in (tagged or untagged) if block.strip()]
    if not blocks:
        return ExtractedCode(None, unterminated)
    return ExtractedCode("\n\n".join(blocks), unterminated)

"""Deciding, where it is safe, whether an ECMA-262 ``pattern`` matches a property name.

JSON Schema patterns are ECMAScript regular expressions; Python's ``re`` agrees with them on a
plain subset only. :func:`pattern_matches` answers ``None`` ("cannot tell") outside that
subset, and callers then widen instead of guessing.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["exact_key", "literal_pattern", "pattern_matches", "template_type"]

# Escapes whose meaning is the same in ECMAScript (without the ``u`` flag) and in Python's
# ``re`` with ``re.ASCII``: digit and word classes, and escaped punctuation.
_SAFE_ESCAPE = re.compile(r"\\[dDwW]|\\[\^$\\.*+?()\[\]{}|/\-]")
_SAFE_CHARS = re.compile(r"[A-Za-z0-9_ ^$.*+?()\[\]{}|,:=!<>#%&@'\"~`;-]*")
# Characters in a key on which ``$`` or ``.`` behave differently in the two dialects.
_AWKWARD_KEY = re.compile("[\n\r\u2028\u2029]")


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str] | None:
    rest = _SAFE_ESCAPE.sub("", pattern)
    if "\\" in rest or "(?" in pattern or not _SAFE_CHARS.fullmatch(rest):
        return None
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


def pattern_matches(pattern: str, key: str) -> bool | None:
    """Return whether ``pattern`` matches somewhere in ``key``, or ``None`` if unsure."""
    compiled = _compile(pattern)
    if compiled is None or _AWKWARD_KEY.search(key):
        return None
    return compiled.search(key) is not None


_META = set("\\^$.|?*+()[]{}")


def literal_pattern(pattern: str) -> tuple[str, bool, bool] | None:
    """Split a pattern that is a literal text, optionally anchored, into its parts.

    Returns ``(text, anchored at start, anchored at end)`` for patterns like ``foo``,
    ``^foo``, ``foo$`` and ``^foo$`` (escaped punctuation allowed), ``None`` otherwise.
    Keys matching such a pattern are exactly those of a TypeScript template literal type
    (or the one key ``text`` when both ends are anchored).
    """
    start = pattern.startswith("^")
    body = pattern[1:] if start else pattern
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 < len(body) and (body[i + 1] in _META or body[i + 1] in "/-"):
                out.append(body[i + 1])
                i += 2
                continue
            return None
        if ch == "$" and i == len(body) - 1:
            return "".join(out), start, True
        if ch in _META:
            return None
        out.append(ch)
        i += 1
    return "".join(out), start, False


def exact_key(pattern: str) -> str | None:
    """The one key matched by a pattern of the form ``^literal$``, else ``None``."""
    split = literal_pattern(pattern)
    return split[0] if split is not None and split[1] and split[2] else None


def template_type(pattern: str) -> str | None:
    """The TypeScript template literal type of the keys a literal ``pattern`` matches."""
    split = literal_pattern(pattern)
    if split is None:
        return None
    text, start, end = split
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return "`" + ("" if start else "${string}") + text + ("" if end else "${string}") + "`"

"""Deciding, where it is safe, whether an ECMA-262 ``pattern`` matches a property name.

JSON Schema patterns are ECMAScript regular expressions; Python's ``re`` agrees with them on a
plain subset only. :func:`pattern_matches` answers ``None`` ("cannot tell") outside that
subset, and callers then widen instead of guessing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .literals import string_literal

__all__ = [
    "Template",
    "exact_key",
    "literal_pattern",
    "pattern_matches",
    "pattern_template",
    "template_type",
]

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


# --------------------------------------------------------------- template literal types

MAX_TEMPLATE_EXPANSION = 256
"""Character classes are spelled as unions inside a template only while the number of
strings they multiply to stays at most this."""

_DIGITS = tuple("0123456789")
_WORD = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_CLASS_ESCAPES = {"d": _DIGITS, "w": _WORD}
_ANY = None  # the ``.`` atom: any character but a line terminator (no TypeScript type)


class Template:
    """A template literal type for keys a pattern matches.

    ``text`` is the type (`` `${string}x-${string}` ``). ``exact`` is True when it matches
    exactly the keys the pattern matches, False when it matches only some of them (never
    a key the pattern does not match), which is still sound for typing those keys.
    """

    __slots__ = ("exact", "parts", "text")

    def __init__(self, text: str, exact: bool, parts: tuple[tuple[str, ...] | None, ...]) -> None:
        self.text = text
        self.exact = exact
        self.parts = parts
        """Each piece: the characters of one position (one for a literal), ``None`` for any
        text (``${string}``)."""

    def matches(self, key: str) -> bool:
        """Whether ``key`` is one of the template's strings."""
        regex = "".join(
            "(?:.*)" if part is None else "[" + "".join(re.escape(c) for c in part) + "]"
            for part in self.parts
        )
        return re.fullmatch(regex, key, re.S) is not None

    def sample(self) -> str:
        """One string of the template (the shortest, first characters)."""
        return "".join(part[0] for part in self.parts if part is not None)

    def may_nest(self, other: Template) -> bool:
        """False when neither template's strings can all be the other's (TypeScript then
        relates their index signatures in neither direction)."""
        return other.matches(self.sample()) or self.matches(other.sample())


Atom = tuple[tuple[str, ...] | None, int, int | None]
"""One regex atom: the characters it matches (``None``: any), min and max repetitions."""


def _class(body: str, i: int) -> tuple[tuple[str, ...], int] | None:
    """The characters of the class starting after ``[`` at ``i``, and the index after ``]``."""
    chars: list[str] = []
    if i < len(body) and body[i] == "^":
        return None
    while i < len(body) and body[i] != "]":
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                return None
            nxt = body[i + 1]
            if nxt in _CLASS_ESCAPES:
                chars.extend(_CLASS_ESCAPES[nxt])
                i += 2
                continue
            if nxt.isalnum():
                return None
            ch, i = nxt, i + 2
        else:
            i += 1
        if i + 1 < len(body) and body[i] == "-" and body[i + 1] != "]":
            end = body[i + 1]
            if end == "\\" or ord(end) < ord(ch) or not (ch.isascii() and end.isascii()):
                return None
            chars.extend(chr(c) for c in range(ord(ch), ord(end) + 1))
            i += 2
        else:
            chars.append(ch)
    if i >= len(body) or not chars:
        return None
    return tuple(dict.fromkeys(chars)), i + 1


_SIMPLE_QUANTIFIERS: dict[str, tuple[int, int | None]] = {
    "*": (0, None),
    "+": (1, None),
    "?": (0, 1),
}
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")


def _atoms(body: str) -> list[Atom] | None:
    """The atoms of a regex made only of characters, classes and quantifiers (else None)."""
    atoms: list[Atom] = []
    i = 0
    while i < len(body):
        ch = body[i]
        chars: tuple[str, ...] | None
        if ch == "\\":
            if i + 1 >= len(body):
                return None
            nxt = body[i + 1]
            if nxt in _CLASS_ESCAPES:
                chars = _CLASS_ESCAPES[nxt]
            elif nxt in _META or nxt in "/-":
                chars = (nxt,)
            else:
                return None
            i += 2
        elif ch == "[":
            found = _class(body, i + 1)
            if found is None:
                return None
            chars, i = found
        elif ch == ".":
            chars, i = _ANY, i + 1
        elif ch in _META:
            return None  # groups, alternation, inner anchors, a stray quantifier
        else:
            if _AWKWARD_KEY.match(ch):
                return None
            chars, i = (ch,), i + 1
        low: int = 1
        high: int | None = 1
        if i < len(body) and body[i] in _SIMPLE_QUANTIFIERS:
            low, high = _SIMPLE_QUANTIFIERS[body[i]]
            i += 1
        elif i < len(body) and body[i] == "{":
            match = _QUANTIFIER.match(body, i)
            if match is None:
                return None
            low = high = int(match.group(1))
            if match.group(2) is not None:
                high = int(match.group(3)) if match.group(3) else None
            if high is not None and high < low:
                return None
            i = match.end()
        if i < len(body) and body[i] == "?" and (low, high) != (1, 1):
            i += 1  # lazy: matches the same strings
        atoms.append((chars, low, high))
    return atoms


def _text(ch: str) -> str:
    return ch.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")


def pattern_template(pattern: str) -> Template | None:
    """A template literal type for (some or all of) the keys an ECMA-262 ``pattern`` matches.

    Handles patterns of literal characters, ``\\d``/``\\w``, small character classes and
    quantifiers, optionally anchored. Each quantified atom is spelled its least number of
    times: a key holding that spelling matches the pattern, so the template never claims a
    key the pattern does not match. It is ``exact`` when every atom that may repeat sits at
    an unanchored end (``^x-``, ``_id$``, ``[0-9]{2,}``). ``None`` when nothing useful fits
    (alternation, groups, ``.`` that must match, a key set with no ``${string}`` in it).
    """
    start = pattern.startswith("^")
    body = pattern[1:] if start else pattern
    end = body.endswith("$") and not body.endswith("\\$")
    if end:
        body = body[:-1]
    atoms = _atoms(body)
    if atoms is None:
        return None
    parts: list[str] = [] if start else ["${string}"]
    pieces: list[tuple[str, ...] | None] = [] if start else [None]
    exact = True
    size = 1
    for index, (chars, low, high) in enumerate(atoms):
        if low != high:
            absorbed = (index == 0 and not start) or (index == len(atoms) - 1 and not end)
            exact = exact and absorbed
        if low == 0:
            continue
        if chars is _ANY:
            return None
        assert chars is not None
        size *= len(chars) ** low
        if size > MAX_TEMPLATE_EXPANSION:
            return None
        pieces += [chars] * low
        if len(chars) == 1:
            parts.append(_text(chars[0]) * low)
        else:
            union = " | ".join(string_literal(c) for c in chars)
            parts.append(("${" + union + "}") * low)
    if not end:
        parts.append("${string}")
        pieces.append(None)
    if None not in pieces:
        return None  # a finite set of keys: properties, not an index signature
    if all(piece is None for piece in pieces):
        return Template("string", exact, tuple(pieces))  # every key (``a*``, ``.*``)
    return Template("`" + "".join(parts) + "`", exact, tuple(pieces))

"""Identifiers: sanitising type names, allocating unique ones, quoting property names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .literals import string_literal
from .reserved import RESERVED_NAMES

__all__ = ["NameAllocator", "is_identifier", "property_key", "sanitize_type_name"]

_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def is_identifier(name: str) -> bool:
    """True if ``name`` is a plain ASCII JavaScript identifier."""
    return _IDENT.fullmatch(name) is not None


def property_key(name: str) -> str:
    """Return ``name`` as a property key: bare if it is an identifier, else a string literal."""
    return name if is_identifier(name) else string_literal(name)


def sanitize_type_name(raw: str) -> str:
    """Turn any string (a ``$defs`` key, a title) into an identifier starting upper-case.

    Runs of characters that cannot appear in an identifier become ``_``; a leading digit
    gets a ``T`` prefix; the empty result becomes ``Type``. Reserved names are not avoided
    here (see :class:`NameAllocator`).
    """
    name = re.sub(r"[^A-Za-z0-9_$]+", "_", raw).strip("_")
    if not name:
        return "Type"
    if name[0].isdigit():
        name = "T" + name
    return name[0].upper() + name[1:]


class NameAllocator:
    """Hands out distinct type names that avoid keywords, globals and names taken before."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        """Start with ``taken`` (plus :data:`~typegen.reserved.RESERVED_NAMES`) unavailable."""
        self._taken = set(RESERVED_NAMES) | set(taken)

    def take(self, name: str) -> None:
        """Mark ``name`` as used."""
        self._taken.add(name)

    def is_free(self, name: str) -> bool:
        """True if ``name`` has not been used or reserved."""
        return name not in self._taken

    def allocate(self, preferred: str) -> str:
        """Return ``sanitize_type_name(preferred)``, made free by a suffix if needed.

        A reserved name (keyword or global, e.g. ``Date``) first gets ``_`` (``Date_``);
        a name taken by another type gets ``2``, ``3``, ... (``Address2``).
        """
        base = sanitize_type_name(preferred)
        if base in RESERVED_NAMES:
            base += "_"
        name, n = base, 1
        while name in self._taken:
            n += 1
            name = f"{base}{n}" if not base[-1].isdigit() else f"{base}_{n}"
        self._taken.add(name)
        return name

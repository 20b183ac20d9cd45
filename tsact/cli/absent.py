"""Which fields a file did not have: shown as unknown, never as today's defaults.

A record or run written by an older tsact lacks the fields added since (its
``format`` is lower). Decoding fills them with defaults, which would claim things
the file never said (no fuel used, nothing printed, no tokens spent by sub-agents);
``Absent`` remembers, for each decoded object, the fields its JSON object lacked, so
the views can say "unknown" there.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Absent:
    """The fields each decoded object lacked in its file (empty for a complete file)."""

    def __init__(self) -> None:
        self._missing: dict[int, frozenset[str]] = {}
        self._objects: list[object] = []  # kept alive, so that their ids stay theirs

    def missing(self, owner: object, field: str) -> bool:
        """True when ``owner``'s JSON object in the file had no ``field``."""
        return field in self._missing.get(id(owner), frozenset())

    def any_missing(self, owners: list[Any], field: str) -> bool:
        """True when any of ``owners`` lacked ``field``."""
        return any(self.missing(owner, field) for owner in owners)

    def _note(self, owner: object, fields: frozenset[str]) -> None:
        if fields:
            self._objects.append(owner)
            self._missing[id(owner)] = fields

    @classmethod
    def of(cls, raw: Any, decoded: Any) -> Absent:
        """Walk ``raw`` (decoded JSON) beside ``decoded`` (the Structs made from it)."""
        absent = cls()
        absent._walk(raw, decoded)
        return absent

    def _walk(self, raw: Any, decoded: Any) -> None:
        if isinstance(decoded, msgspec.Struct):
            if not isinstance(raw, dict):
                return
            missing: set[str] = set()
            for field in msgspec.structs.fields(decoded):
                if field.encode_name not in raw:
                    missing.add(field.name)
                else:
                    self._walk(raw[field.encode_name], getattr(decoded, field.name))
            self._note(decoded, frozenset(missing))
        elif isinstance(decoded, list) and isinstance(raw, list):
            for raw_item, item in zip(raw, decoded, strict=False):
                self._walk(raw_item, item)


NOTHING_ABSENT = Absent()
"""For records made in this process: every field is known."""

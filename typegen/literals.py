"""TypeScript spellings of JSON strings and numbers."""

from __future__ import annotations

import json
import re

__all__ = ["number_literal", "string_literal"]

_NEEDS_ESCAPE = re.compile("[\u2028\u2029\ud800-\udfff]")


def string_literal(value: str) -> str:
    """Return a double-quoted TypeScript string literal equal to ``value``.

    Non-ASCII text stays readable; line separators and lone surrogates are escaped so the
    output is valid UTF-8 and valid source everywhere.
    """
    text = json.dumps(value, ensure_ascii=False)
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def number_literal(value: float) -> str:
    """Return a TypeScript numeric literal for a finite JSON number (``-0`` prints as ``0``)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)

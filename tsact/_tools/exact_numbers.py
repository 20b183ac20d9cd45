"""Numbers a script cannot get exactly: NaN, Infinity and integers past 2^53 - 1.

JSON has no NaN or Infinity (pydantic and msgspec write them as ``null``), and every JSON
number becomes a JavaScript double, which holds integers exactly only up to
``Number.MAX_SAFE_INTEGER`` (2^53 - 1): ``2**53 + 1`` arrives as ``2**53``. Either way the
script would silently compute with a wrong number, so a tool result holding one is
refused instead, with the place it sits (``result.rows[3].mean``).

Checking costs a walk of the serialised result, so it is only done where a number can
be: ``may_hold_numbers`` reads the result's JSON Schema once, when the tool is defined,
and a tool declared ``-> list[str]`` (or a model of strings and booleans) is never
walked. Lists of plain numbers are checked by ``sum``, ``min`` and ``max`` in C.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer a JavaScript number holds exactly (and its negation the smallest)."""

_SCALARS_WITHOUT_NUMBERS = frozenset({"string", "boolean", "null"})
_COMBINATIONS = ("anyOf", "oneOf", "allOf")


class InexactNumber(ValueError):
    """A result holds a number the script would get wrong; the message says where and why."""


def may_hold_numbers(schema: Any) -> bool:
    """False only when no value matching ``schema`` can hold a number the check must see.

    Conservative: anything the reading does not understand may hold one. A ``$ref`` that
    leads back to a definition being read adds nothing (a recursive type holds numbers
    only if some other part of it does).
    """
    defs = schema.get("$defs", {}) if isinstance(schema, dict) else {}
    return _may_hold(schema, defs, set())


def _may_hold(schema: Any, defs: Mapping[str, Any], seen: set[str]) -> bool:
    if schema is False:
        return False
    if not isinstance(schema, dict) or not schema:
        return True  # ``true`` or ``{}``: any value
    if "const" in schema:
        return _inexact_in(schema["const"])
    if "enum" in schema:
        return isinstance(schema["enum"], list) and any(_inexact_in(v) for v in schema["enum"])
    ref = schema.get("$ref")
    parts = [part for key in _COMBINATIONS for part in schema.get(key, [])]
    if isinstance(ref, str):
        name = ref.removeprefix("#/$defs/")
        if name not in defs:
            return True
        if name not in seen:
            parts.append(defs[name])
            seen = seen | {name}
    if any(_may_hold(part, defs, seen) for part in parts):
        return True
    kinds = schema.get("type")
    if kinds is None:
        return not (parts or isinstance(ref, str))  # a pure reference or combination is read
    for kind in [kinds] if isinstance(kinds, str) else kinds:
        if kind in _SCALARS_WITHOUT_NUMBERS:
            continue
        if kind == "integer" and _bounded(schema):
            continue
        if kind == "array" and not _array_may_hold(schema, defs, seen):
            continue
        if kind == "object" and not _object_may_hold(schema, defs, seen):
            continue
        return True
    return False


def _bounded(schema: Mapping[str, Any]) -> bool:
    """An integer schema whose bounds keep it within the exact range."""
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    numbers = (int, float)
    return (
        isinstance(low, numbers)
        and isinstance(high, numbers)
        and low >= -MAX_SAFE_INTEGER
        and high <= MAX_SAFE_INTEGER
    )


def _array_may_hold(schema: Mapping[str, Any], defs: Mapping[str, Any], seen: set[str]) -> bool:
    prefix = schema.get("prefixItems", [])
    if any(_may_hold(item, defs, seen) for item in prefix):
        return True
    if "items" in schema:
        return _may_hold(schema["items"], defs, seen)
    return not prefix  # a tuple's items are all listed; a bare array holds anything


def _object_may_hold(schema: Mapping[str, Any], defs: Mapping[str, Any], seen: set[str]) -> bool:
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    if any(_may_hold(part, defs, seen) for part in [*properties.values(), *patterns.values()]):
        return True
    if "additionalProperties" in schema:
        return _may_hold(schema["additionalProperties"], defs, seen)
    # pydantic describes a model, dataclass or TypedDict by its properties, and a bare
    # ``dict`` by ``{"type": "object"}`` alone: only the latter holds anything
    return not (properties or patterns)


def check_exact_numbers(value: Any) -> None:
    """Raise ``InexactNumber`` if the JSON value ``value`` holds NaN, ±Infinity or an
    integer beyond ±(2^53 - 1), naming the first such place; else return at once."""
    kind = type(value)  # a lone scalar, the commonest result, costs no call
    if kind is str or kind is bool or value is None:
        return
    if kind is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return
    elif kind is float:
        if value - value == 0.0:
            return
    elif not _inexact_in(value):
        return
    where, number = next(_inexact_places(value, "result"))
    raise InexactNumber(_describe(where, number))


def _describe(where: str, number: int | float) -> str:
    if isinstance(number, float):
        text = "NaN" if math.isnan(number) else ("-Infinity" if number < 0 else "Infinity")
        return (
            f"{where} is {text}, which JSON cannot carry (it would arrive as null): "
            "return None, or a string, for a value that is not a number"
        )
    return (
        f"{where} is {number}, beyond the integers a JavaScript number holds exactly "
        f"(±{MAX_SAFE_INTEGER}, 2^53 - 1), so the script would get another number: "
        "return it as a string"
    )


def _bad_scalar(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return not math.isfinite(value)
    if kind is int:
        return not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if isinstance(value, float):  # subclasses, rarer than a plain value
        return not math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    return False


def _inexact_in(value: Any) -> bool:
    """True if ``value`` holds a bad number somewhere: one pass, no path kept."""
    kind = type(value)
    if kind is not list and kind is not dict:
        if not isinstance(value, (list, dict)):
            return _bad_scalar(value)
        value = [value]  # a subclass: read as its items are, below
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            items = item.values()
        elif _plain_numbers(item):
            continue
        else:
            items = item
        for element in items:
            kind = type(element)
            if kind is str:
                continue
            if kind is float:
                if element - element != 0.0:  # NaN or ±Infinity
                    return True
            elif kind is int:
                if element > MAX_SAFE_INTEGER or element < -MAX_SAFE_INTEGER:
                    return True
            elif kind is dict or kind is list:
                stack.append(element)
            elif isinstance(element, dict):
                stack.append(dict(element))
            elif isinstance(element, list):
                stack.append(list(element))
            elif _bad_scalar(element):
                return True
    return False


def _plain_numbers(items: list[Any]) -> bool:
    """True if ``items`` are numbers, all exact; False if not sure (then each is looked at).

    ``sum`` meets any NaN or Infinity; ``min`` and ``max`` bound the integers (a large
    float trips them too, and is then looked at one by one, as is a sum that overflowed).
    """
    if not items:
        return True
    try:
        total = sum(items)
        low, high = min(items), max(items)
    except TypeError:  # not all numbers
        return False
    if isinstance(total, float) and not math.isfinite(total):
        return False
    return bool(low >= -MAX_SAFE_INTEGER and high <= MAX_SAFE_INTEGER)


def _inexact_places(value: Any, where: str) -> Iterator[tuple[str, int | float]]:
    """Each bad number in ``value`` with its path from ``where``, in order (slow; for errors)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _inexact_places(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _inexact_places(item, f"{where}[{index}]")
    elif _bad_scalar(value):
        yield where, value

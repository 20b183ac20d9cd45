"""Tables of JSON Schema keywords: where subschemas live, and what each keyword constrains."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = [
    "ARRAY_KEYWORDS",
    "IN_PLACE_APPLICATORS",
    "NEUTRAL_KEYWORDS",
    "NUMBER_KEYWORDS",
    "OBJECT_KEYWORDS",
    "STRING_KEYWORDS",
    "iter_subschemas",
]

Path = tuple[str | int, ...]

_SINGLE = (
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "additionalItems",
    "contentSchema",
)
_MAPS = ("$defs", "definitions", "properties", "patternProperties", "dependentSchemas")
_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")

IN_PLACE_APPLICATORS = frozenset(
    {
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "$ref",
        "$dynamicRef",
        "$recursiveRef",
    }
)
"""Keywords that apply subschemas to the instance itself (they share evaluated keys)."""

NEUTRAL_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$recursiveAnchor",
        "$defs",
        "definitions",
        "$comment",
        "$vocabulary",
        "title",
        "description",
        "default",
        "examples",
        "example",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
        "discriminator",
    }
)
"""Keywords that never reject an instance (identifiers, annotations, containers)."""

STRING_KEYWORDS = frozenset({"minLength", "maxLength", "pattern"})
"""Assertions that only constrain strings."""
NUMBER_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
"""Assertions that only constrain numbers."""
ARRAY_KEYWORDS = frozenset(
    {
        "items",
        "prefixItems",
        "additionalItems",
        "contains",
        "minContains",
        "maxContains",
        "minItems",
        "maxItems",
        "uniqueItems",
        "unevaluatedItems",
    }
)
"""Assertions that only constrain arrays."""
OBJECT_KEYWORDS = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "propertyNames",
        "required",
        "minProperties",
        "maxProperties",
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "unevaluatedProperties",
    }
)
"""Assertions that only constrain objects."""


def iter_subschemas(schema: Any) -> Iterator[tuple[Path, Any]]:
    """Yield ``(relative path, subschema)`` for every direct subschema of ``schema``.

    Covers draft 2020-12 keywords plus the older ``definitions``, array-form ``items``,
    ``additionalItems`` and ``dependencies``. Values of unknown keywords are not schemas.
    """
    if not isinstance(schema, dict):
        return
    for key in _SINGLE:
        if key in schema:
            yield (key,), schema[key]
    items = schema.get("items")
    if isinstance(items, list):
        for i, sub in enumerate(items):
            yield ("items", i), sub
    elif "items" in schema:
        yield ("items",), items
    for key in _MAPS:
        value = schema.get(key)
        if isinstance(value, dict):
            for name, sub in value.items():
                yield (key, name), sub
    deps = schema.get("dependencies")
    if isinstance(deps, dict):
        for name, sub in deps.items():
            if isinstance(sub, dict | bool):
                yield ("dependencies", name), sub
    for key in _LISTS:
        value = schema.get(key)
        if isinstance(value, list):
            for i, sub in enumerate(value):
                yield (key, i), sub

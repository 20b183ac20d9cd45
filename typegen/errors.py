"""The one exception typegen raises for schemas it cannot translate."""

from __future__ import annotations

__all__ = ["SchemaError"]


class SchemaError(ValueError):
    """A schema is invalid in a way that cannot be widened away soundly.

    Raised for a schema (or subschema) that is neither a JSON object nor a boolean, and
    for one nested too deeply to translate. A ``$ref`` that does not resolve inside the
    schema document (remote references are never fetched) or points at something that is
    not a schema does not raise: it widens to ``unknown``, with a JSDoc note. Unknown or
    unsupported keywords never raise: they are ignored, which only widens the type.
    """

"""The one exception typegen raises for schemas it cannot translate."""

from __future__ import annotations

__all__ = ["SchemaError"]


class SchemaError(ValueError):
    """A schema is invalid in a way that cannot be widened away soundly.

    Raised for: a ``$ref`` that does not resolve inside the schema document (remote
    references are never fetched), a ``$ref`` that points at something that is not a
    schema, and a schema (or subschema) that is neither a JSON object nor a boolean.
    Unknown or unsupported keywords never raise: they are ignored, which only widens
    the emitted type.
    """

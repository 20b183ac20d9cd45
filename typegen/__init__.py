"""typegen: JSON Schema (draft 2020-12) and pydantic types to TypeScript declarations.

Pure Python, no I/O. The emitted types are **sound**: every JSON value a schema accepts
type-checks against its TypeScript type. Within that rule they are as precise as TypeScript
allows; what cannot be expressed (numeric ranges, lengths, patterns, ``not``, ``oneOf``
exclusivity, ...) is widened and shown in JSDoc instead.

Public API (stable)
-------------------
``schema_to_typescript(schema, name, *, open_objects=True, unconstrained="unknown") -> str``
    ``type <name> = ...;`` plus the helper types it needs.
``model_to_typescript(model, name=None, *, open_objects=True, mode="validation",
unconstrained="unknown") -> str``
    The same for a pydantic model or any type ``pydantic.TypeAdapter`` accepts.
``TypeScriptEmitter(*, open_objects=True, unconstrained="unknown")``
    Many schemas into one declaration file with shared, non-colliding helper names:
    ``reserve(*names)``, ``is_used(name) -> bool``, ``add(name, schema, *, doc=None) -> name``,
    ``declarations() -> list[Declaration]``, ``render() -> str``.
``Declaration(name, source, explicit, body, doc, references)``
    One rendered ``type`` declaration, with its type expression, JSDoc lines and the
    names it refers to.
``jsdoc(text, indent="") -> str`` and ``escape_comment(text) -> str``
    JSDoc blocks from description text (``*/`` escaped).
``schema_doc(schema, name=None) -> tuple[str, ...]``
    The JSDoc lines typegen derives from a schema's annotations.
``property_key(name) -> str``, ``is_identifier(name) -> bool``, ``sanitize_type_name(raw)``
    Identifier helpers; ``RESERVED_NAMES`` is the set of names helper types avoid.
``SchemaError`` (a ``ValueError``)
    Raised for a (sub)schema that is neither an object nor a boolean, or one nested too
    deeply. A ``$ref`` that does not resolve (nothing is fetched: a remote reference, a
    missing definition) widens to ``unknown`` with a JSDoc note; unknown keywords widen.

Mapping
-------
(Details in ``typegen/README.md`` and :mod:`typegen.translate`.)
``$ref`` targets (``$defs``, ``definitions``, ``#``, JSON pointers, anchors, ``$id``) become
named types; objects become ``{ a: T; b?: U }`` with an index signature for
``additionalProperties``/``patternProperties`` (template literal keys for literal patterns)
and, with ``open_objects``, for unconstrained extras; ``enum``/``const`` literal unions;
``anyOf``/``oneOf`` unions; ``allOf`` merged structurally; ``prefixItems`` tuples with
optional elements past ``minItems``; ``integer`` is ``number``; boolean schemas are
``unknown``/``never``; anything inexpressible is widened and documented in JSDoc.
``unconstrained="any"`` prints what admits any value as ``any`` instead of ``unknown``.
"""

from __future__ import annotations

from .api import model_to_typescript, schema_to_typescript
from .emitter import Declaration, TypeScriptEmitter
from .errors import SchemaError
from .jsdoc import escape_comment, jsdoc, schema_doc
from .names import is_identifier, property_key, sanitize_type_name
from .reserved import RESERVED_NAMES

__all__ = [
    "RESERVED_NAMES",
    "Declaration",
    "SchemaError",
    "TypeScriptEmitter",
    "escape_comment",
    "is_identifier",
    "jsdoc",
    "model_to_typescript",
    "property_key",
    "sanitize_type_name",
    "schema_doc",
    "schema_to_typescript",
]

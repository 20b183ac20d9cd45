"""One-call conveniences: a JSON Schema or a pydantic type to a TypeScript declaration."""

from __future__ import annotations

from typing import Any, Literal

from .emitter import TypeScriptEmitter
from .names import sanitize_type_name
from .printer import Unconstrained
from .reserved import RESERVED_NAMES

__all__ = ["model_to_typescript", "schema_to_typescript"]


def schema_to_typescript(
    schema: dict[str, Any] | bool,
    name: str,
    *,
    open_objects: bool = True,
    unconstrained: Unconstrained = "unknown",
) -> str:
    """Return TypeScript source declaring ``type <name>`` for ``schema``.

    Helper types (one per ``$ref`` target) are declared after it. See
    :class:`~typegen.TypeScriptEmitter` for ``open_objects``, ``unconstrained`` and naming.
    """
    emitter = TypeScriptEmitter(open_objects=open_objects, unconstrained=unconstrained)
    emitter.add(name, schema)
    return emitter.render()


def model_to_typescript(
    model: Any,
    name: str | None = None,
    *,
    open_objects: bool = True,
    mode: Literal["validation", "serialization"] = "validation",
    unconstrained: Unconstrained = "unknown",
) -> str:
    """Return TypeScript source for a pydantic model or any type pydantic can describe.

    The schema is ``pydantic.TypeAdapter(model).json_schema(mode=mode)``: use
    ``"validation"`` for what a tool accepts and ``"serialization"`` for what it returns.
    ``name`` defaults to the model's class name (sanitised).
    """
    from pydantic import TypeAdapter

    schema = TypeAdapter(model).json_schema(mode=mode)
    if name is None:
        raw = getattr(model, "__name__", None) or schema.get("title") or "Model"
        name = sanitize_type_name(str(raw))
        if name in RESERVED_NAMES:
            name += "Model"
    return schema_to_typescript(
        schema, name, open_objects=open_objects, unconstrained=unconstrained
    )

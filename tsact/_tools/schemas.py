"""JSON Schemas of what tools take and return, as pydantic generates them.

Arguments are described in pydantic's validation mode (a field with a default may be left
out), results in serialisation mode with every field that a dump writes marked required:
a model's field with a default is always present in a serialised result, so
``addresses: list[Address] = []`` is declared ``addresses: Address[]``, not
``addresses?: Address[]``. All schemas of one declaration file are generated together, so
a model used both ways gets two definitions only where the two modes differ
(``AddressInput`` for arguments, ``Address`` for results) and one otherwise.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Literal

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

Mode = Literal["validation", "serialization"]


class ResultSchema(GenerateJsonSchema):
    """pydantic's schema generator, with defaulted fields required in serialisation mode.

    Same as ``json_schema_serialization_defaults_required=True`` on every model, including
    models the caller does not own. TypedDict keys stay optional where they may be absent,
    and fields a dump may leave out (``exclude_if``) stay optional.
    """

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        """Required if a serialised value always carries it (validation mode unchanged)."""
        if self.mode == "serialization" and field["type"] != "typed-dict-field":
            return field.get("serialization_exclude_if") is None
        return super().field_is_required(field, total)


def result_schema(adapter: TypeAdapter[Any]) -> dict[str, Any]:
    """The JSON Schema of a value serialised through ``adapter`` (defaulted fields present)."""
    return adapter.json_schema(mode="serialization", schema_generator=ResultSchema)


def joint_schemas(
    inputs: Iterable[tuple[Hashable, Mode, TypeAdapter[Any]]],
) -> dict[Hashable, dict[str, Any]]:
    """Each input's schema, sharing one set of ``$defs`` (each schema carries the set it needs).

    Definitions pydantic splits by mode are renamed ``X`` (results) and ``XInput``
    (arguments); a root that only points at a definition gets the definition itself, as
    pydantic does when it describes one type alone.
    """
    items = list(inputs)
    if not items:
        return {}
    keymap, shared = TypeAdapter.json_schemas(
        [(key, mode, adapter) for key, mode, adapter in items], schema_generator=ResultSchema
    )
    defs: dict[str, Any] = shared.get("$defs", {})
    renamed = _renamed(defs)
    defs = {renamed[k]: _retarget(_plain(k, value), renamed) for k, value in defs.items()}
    result: dict[Hashable, dict[str, Any]] = {}
    for key, mode, _ in items:
        schema = _retarget(keymap[(key, mode)], renamed)
        target = _only_ref(schema)
        if target is not None and not _refers_to(defs, target, defs[target]):
            schema = defs[target]
        needed = _reachable(schema, defs)
        if needed:
            schema = {**schema, "$defs": {name: defs[name] for name in defs if name in needed}}
        result[key] = schema
    return result


_PREFIX = "#/$defs/"


def _renamed(defs: dict[str, Any]) -> dict[str, str]:
    """New keys: a mode suffix becomes ``Input`` (arguments) or nothing (results)."""
    names: dict[str, str] = {}
    for name, value in defs.items():
        base, _, mode = name.rpartition("-")
        if mode not in ("Input", "Output"):
            base, mode = name, ""
        title = value.get("title") if isinstance(value, dict) else None
        if "__" in base and isinstance(title, str) and title:
            base = title  # pydantic's module-qualified name for two classes of one name
        names[name] = base + ("Input" if mode == "Input" else "")
    return names


def _plain(key: str, definition: Any) -> Any:
    """A definition without a title that only repeats its class name (the type's name)."""
    base = key.removesuffix("-Input").removesuffix("-Output").rsplit("__", 1)[-1]
    if isinstance(definition, dict) and definition.get("title") == base:
        return {k: v for k, v in definition.items() if k != "title"}
    return definition


def _retarget(value: Any, renamed: dict[str, str]) -> Any:
    """``value`` with every ``$ref`` into ``$defs`` following the renaming."""
    if isinstance(value, dict):
        out = {k: _retarget(v, renamed) for k, v in value.items()}
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX) and ref[len(_PREFIX) :] in renamed:
            out["$ref"] = _PREFIX + renamed[ref[len(_PREFIX) :]]
        return out
    if isinstance(value, list):
        return [_retarget(v, renamed) for v in value]
    return value


def _refs(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX):
            yield ref[len(_PREFIX) :]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _only_ref(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if len(schema) == 1 and isinstance(ref, str) and ref.startswith(_PREFIX):
        return ref[len(_PREFIX) :]
    return None


def _reachable(schema: Any, defs: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    stack = list(_refs(schema))
    while stack:
        name = stack.pop()
        if name not in seen and name in defs:
            seen.add(name)
            stack.extend(_refs(defs[name]))
    return seen


def _refers_to(defs: dict[str, Any], name: str, value: Any) -> bool:
    """True if definition ``name`` is recursive (then it stays a named type)."""
    return name in _reachable(value, defs)

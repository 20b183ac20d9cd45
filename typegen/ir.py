"""The intermediate representation: a small algebra of TypeScript types.

Nodes are immutable and hashable, so equal types compare equal and can be deduplicated.
Named types are referenced through :class:`Ref` by an integer key that the emitter maps to
a name only when printing, so names can be allocated after every schema is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "ALL_KINDS",
    "BOOLEAN",
    "NEVER",
    "NULL",
    "NUMBER",
    "STRING",
    "UNKNOWN",
    "ArrayT",
    "BoolLit",
    "Clause",
    "Inter",
    "Kind",
    "Never",
    "NumLit",
    "ObjectT",
    "Prim",
    "Prop",
    "Ref",
    "StrLit",
    "TsType",
    "TupleT",
    "Union",
    "Unknown",
    "all_refs",
    "kind_of",
    "size",
    "num_lit",
]

Kind = Literal["object", "array", "string", "number", "boolean", "null"]
"""The six kinds of JSON value; JSON Schema's ``integer`` is a ``number`` here."""

ALL_KINDS: tuple[Kind, ...] = ("object", "array", "string", "number", "boolean", "null")
"""Every kind, in the order they are printed when a schema does not say otherwise."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """Any JSON value (TypeScript ``unknown``)."""


@dataclass(frozen=True, slots=True)
class Never:
    """No value at all (TypeScript ``never``)."""


@dataclass(frozen=True, slots=True)
class Prim:
    """Every value of one primitive kind: ``null``, ``boolean``, ``number`` or ``string``."""

    kind: Literal["null", "boolean", "number", "string"]


@dataclass(frozen=True, slots=True)
class BoolLit:
    """The literal type ``true`` or ``false``."""

    value: bool


@dataclass(frozen=True, slots=True)
class NumLit:
    """A numeric literal type; build it with :func:`num_lit` so ``1.0`` equals ``1``."""

    value: int | float


@dataclass(frozen=True, slots=True)
class StrLit:
    """A string literal type."""

    value: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a named type, identified by the emitter's node key."""

    key: int


@dataclass(frozen=True, slots=True)
class ArrayT:
    """``T[]``: an array of any length whose elements all have type ``item``."""

    item: TsType


@dataclass(frozen=True, slots=True)
class TupleT:
    """``[A, B?, ...R[]]``: positional element types.

    The first ``required`` elements must be present; the rest of ``elements`` are optional;
    ``rest`` types any further elements, and ``None`` means there can be none.
    """

    elements: tuple[TsType, ...]
    required: int
    rest: TsType | None


@dataclass(frozen=True, slots=True)
class Prop:
    """A declared property of an object type, with its JSDoc lines."""

    name: str
    type: TsType
    required: bool
    doc: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Clause:
    """What one schema says about keys that are not declared properties.

    A key matching one of ``patterns`` must have every matching pattern's type; any other
    key must have type ``additional``. ``additional`` is ``None`` when the schema did not say
    (then the emitter's ``open_objects`` option decides how it prints).
    """

    patterns: tuple[tuple[str, TsType], ...]
    additional: TsType | None


@dataclass(frozen=True, slots=True)
class ObjectT:
    """An object type: declared properties plus one clause per schema merged into it."""

    props: tuple[Prop, ...]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Union:
    """``A | B | ...`` (at least two members, none of them unions)."""

    members: tuple[TsType, ...]


@dataclass(frozen=True, slots=True)
class Inter:
    """``A & B & ...``: kept only where members could not be merged (named types)."""

    members: tuple[TsType, ...]


TsType: TypeAlias = (
    Unknown
    | Never
    | Prim
    | BoolLit
    | NumLit
    | StrLit
    | Ref
    | ArrayT
    | TupleT
    | ObjectT
    | Union
    | Inter
)
"""Any node of the intermediate representation."""

UNKNOWN = Unknown()
"""The ``unknown`` singleton."""
NEVER = Never()
"""The ``never`` singleton."""
NULL = Prim("null")
"""The ``null`` type."""
BOOLEAN = Prim("boolean")
"""The ``boolean`` type."""
NUMBER = Prim("number")
"""The ``number`` type."""
STRING = Prim("string")
"""The ``string`` type."""


def num_lit(value: float) -> NumLit | Prim:
    """Return the literal type of a JSON number (``number`` itself if it is not finite)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return NUMBER
        if value.is_integer():
            return NumLit(int(value))
    return NumLit(value)


def kind_of(t: TsType) -> Kind | None:
    """Return the single kind every value of ``t`` has, or ``None`` if it may have several."""
    if isinstance(t, Prim):
        return t.kind
    if isinstance(t, BoolLit):
        return "boolean"
    if isinstance(t, NumLit):
        return "number"
    if isinstance(t, StrLit):
        return "string"
    if isinstance(t, ArrayT | TupleT):
        return "array"
    if isinstance(t, ObjectT):
        return "object"
    return None


def all_refs(t: TsType) -> list[int]:
    """Keys of every named type referenced anywhere inside ``t``."""
    if isinstance(t, Ref):
        return [t.key]
    if isinstance(t, Union | Inter):
        return [k for m in t.members for k in all_refs(m)]
    if isinstance(t, ArrayT):
        return all_refs(t.item)
    if isinstance(t, TupleT):
        rest = all_refs(t.rest) if t.rest is not None else []
        return [k for e in t.elements for k in all_refs(e)] + rest
    if isinstance(t, ObjectT):
        keys = [k for p in t.props for k in all_refs(p.type)]
        for c in t.clauses:
            keys += [k for _, pt in c.patterns for k in all_refs(pt)]
            if c.additional is not None:
                keys += all_refs(c.additional)
        return keys
    return []


def size(t: TsType, limit: int = 10_000) -> int:
    """How many nodes ``t`` has (counting stops past ``limit``): a proxy for checker cost."""
    count = 0
    stack = [t]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, Union | Inter):
            stack.extend(node.members)
        elif isinstance(node, ArrayT):
            stack.append(node.item)
        elif isinstance(node, TupleT):
            stack.extend(node.elements)
            if node.rest is not None:
                stack.append(node.rest)
        elif isinstance(node, ObjectT):
            stack.extend(p.type for p in node.props)
            for clause in node.clauses:
                stack.extend(pt for _, pt in clause.patterns)
                if clause.additional is not None:
                    stack.append(clause.additional)
    return count

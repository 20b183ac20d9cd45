"""Smart constructors for unions and intersections of IR types.

Intersections are computed structurally wherever the kinds allow it (two object types merge
key by key, tuples merge position by position, a literal meets its primitive), which is
both sound and more precise than TypeScript's own ``&`` on object types. Only named types
(:class:`~typegen.ir.Ref`) stay as an :class:`~typegen.ir.Inter`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .ir import (
    NEVER,
    UNKNOWN,
    ArrayT,
    BoolLit,
    Clause,
    Inter,
    Never,
    NumLit,
    ObjectT,
    Prim,
    Prop,
    Ref,
    StrLit,
    TsType,
    TupleT,
    Union,
    Unknown,
    kind_of,
)
from .patterns import pattern_matches

__all__ = [
    "clause_constraint",
    "intersect",
    "intersect_all",
    "is_top_object",
    "key_constraint",
    "make_object",
    "make_tuple",
    "union",
]

MAX_UNION = 64
"""Distributing ``&`` over unions stops (keeping ``&``) when the result would have more
members than this and than either side."""
MAX_TUPLE = 8
"""Length bounds (minItems/maxItems) are spelled out as tuple positions only up to this."""


def is_top_object(t: TsType) -> bool:
    """True for the object type that accepts every JSON object."""
    return (
        isinstance(t, ObjectT)
        and not t.props
        and all(not c.patterns and c.additional in (None, UNKNOWN) for c in t.clauses)
    )


def _is_top(t: TsType, kind: str | None) -> bool:
    if kind == "array":
        return t == ArrayT(UNKNOWN)
    if kind == "object":
        return is_top_object(t)
    return isinstance(t, Prim) and t.kind == kind


def union(items: Iterable[TsType]) -> TsType:
    """Return the union of ``items``, flattened, deduplicated and simplified."""
    unique: dict[TsType, None] = {}
    for item in items:
        members = item.members if isinstance(item, Union) else (item,)
        for m in members:
            if isinstance(m, Unknown):
                return UNKNOWN
            if not isinstance(m, Never):
                unique[m] = None
    flat = list(unique)
    tops = {kind_of(m) for m in flat if _is_top(m, kind_of(m))}
    if len(tops) == 6:
        return UNKNOWN
    if BoolLit(True) in flat and BoolLit(False) in flat and "boolean" not in tops:
        flat[flat.index(BoolLit(True))] = Prim("boolean")
        flat.remove(BoolLit(False))
        tops.add("boolean")
    if tops:
        kept: list[TsType] = []
        placed: set[str | None] = set()
        for m in flat:
            kind = kind_of(m)
            if kind in tops:
                if kind in placed or not _is_top(m, kind):
                    continue
                placed.add(kind)
            kept.append(m)
        flat = kept
    if not flat:
        return NEVER
    if len(flat) == 1:
        return flat[0]
    return Union(tuple(flat))


def intersect_all(items: Iterable[TsType]) -> TsType:
    """Return the intersection of ``items`` (``unknown`` for none)."""
    result: TsType = UNKNOWN
    for item in items:
        result = intersect(result, item)
        if isinstance(result, Never):
            break
    return result


def intersect(a: TsType, b: TsType) -> TsType:
    """Return the intersection of two types, merged structurally where possible."""
    if isinstance(a, Unknown) or a == b:
        return b
    if isinstance(b, Unknown):
        return a
    if isinstance(a, Never) or isinstance(b, Never):
        return NEVER
    if isinstance(a, Ref | Inter) or isinstance(b, Ref | Inter):
        return _intersect_named(a, b)
    if isinstance(a, Union) or isinstance(b, Union):
        left = a.members if isinstance(a, Union) else (a,)
        right = b.members if isinstance(b, Union) else (b,)
        out: list[TsType] = []
        limit = max(MAX_UNION, len(left), len(right))
        for x in left:
            for y in right:
                if _disjoint(x, y):
                    continue
                z = intersect(x, y)
                if not isinstance(z, Never):
                    out.append(z)
                if len(out) > limit:
                    return Inter((a, b))
        return union(out)
    return _intersect_simple(a, b)


def _disjoint(x: TsType, y: TsType) -> bool:
    kx, ky = kind_of(x), kind_of(y)
    return kx is not None and ky is not None and kx != ky


def _intersect_named(a: TsType, b: TsType) -> TsType:
    """Named types stay as ``&`` members; the other members merge where they can.

    Two unions too large to distribute (kept apart as an ``Inter``) are not tried again,
    so repeated intersections cannot recurse without end.
    """
    refs: list[TsType] = []
    pieces: list[TsType] = []
    for t in (a, b):
        for m in t.members if isinstance(t, Inter) else (t,):
            if isinstance(m, Ref):
                if m not in refs:
                    refs.append(m)
                continue
            for i, piece in enumerate(pieces):
                merged = intersect(piece, m)
                if not isinstance(merged, Inter):
                    pieces[i] = merged
                    break
            else:
                pieces.append(m)
            if any(isinstance(p, Never) for p in pieces):
                return NEVER
    members = [*refs, *(p for p in pieces if not isinstance(p, Unknown))]
    if not members:
        return UNKNOWN
    return members[0] if len(members) == 1 else Inter(tuple(members))


def _intersect_simple(a: TsType, b: TsType) -> TsType:
    ka, kb = kind_of(a), kind_of(b)
    if ka != kb or ka is None:
        return NEVER
    if isinstance(a, Prim):
        return b
    if isinstance(b, Prim):
        return a
    if isinstance(a, BoolLit | NumLit | StrLit) or isinstance(b, BoolLit | NumLit | StrLit):
        return a if a == b else NEVER
    if isinstance(a, ObjectT) and isinstance(b, ObjectT):
        if is_top_object(a):
            return b
        if is_top_object(b):
            return a
        return _merge_objects(a, b)
    if isinstance(a, ArrayT | TupleT) and isinstance(b, ArrayT | TupleT):
        return _merge_arrays(a, b)
    return NEVER


# ---------------------------------------------------------------------------- objects


def clause_constraint(clause: Clause, key: str) -> TsType:
    """Return what ``clause`` requires of the value of an undeclared property ``key``."""
    matched: list[TsType] = []
    for pattern, t in clause.patterns:
        hit = pattern_matches(pattern, key)
        if hit is None:
            return UNKNOWN
        if hit:
            matched.append(t)
    if matched:
        return intersect_all(matched)
    return UNKNOWN if clause.additional is None else clause.additional


def key_constraint(obj: ObjectT, key: str) -> TsType:
    """Return what ``obj`` requires of the value of property ``key``, if present."""
    for p in obj.props:
        if p.name == key:
            return p.type
    return intersect_all(clause_constraint(c, key) for c in obj.clauses)


def make_object(props: Iterable[Prop], clauses: Iterable[Clause]) -> TsType:
    """Build an object type; ``never`` if a required property can have no value."""
    props = tuple(props)
    if any(p.required and isinstance(p.type, Never) for p in props):
        return NEVER
    return ObjectT(props, tuple(dict.fromkeys(clauses)))


def _merge_objects(a: ObjectT, b: ObjectT) -> TsType:
    props_a = {p.name: p for p in a.props}
    props_b = {p.name: p for p in b.props}
    props: list[Prop] = []
    for name in {**props_a, **props_b}:
        pa, pb = props_a.get(name), props_b.get(name)
        ta = pa.type if pa else intersect_all(clause_constraint(c, name) for c in a.clauses)
        tb = pb.type if pb else intersect_all(clause_constraint(c, name) for c in b.clauses)
        t = intersect(ta, tb)
        required = bool((pa and pa.required) or (pb and pb.required))
        doc = (pa.doc if pa else ()) or (pb.doc if pb else ())
        props.append(Prop(name, t, required, doc))
    return make_object(props, a.clauses + b.clauses)


# ----------------------------------------------------------------------------- arrays


def make_tuple(
    elements: Iterable[TsType],
    min_items: int,
    max_items: int | None,
    rest: TsType | None,
) -> TsType:
    """Build the array type with positional ``elements``, length bounds and ``rest`` items.

    ``rest`` of ``None`` (or ``never``) means no items beyond ``elements``. Short arrays are
    valid, so elements past ``min_items`` are optional. Length bounds become tuple positions
    only while that stays small (:data:`MAX_TUPLE`); past that they are left out (wider).
    """
    elems = list(elements)
    if isinstance(rest, Never):
        rest = None
    if max_items is not None:
        if max_items < len(elems):
            elems, rest = elems[:max_items], None
        elif rest is not None and max_items - len(elems) <= MAX_TUPLE:
            elems += [rest] * (max_items - len(elems))
            rest = None
    if rest is None and min_items > len(elems):
        return NEVER
    if rest is not None and min_items > len(elems) and min_items <= MAX_TUPLE + len(elems):
        elems += [rest] * (min_items - len(elems))
    required = min(min_items, len(elems))
    for i, e in enumerate(elems):
        if isinstance(e, Never):
            if i < required:
                return NEVER
            elems, rest = elems[:i], None
            break
    while elems and len(elems) > required and rest is not None and elems[-1] == rest:
        elems.pop()
    if not elems and rest is not None:
        return ArrayT(rest)
    return TupleT(tuple(elems), required, rest)


def _as_tuple(t: ArrayT | TupleT) -> TupleT:
    return TupleT((), 0, t.item) if isinstance(t, ArrayT) else t


def _merge_arrays(a: ArrayT | TupleT, b: ArrayT | TupleT) -> TsType:
    ta, tb = _as_tuple(a), _as_tuple(b)
    n = max(len(ta.elements), len(tb.elements))

    def at(t: TupleT, i: int) -> TsType:
        if i < len(t.elements):
            return t.elements[i]
        return NEVER if t.rest is None else t.rest

    elems = [intersect(at(ta, i), at(tb, i)) for i in range(n)]
    rest = None if ta.rest is None or tb.rest is None else intersect(ta.rest, tb.rest)
    return make_tuple(elems, max(ta.required, tb.required), None, rest)

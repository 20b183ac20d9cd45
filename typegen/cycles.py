"""Breaking reference cycles that TypeScript cannot express.

TypeScript defers a type alias reference that sits inside an object, array or tuple type,
so recursion through those is fine. A cycle made only of aliases, unions and intersections
(``type A = B | null; type B = A & {...}``) is an error ("circularly references itself").
JSON Schema allows such cycles (``{"$ref": "#"}`` inside ``allOf``); a reference closing one
carries no information about any finite instance beyond what the rest of the cycle says,
so replacing it with ``unknown`` is sound.
"""

from __future__ import annotations

from collections.abc import Mapping

from .algebra import intersect_all, union
from .ir import UNKNOWN, ArrayT, Inter, Ref, TsType, TupleT, Union

__all__ = ["break_cycles", "eager_refs", "top_refs"]


def top_refs(t: TsType) -> list[int]:
    """Keys of the named types ``t`` refers to through unions and intersections only."""
    if isinstance(t, Ref):
        return [t.key]
    if isinstance(t, Union | Inter):
        return [k for m in t.members for k in top_refs(m)]
    return []


def eager_refs(t: TsType) -> list[int]:
    """Keys of the named types TypeScript must resolve to resolve ``t`` itself.

    Those at the top (through unions and intersections), and, to stay clear of a checker
    quirk (``type I = string | [I[]?]`` and ``[number, ...[I][]]`` are "circular"), those
    inside an array or tuple type that sits in an optional or rest tuple element. Object
    types defer everything inside them.
    """
    return _refs(t, _TOP)


_TOP, _NORMAL, _OPTIONAL, _HAZARD = 0, 1, 2, 3


def _refs(t: TsType, state: int) -> list[int]:
    if isinstance(t, Ref):
        return [t.key] if state in (_TOP, _HAZARD) else []
    if isinstance(t, Union | Inter):
        return [k for m in t.members for k in _refs(m, state)]
    if isinstance(t, ArrayT):
        return _refs(t.item, _HAZARD if state >= _OPTIONAL else _NORMAL)
    if isinstance(t, TupleT):
        inner = _HAZARD if state >= _OPTIONAL else _NORMAL
        keys: list[int] = []
        for i, e in enumerate(t.elements):
            optional = i >= t.required and inner == _NORMAL
            keys += _refs(e, _OPTIONAL if optional else inner)
        rest = _OPTIONAL if inner == _NORMAL else inner  # a rest element is optional too
        return keys + (_refs(t.rest, rest) if t.rest is not None else [])
    return []


def _drop(t: TsType, broken: set[int]) -> TsType:
    """Replace references to ``broken`` keys by ``unknown`` everywhere outside objects."""
    if isinstance(t, Ref):
        return UNKNOWN if t.key in broken else t
    if isinstance(t, Union):
        return union(_drop(m, broken) for m in t.members)
    if isinstance(t, Inter):
        return intersect_all(_drop(m, broken) for m in t.members)
    if isinstance(t, ArrayT):
        return ArrayT(_drop(t.item, broken))
    if isinstance(t, TupleT):
        rest = None if t.rest is None else _drop(t.rest, broken)
        return TupleT(tuple(_drop(e, broken) for e in t.elements), t.required, rest)
    return t


def break_cycles(bodies: Mapping[int, TsType]) -> dict[int, TsType]:
    """Return ``bodies`` with every eager reference that closes a cycle replaced by ``unknown``.

    The walk visits keys in mapping order, so the result is deterministic.
    """
    result = dict(bodies)
    state: dict[int, int] = {}  # 1: on the stack, 2: done

    def visit(key: int) -> None:
        state[key] = 1
        broken: set[int] = set()
        for target in dict.fromkeys(eager_refs(result[key])):
            if state.get(target) == 1:
                broken.add(target)
            elif target not in state and target in result:
                visit(target)
        if broken:
            result[key] = _drop(result[key], broken)
        state[key] = 2

    for key in bodies:
        if key not in state:
            visit(key)
    return result

"""Printing IR types as TypeScript source text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from .algebra import intersect, intersect_all, key_constraint, union
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
)
from .jsdoc import jsdoc
from .literals import number_literal, string_literal
from .names import property_key
from .patterns import Template, pattern_matches, pattern_template

__all__ = ["OBJECT_PROTOTYPE_MEMBERS", "Printer", "Unconstrained"]

Unconstrained = Literal["unknown", "any"]
"""How a type that admits any JSON value is written: ``unknown`` (sound, forces narrowing
before use) or ``any`` (for data nobody described, which scripts use without narrowing)."""

OBJECT_PROTOTYPE_MEMBERS = frozenset(
    {
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
    }
)
"""Property names TypeScript looks up on ``Object.prototype`` when an object lacks them.

An object literal without such a property still "has" the inherited method as far as the
checker is concerned, so an optional property of that name also admits ``Function``.
"""

_UNION, _INTER, _POSTFIX = 1, 2, 3


class Printer:
    """Prints IR types given the names of referenced types and the ``open_objects`` rule."""

    def __init__(
        self,
        names: Mapping[int, str],
        *,
        open_objects: bool,
        unconstrained: Unconstrained = "unknown",
    ) -> None:
        """``names`` maps every :class:`~typegen.ir.Ref` key in use to its type name.

        ``unconstrained`` is the text printed for a type that admits any value.
        """
        self.names = names
        self.open_objects = open_objects
        self.unconstrained = unconstrained

    def type(self, t: TsType, indent: str = "") -> str:
        """Return TypeScript source for ``t``; nested object bodies are indented from ``indent``."""
        return self._print(t, indent)[0]

    def _wrap(self, t: TsType, indent: str, minimum: int) -> str:
        text, prec = self._print(t, indent)
        return f"({text})" if prec < minimum else text

    def _print(self, t: TsType, indent: str) -> tuple[str, int]:
        if isinstance(t, Unknown):
            return self.unconstrained, _POSTFIX
        if isinstance(t, Never):
            return "never", _POSTFIX
        if isinstance(t, Prim):
            return t.kind, _POSTFIX
        if isinstance(t, BoolLit):
            return ("true" if t.value else "false"), _POSTFIX
        if isinstance(t, NumLit):
            text = number_literal(t.value)
            return text, (_INTER if text.startswith("-") else _POSTFIX)
        if isinstance(t, StrLit):
            return string_literal(t.value), _POSTFIX
        if isinstance(t, Ref):
            return self.names[t.key], _POSTFIX
        if isinstance(t, ArrayT):
            return self._wrap(t.item, indent, _POSTFIX) + "[]", _POSTFIX
        if isinstance(t, TupleT):
            parts = [
                self.type(e, indent) if i < t.required else self._wrap(e, indent, _POSTFIX) + "?"
                for i, e in enumerate(t.elements)
            ]
            if t.rest is not None:
                parts.append("..." + self._wrap(t.rest, indent, _POSTFIX) + "[]")
            return "[" + ", ".join(parts) + "]", _POSTFIX
        if isinstance(t, Union):
            members = _excluding_others(t.members)
            return " | ".join(self._wrap(m, indent, _INTER) for m in members), _UNION
        if isinstance(t, Inter):
            return " & ".join(self._wrap(m, indent, _POSTFIX) for m in t.members), _INTER
        return self._object(t, indent), _POSTFIX

    def _implicit(self, obj: ObjectT) -> TsType:
        """What a clause that says nothing about undeclared keys allows them."""
        declares = bool(obj.props) or any(c.patterns for c in obj.clauses)
        return NEVER if declares and not self.open_objects else UNKNOWN

    def _clause_index(self, clause: Clause, implicit: TsType) -> TsType:
        """A type every undeclared key's value has under ``clause``."""
        universal = [t for p, t in clause.patterns if _template(p) == "string"]
        if universal:  # a pattern matching every key constrains every key
            return intersect_all(universal)
        additional = implicit if clause.additional is None else clause.additional
        return union([additional] + [t for _, t in clause.patterns])

    def index_type(self, obj: ObjectT) -> TsType | None:
        """Return the type undeclared keys may have, ``None`` if there may be none."""
        implicit = self._implicit(obj)
        index = intersect_all(self._clause_index(c, implicit) for c in obj.clauses)
        if isinstance(index, Never):
            return None if obj.props else NEVER
        return index

    def _signatures(
        self, obj: ObjectT, index: TsType | None
    ) -> tuple[list[tuple[str, TsType, list[str]]], bool]:
        """Template literal index signatures for the patterns, and whether they cover the keys.

        Each signature is keyed by a template matching only keys its pattern matches; its type
        is the pattern's, within the string index. The second value is True when every
        undeclared key that may exist matches one of them exactly (no string index needed).
        """
        implicit = self._implicit(obj)
        found: dict[str, TsType] = {}
        sources: dict[str, list[str]] = {}
        kept: dict[str, Template] = {}
        covered = True
        for clause in obj.clauses:
            for pattern, t in clause.patterns:
                template = pattern_template(pattern)
                if template is None or template.text == "string":
                    covered = covered and template is not None
                    continue
                if template.text not in kept and any(template.may_nest(k) for k in kept.values()):
                    # TypeScript would demand the narrower signature's type fit the wider's
                    covered = False
                    continue
                kept[template.text] = template
                covered = covered and template.exact
                value = t if index is None else intersect(t, index)
                found[template.text] = intersect(found.get(template.text, UNKNOWN), value)
                sources.setdefault(template.text, []).append(pattern)
        rest = intersect_all(
            implicit if c.additional is None else c.additional for c in obj.clauses
        )
        signatures = [(text, t, sources[text]) for text, t in found.items()]
        return signatures, covered and isinstance(rest, Never)

    def _object(self, obj: ObjectT, indent: str) -> str:
        inner = indent + "  "
        lines: list[str] = []
        extra: list[str] = []
        for p in obj.props:
            text = self.type(p.type, inner)
            if not p.required and p.name in OBJECT_PROTOTYPE_MEMBERS:
                text = f"{text} | Function"
                extra.append("Function")
            if not p.required:
                extra.append("undefined")
            optional = "" if p.required else "?"
            lines.append(f"{jsdoc(p.doc, inner)}{inner}{property_key(p.name)}{optional}: {text};")
        index = self.index_type(obj)
        signatures, covered = self._signatures(obj, index)
        templates: list[str] = []
        for template, t, patterns in signatures:
            pattern_props = [
                p
                for p in obj.props
                if any(pattern_matches(pattern, p.name) is not False for pattern in patterns)
            ]
            text = self.type(union([t, *(p.type for p in pattern_props)]), inner)
            more = ["undefined"] if any(not p.required for p in pattern_props) else []
            if any(not p.required and p.name in OBJECT_PROTOTYPE_MEMBERS for p in pattern_props):
                more.append("Function")
            templates.append(f"{inner}[k: {template}]: {' | '.join([text, *more])};")
        if covered and signatures:
            lines += templates
            if not obj.props and len(templates) == 1:
                return "{ " + templates[0].strip().rstrip(";") + " }"
            return "{\n" + "\n".join(lines) + f"\n{indent}}}"
        if index is not None:
            if not isinstance(index, Unknown | Never):
                # every declared property and template signature must fit the string index
                # as TypeScript sees the printed text, so their types are spelled in it too
                index = union([index, *(p.type for p in obj.props), *(t for _, t, _ in signatures)])
            text = self.type(index, inner)
            if not isinstance(index, Unknown) and obj.props:
                text = " | ".join([text, *dict.fromkeys(extra)])
            if not obj.props and not templates:
                return f"{{ [k: string]: {text} }}"
            lines.append(f"{inner}[k: string]: {text};")
            lines += templates
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"


def _template(pattern: str) -> str | None:
    found = pattern_template(pattern)
    return None if found is None else found.text


def _excluding_others(members: tuple[TsType, ...]) -> tuple[TsType, ...]:
    """Union members with ``k?: never`` for keys other members declare and they forbid.

    TypeScript checks a fresh object literal's excess properties against the whole union
    (a key declared by any member is fine), so ``{ a: 1, b: 1 }`` passes as
    ``{ a: unknown } | { b: unknown }`` even when each member forbids the other key. Spelling
    the forbidden key out as ``b?: never`` changes no member's values and makes the check
    see it. Only members that declare properties and explicitly forbid the key get it.
    """
    objects = [m for m in members if isinstance(m, ObjectT) and m.props]
    if len(objects) < 2:
        return members
    names = dict.fromkeys(p.name for m in objects for p in m.props)
    out: list[TsType] = []
    for m in members:
        if isinstance(m, ObjectT) and m.props:
            have = {p.name for p in m.props}
            missing = [
                n for n in names if n not in have and isinstance(key_constraint(m, n), Never)
            ]
            if missing:
                m = ObjectT(m.props + tuple(Prop(n, NEVER, False) for n in missing), m.clauses)
        out.append(m)
    return tuple(out)

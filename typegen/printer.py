"""Printing IR types as TypeScript source text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from .algebra import intersect_all, union
from .ir import (
    NEVER,
    UNKNOWN,
    ArrayT,
    BoolLit,
    Inter,
    Never,
    NumLit,
    ObjectT,
    Prim,
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
from .patterns import pattern_matches, template_type

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
            return " | ".join(self._wrap(m, indent, _INTER) for m in t.members), _UNION
        if isinstance(t, Inter):
            return " & ".join(self._wrap(m, indent, _POSTFIX) for m in t.members), _INTER
        return self._object(t, indent), _POSTFIX

    def index_type(self, obj: ObjectT) -> TsType | None:
        """Return the type undeclared keys may have, ``None`` if there may be none."""
        declares = bool(obj.props) or any(c.patterns for c in obj.clauses)
        implicit = NEVER if declares and not self.open_objects else UNKNOWN
        per_clause = (
            union([implicit if c.additional is None else c.additional] + [t for _, t in c.patterns])
            for c in obj.clauses
        )
        index = intersect_all(per_clause)
        if isinstance(index, Never):
            return None if obj.props else NEVER
        return index

    def _template_signatures(self, obj: ObjectT, inner: str) -> list[str] | None:
        """Index signatures keyed by template literal types (else ``None``).

        Used for objects closed to every key except those matching literal patterns
        (``^x-``, ``_id$``, ``foo``): each such pattern is a template literal type.
        """
        clauses = [c for c in obj.clauses if c.patterns or c.additional != UNKNOWN]
        if len(set(clauses)) != 1 or not clauses[0].patterns:
            return None
        clause = clauses[0]
        declares = bool(obj.props) or bool(clause.patterns)
        implicit = NEVER if declares and not self.open_objects else UNKNOWN
        if not isinstance(implicit if clause.additional is None else clause.additional, Never):
            return None
        templates = [template_type(p) for p, _ in clause.patterns]
        lines: list[str] = []
        for (pattern, t), template in zip(clause.patterns, templates, strict=True):
            if template is None:
                return None
            matching = [p for p in obj.props if pattern_matches(pattern, p.name) is not False]
            text = self.type(union([t, *(p.type for p in matching)]), inner)
            extra = ["undefined"] if any(not p.required for p in matching) else []
            if any(not p.required and p.name in OBJECT_PROTOTYPE_MEMBERS for p in matching):
                extra.append("Function")
            lines.append(f"{inner}[k: {template}]: {' | '.join([text, *extra])};")
        return lines

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
        templates = self._template_signatures(obj, inner)
        if templates is not None:
            lines += templates
            if not obj.props and len(templates) == 1:
                return "{ " + templates[0].strip().rstrip(";") + " }"
            return "{\n" + "\n".join(lines) + f"\n{indent}}}"
        index = self.index_type(obj)
        if index is not None:
            if not isinstance(index, Unknown | Never):
                index = union([index, *(p.type for p in obj.props)])
            text = self.type(index, inner)
            if not isinstance(index, Unknown) and obj.props:
                text = " | ".join([text, *dict.fromkeys(extra)])
            if not obj.props:
                return f"{{ [k: string]: {text} }}"
            lines.append(f"{inner}[k: string]: {text};")
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"

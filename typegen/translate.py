"""Translation of one JSON Schema (draft 2020-12) into the IR, keyword by keyword.

Every keyword either narrows the type soundly or is ignored (which only widens it):

* ``type``, ``enum``/``const``, ``nullable`` (OpenAPI) pick kinds and literals; each kind
  then gets a facet from its own keywords, so ``properties`` never constrains a string.
* ``properties``/``required``/``additionalProperties``/``patternProperties``/
  ``propertyNames``/``maxProperties: 0`` build objects; ``prefixItems``/``items``/
  ``minItems``/``maxItems``/``contains`` (matches spelled as positions) and ``uniqueItems``
  (over literal positions) build arrays and tuples.
* ``$ref`` becomes a named type (``unknown`` when it does not resolve); ``$dynamicRef`` the
  union of the anchors its dynamic scope can lead to; ``allOf`` intersects; ``anyOf``
  unites; ``oneOf`` unites branches that exclude each other; ``if``/``then``/``else``
  becomes ``(if & then) | (else & not if)``; ``not`` keeps what its subschema rejects
  (:meth:`Translator._complement`); ``dependentSchemas``/``dependentRequired`` become
  "absent, or present and satisfied".
* ``unevaluatedProperties``/``unevaluatedItems`` next to in-place applicators apply per
  alternative: one for each way the applicators can pass, with what it evaluated.
* Numeric, length and pattern assertions on values and unknown keywords are not
  expressible and are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations, product
from typing import Any

from .algebra import (
    clause_constraint,
    intersect,
    intersect_all,
    make_object,
    make_tuple,
    union,
)
from .cycles import top_refs
from .errors import SchemaError
from .ir import (
    ALL_KINDS,
    BOOLEAN,
    NEVER,
    NULL,
    NUMBER,
    STRING,
    UNKNOWN,
    ArrayT,
    BoolLit,
    Clause,
    Inter,
    Kind,
    Never,
    NumLit,
    ObjectT,
    Prop,
    Ref,
    StrLit,
    TsType,
    TupleT,
    Union,
    all_refs,
    kind_of,
    num_lit,
    size,
)
from .jsdoc import schema_doc
from .keywords import (
    ARRAY_KEYWORDS,
    IN_PLACE_APPLICATORS,
    NEUTRAL_KEYWORDS,
    NUMBER_KEYWORDS,
    OBJECT_KEYWORDS,
    STRING_KEYWORDS,
)
from .patterns import exact_key, pattern_matches
from .refs import Document, Path, format_path

__all__ = ["Translator", "literal_type"]

NodeFor = Callable[[Path], int]
"""Callback giving the node key of the named type for a location (registering it if new)."""

_PSEUDO_ORDER = ("object", "array", "string", "number", "true", "false", "null")
_PSEUDO_KINDS = frozenset(_PSEUDO_ORDER)
_MAX_DEPTH = 64
_UNRESOLVED = object()
"""Stands for the target of a reference that does not resolve: it may do anything."""
_MAX_EXPAND = 8
_TOPS: dict[Kind, TsType] = {
    "object": ObjectT((), (Clause((), None),)),
    "array": ArrayT(UNKNOWN),
    "string": STRING,
    "number": NUMBER,
    "boolean": BOOLEAN,
    "null": NULL,
}


_KIND_KEYWORDS: tuple[tuple[frozenset[str], Kind], ...] = (
    (STRING_KEYWORDS, "string"),
    (NUMBER_KEYWORDS, "number"),
    (ARRAY_KEYWORDS, "array"),
    (OBJECT_KEYWORDS, "object"),
)


def _tops(pseudo: Iterable[str]) -> TsType:
    """The union of every value of the given pseudo-kinds (``true``/``false`` separate)."""
    wanted = set(pseudo)
    members: list[TsType] = []
    for k in _PSEUDO_ORDER:
        if k not in wanted:
            continue
        if k in ("true", "false"):
            members.append(BoolLit(k == "true"))
        else:
            members.append(_TOPS[k])  # type: ignore[index]
    return union(members)


def _trivial(key: str, value: Any) -> bool:
    """True if assertion keyword ``key`` with ``value`` accepts every instance."""
    if key in ("minLength", "minItems", "minProperties", "minContains"):
        return bool(value == 0)
    if key == "uniqueItems":
        return value is False
    if key == "required":
        return bool(value == [])
    if key in (
        "items",
        "additionalItems",
        "additionalProperties",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    ):
        return value is True or value == {}
    if key in ("properties", "patternProperties", "dependentSchemas"):
        return isinstance(value, dict) and all(v is True or v == {} for v in value.values())
    if key == "prefixItems":
        return isinstance(value, list) and all(v is True or v == {} for v in value)
    if key == "dependentRequired":
        return isinstance(value, dict) and all(v == [] for v in value.values())
    return False


def literal_type(value: Any) -> TsType:
    """Return the type whose only value is the JSON value ``value``."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BoolLit(value)
    if isinstance(value, int | float):
        return num_lit(value)
    if isinstance(value, str):
        return StrLit(value)
    if isinstance(value, list):
        return make_tuple((literal_type(v) for v in value), len(value), len(value), None)
    if isinstance(value, dict):
        props = (Prop(str(k), literal_type(v), True) for k, v in value.items())
        return make_object(props, (Clause((), NEVER),))
    return UNKNOWN


def _type_kinds(value: Any) -> tuple[list[Kind], bool] | None:
    """Kinds named by a ``type`` keyword and whether numbers must be integers (None: ignore)."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return None
    kinds: list[Kind] = []
    for n in names:
        kind = next((k for k in ALL_KINDS if k == ("number" if n == "integer" else n)), None)
        if kind is None:
            return None
        if kind not in kinds:
            kinds.append(kind)
    return kinds, "integer" in names and "number" not in names


def _non_negative_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if value >= 0 else None


_MAX_DISTINCT = 64
"""Tuples of literal positions are spelled out for ``uniqueItems`` up to this many."""


def _literals(t: TsType) -> list[TsType] | None:
    """The values of a finite type of JSON literals, one type each (else ``None``)."""
    if t == BOOLEAN:
        return [BoolLit(True), BoolLit(False)]
    if isinstance(t, BoolLit | StrLit | NumLit) or t == NULL:
        return [t]
    if isinstance(t, Union):
        found: list[TsType] = []
        for member in t.members:
            values = _literals(member)
            if values is None:
                return None
            found += values
        return found
    return None


def _distinct(arrays: TsType) -> TsType:
    """``uniqueItems`` for tuples whose positions hold few literals: equal pairs removed.

    Items past the positions (a rest type) stay unconstrained, which is wider, not wrong.
    """
    if not isinstance(arrays, TupleT):
        return arrays
    choices = [_literals(e) for e in arrays.elements]
    if any(c is None for c in choices):
        return arrays
    members: list[TsType] = []
    for length in range(arrays.required, len(arrays.elements) + 1):
        rest = arrays.rest if length == len(arrays.elements) else None
        for picked in product(*(c or () for c in choices[:length])):
            if len(set(picked)) == length:
                members.append(TupleT(tuple(picked), length, rest))
            if len(members) > _MAX_DISTINCT:
                return arrays
    return union(members)


def _branches(schema: dict[str, Any], key: str) -> list[Any]:
    value = schema.get(key)
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Seen:
    """What a successful evaluation may have evaluated (an over-approximation).

    ``names``/``patterns``: properties declared or matched (``names=None``: every one);
    ``prefix``: leading items (``None``: every item); ``contains``: items matching these.
    """

    names: tuple[str, ...] | None
    patterns: tuple[str, ...]
    prefix: int | None
    contains: tuple[TsType, ...]

    def __or__(self, other: Seen) -> Seen:
        names = (
            None
            if self.names is None or other.names is None
            else tuple(dict.fromkeys(self.names + other.names))
        )
        patterns = () if names is None else tuple(dict.fromkeys(self.patterns + other.patterns))
        prefix = (
            None if self.prefix is None or other.prefix is None else max(self.prefix, other.prefix)
        )
        contains = () if prefix is None else tuple(dict.fromkeys(self.contains + other.contains))
        return Seen(names, patterns, prefix, contains)

    def all_keys(self) -> Seen:
        return Seen(None, (), self.prefix, self.contains)

    def all_items(self) -> Seen:
        return Seen(self.names, self.patterns, None, ())


_NOTHING = Seen((), (), 0, ())
_EVERYTHING = Seen(None, (), None, ())
Alt = tuple[TsType, Seen]
"""One alternative: a type, and what an instance of it was evaluated by."""
_MAX_ALTS = 32
"""Alternatives kept at most; past that they are merged into one (still sound)."""
_MAX_ANY_OF = 4
"""``anyOf`` branches whose every non-empty subset is an alternative; past that, merged."""
_CONTAINS_POSITIONS = 5
"""``contains`` matches are spelled as tuple positions among this many leading items."""
_MAX_SIZE = 1000
"""IR nodes a precise form may take (alternatives, exclusive branches) before the plain,
wider one is used: large unions of intersections make the checker slow."""


def _merged(alts: list[Alt]) -> Alt:
    seen = _NOTHING
    for _, s in alts:
        seen = seen | s
    return union(t for t, _ in alts), seen


def _product(factors: list[list[Alt]]) -> list[Alt]:
    """Every combination of one alternative per factor (all of them hold at once)."""
    alts: list[Alt] = [(UNKNOWN, _NOTHING)]
    for factor in factors:
        combined = [(intersect(a, b), sa | sb) for a, sa in alts for b, sb in factor]
        alts = [alt for alt in dict.fromkeys(combined) if not isinstance(alt[0], Never)]
        if len(alts) > _MAX_ALTS:
            alts = [_merged(alts)]
    return alts


def _some_of(branches: list[list[Alt]]) -> list[Alt]:
    """``anyOf``: the branches that pass form a non-empty set, and all their annotations count."""
    if len(branches) > _MAX_ANY_OF:
        return [_merged([alt for alts in branches for alt in alts])]
    found: list[Alt] = []
    for mask in range(1, 1 << len(branches)):
        found += _product([b for i, b in enumerate(branches) if mask >> i & 1])
    return found if len(found) <= _MAX_ALTS else [_merged(found)]


def _closed_keys(seen: Seen, rest: TsType) -> TsType:
    """Objects whose keys not in ``seen`` have type ``rest`` (any other kind passes)."""
    if seen.names is None:
        return UNKNOWN
    props = tuple(Prop(n, UNKNOWN, False) for n in seen.names)
    clause = Clause(tuple((p, UNKNOWN) for p in seen.patterns), rest)
    return union([ObjectT(props, (clause,)), *(_TOPS[k] for k in ALL_KINDS if k != "object")])


def _closed_items(seen: Seen, rest: TsType) -> TsType:
    """Arrays whose items not in ``seen`` have type ``rest`` (any other kind passes)."""
    if seen.prefix is None:
        return UNKNOWN
    arrays = make_tuple([UNKNOWN] * seen.prefix, 0, None, union([*seen.contains, rest]))
    return union([arrays, *(_TOPS[k] for k in ALL_KINDS if k != "array")])


class Translator:
    """Translates the schemas of one :class:`~typegen.refs.Document` into IR types."""

    def __init__(self, doc: Document, node_for: NodeFor) -> None:
        """``node_for`` is asked for the named type of every ``$ref`` target."""
        self.doc = doc
        self._node_for = node_for
        self._memo: dict[Path, TsType] = {}
        self._active: set[Path] = set()
        self._alt_active: set[Path] = set()
        self._targets: dict[int, Path] = {}

    # ------------------------------------------------------------------ entry point

    def translate(self, path: Path) -> TsType:
        """Return the type of the subschema at ``path``."""
        return self._schema(self.doc.at(path), path)

    def _schema(self, schema: Any, path: Path) -> TsType:
        if schema is True:
            return UNKNOWN
        if schema is False:
            return NEVER
        if not isinstance(schema, dict):
            raise SchemaError(
                f"schema at {format_path(path)} must be an object or a boolean, "
                f"not {type(schema).__name__}"
            )
        cached = self._memo.get(path)
        if cached is not None:
            return cached
        self._active.add(path)
        try:
            result = self._parts(schema, path)
        finally:
            self._active.discard(path)
        self._memo[path] = result
        return result

    def ref_targets(self, schema: Any, path: Path) -> list[list[Path] | None]:
        """Where the schema's ``$ref`` and ``$dynamicRef`` lead (``None``: not resolved)."""
        if not isinstance(schema, dict):
            return []
        found: list[list[Path] | None] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.doc.try_resolve(ref, path)
            found.append(None if target is None else [target])
        dynamic = schema.get("$dynamicRef")
        if isinstance(dynamic, str):
            found.append(self.doc.dynamic_targets(dynamic, path))
        return found

    def ref_notes(self, schema: Any, path: Path) -> tuple[str, ...]:
        """JSDoc lines for references of ``schema`` that do not resolve (widened to any value)."""
        if not isinstance(schema, dict):
            return ()
        notes: list[str] = []
        for key in ("$ref", "$dynamicRef"):
            ref = schema.get(key)
            if isinstance(ref, str) and self.doc.try_resolve(ref, path) is None:
                notes.append(f"{key} {ref} is not in this document: any value is accepted for it")
        return tuple(notes)

    def _ref(self, target: Path) -> TsType:
        node = self._node_for(target)
        self._targets[node] = target
        return Ref(node)

    def _parts(self, schema: dict[str, Any], path: Path) -> TsType:
        if (
            "unevaluatedProperties" in schema or "unevaluatedItems" in schema
        ) and IN_PLACE_APPLICATORS & schema.keys():
            self._alt_active.add(path)
            try:
                alts = self._alternatives(schema, path, 0)
            finally:
                self._alt_active.discard(path)
            precise = union(t for t, _ in alts)
            if size(precise, _MAX_SIZE) <= _MAX_SIZE:
                return precise
            # too costly to spell out: the plain translation, closed to what any
            # alternative may evaluate
            seen = _merged(alts)[1] if alts else _NOTHING
            closed = [self._combined(schema, path)]
            if "unevaluatedProperties" in schema:
                rest = self._schema(
                    schema["unevaluatedProperties"], (*path, "unevaluatedProperties")
                )
                closed.append(_closed_keys(seen, rest))
            if "unevaluatedItems" in schema:
                rest = self._schema(schema["unevaluatedItems"], (*path, "unevaluatedItems"))
                closed.append(_closed_items(seen, rest))
            return intersect_all(closed)
        return self._combined(schema, path)

    def _combined(self, schema: dict[str, Any], path: Path) -> TsType:
        """The schema's keywords and applicators intersected (unevaluated* aside)."""
        parts: list[TsType] = []
        for targets in self.ref_targets(schema, path):
            if targets is not None:
                parts.append(union(self._ref(target) for target in targets))
        parts.append(self._base(schema, path))
        for key in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(key)
            if not isinstance(branches, list) or not branches:
                continue
            types = [self._schema(b, (*path, key, i)) for i, b in enumerate(branches)]
            if key == "allOf":
                parts.append(intersect_all(types))
                continue
            if key == "oneOf":
                types = self._exclusive(branches, types, path)
            parts.append(union(types))
        parts.append(self._one_of_kinds(schema, path))
        if "not" in schema:
            parts.append(self._complement(schema["not"], (*path, "not"), 0))
        if "if" in schema and ("then" in schema or "else" in schema):
            cond = self._schema(schema["if"], (*path, "if"))
            then = self._schema(schema.get("then", True), (*path, "then"))
            other = self._schema(schema.get("else", True), (*path, "else"))
            always = self._covered(schema["if"], (*path, "if"), 0)
            other = intersect(other, _tops(_PSEUDO_KINDS - always))
            other = intersect(other, self._complement(schema["if"], (*path, "if"), 0))
            parts.append(union([intersect(cond, then), other]))
        parts.extend(self._dependencies(schema, path))
        concrete = [p for p in parts if p != UNKNOWN]
        if len(concrete) > 1 and any(top_refs(p) for p in concrete):
            concrete = [self._expand(p, 0) for p in concrete]
        return intersect_all(concrete)

    def _expand(self, t: TsType, depth: int) -> TsType:
        """Inline named types met at the top of ``t`` so intersections can merge them."""
        if isinstance(t, Ref):
            target = self._targets.get(t.key)
            if target is None or target in self._active or depth > _MAX_EXPAND:
                return t
            return self._expand(self._schema(self.doc.at(target), target), depth + 1)
        if isinstance(t, Union):
            return union(self._expand(m, depth) for m in t.members)
        if isinstance(t, Inter):
            return intersect_all(self._expand(m, depth) for m in t.members)
        return t

    def _exclusive(self, branches: list[Any], types: list[TsType], path: Path) -> list[TsType]:
        """``oneOf`` branches, each outside the others (a value valid for two is invalid).

        Applied to inline branches only, while few: named types (a pydantic union of
        models) keep reading as a union of names.
        """
        if not 2 <= len(types) <= _MAX_ANY_OF or any(top_refs(t) for t in types):
            return types
        outside = [self._complement(b, (*path, "oneOf", i), 0) for i, b in enumerate(branches)]
        if all(c == UNKNOWN for c in outside):
            return types
        exclusive = [
            intersect_all([t, *(c for j, c in enumerate(outside) if j != i)])
            for i, t in enumerate(types)
        ]
        costly = size(union(exclusive), _MAX_SIZE) > max(_MAX_SIZE, 2 * size(union(types)))
        return types if costly else exclusive

    def _complement(self, schema: Any, path: Path, depth: int) -> TsType:
        """A type holding every value ``schema`` rejects (and maybe some it accepts).

        A schema is the conjunction of its keywords, so what it rejects is the union of what
        each keyword rejects: ``type`` the other kinds, ``required`` objects missing a key,
        ``properties`` objects whose property has a rejected value, ``const``/``enum`` the
        kinds they do not cover; an assertion on one kind, that kind. Applicators are not
        followed (any value: ``unknown``), except ``$ref``.
        """
        if schema is True:
            return NEVER
        if not isinstance(schema, dict) or depth > _MAX_EXPAND:
            return UNKNOWN
        parts: list[TsType] = []
        neutral = (Clause((), UNKNOWN),)
        for key, value in schema.items():
            if key in NEUTRAL_KEYWORDS or key == "nullable" or _trivial(key, value):
                continue
            if key == "type":
                declared = _type_kinds(value)
                if declared is not None:
                    named, integer_only = declared
                    names = {"object", "array", "string", "null"} & set(named)
                    if "boolean" in named:
                        names |= {"true", "false"}
                    if "number" in named and not integer_only:
                        names.add("number")
                    parts.append(_tops(_PSEUDO_KINDS - names))
            elif key == "required" and isinstance(value, list):
                parts += [
                    ObjectT((Prop(r, NEVER, False),), neutral) for r in value if isinstance(r, str)
                ]
            elif key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    rejected = self._complement(sub, (*path, key, name), depth + 1)
                    parts.append(make_object((Prop(name, rejected, True),), neutral))
            elif key in ("const", "enum"):
                values = value if key == "enum" and isinstance(value, list) else [value]
                covered = {"null"} if any(v is None for v in values) else set()
                covered |= {str(v).lower() for v in values if isinstance(v, bool)}
                parts.append(_tops(_PSEUDO_KINDS - covered))
            elif key == "$ref" and isinstance(value, str):
                target = self.doc.try_resolve(value, path)
                if target is None:
                    return UNKNOWN
                parts.append(self._complement(self.doc.at(target), target, depth + 1))
            elif key in ("if", "then", "else"):
                if "if" in schema and ("then" in schema or "else" in schema):
                    return UNKNOWN
            elif key in IN_PLACE_APPLICATORS or key == "$recursiveRef":
                return UNKNOWN
            else:
                for keywords, kind in _KIND_KEYWORDS:
                    if key in keywords:
                        parts.append(_TOPS[kind])
        return union(parts)

    def _one_of_kinds(self, schema: dict[str, Any], path: Path) -> TsType:
        """The kinds ``oneOf`` can accept: not those two branches accept entirely."""
        branches = _branches(schema, "oneOf")
        seen: set[str] = set()
        twice: set[str] = set()
        for i, b in enumerate(branches):
            covered = self._covered(b, (*path, "oneOf", i), 0)
            twice |= seen & covered
            seen |= covered
        return _tops(_PSEUDO_KINDS - twice) if twice else UNKNOWN

    def _dependencies(
        self, schema: dict[str, Any], path: Path, *, schemas: bool = True
    ) -> list[TsType]:
        """``dependentSchemas``/``dependentRequired`` (and draft-07 ``dependencies``).

        Each becomes "the key is absent, or it is present and the dependency holds";
        ``schemas=False`` leaves ``dependentSchemas`` out (handled as alternatives).
        """
        found: list[tuple[str, Any, Path]] = []
        keywords = ("dependentSchemas", "dependentRequired", "dependencies")
        for keyword in keywords if schemas else keywords[1:]:
            deps = schema.get(keyword)
            if isinstance(deps, dict):
                found += [(k, v, (*path, keyword, k)) for k, v in deps.items()]
        parts: list[TsType] = []
        neutral = (Clause((), UNKNOWN),)
        others = [_TOPS[k] for k in ALL_KINDS if k != "object"]
        for name, dep, dep_path in found:
            absent = ObjectT((Prop(name, NEVER, False),), neutral)
            if isinstance(dep, list):
                names = [name, *(n for n in dep if isinstance(n, str))]
                present: TsType = ObjectT(
                    tuple(Prop(n, UNKNOWN, True) for n in dict.fromkeys(names)), neutral
                )
            elif isinstance(dep, dict | bool):
                present = intersect(
                    ObjectT((Prop(name, UNKNOWN, True),), neutral), self._schema(dep, dep_path)
                )
            else:
                continue
            parts.append(union([absent, present, *others]))
        return parts

    # ----------------------------------------------------------------- kinds/literals

    def _base(self, schema: dict[str, Any], path: Path) -> TsType:
        declared = _type_kinds(schema.get("type"))
        kinds, integer_only = declared if declared else (list(ALL_KINDS), False)
        excluded = self._covered(schema["not"], (*path, "not"), 0) if "not" in schema else set()
        facets: list[TsType] = []
        for kind in kinds:
            if kind == "boolean":
                bools = [BoolLit(v) for v in (True, False) if str(v).lower() not in excluded]
                facets.append(BOOLEAN if len(bools) == 2 else union(bools))
            elif kind not in excluded:
                facets.append(self._facet(kind, schema, path))
        base = union(facets)
        if "enum" in schema or "const" in schema:
            base = intersect(self._literals(schema, integer_only), base)
        if schema.get("nullable") is True:
            base = union([base, NULL])
        return base

    def _literals(self, schema: dict[str, Any], integer_only: bool) -> TsType:
        values: list[Any] | None = None
        if "const" in schema:
            values = [schema["const"]]
        enum = schema.get("enum")
        if isinstance(enum, list):
            lits = {literal_type(v) for v in enum}
            values = enum if values is None else [v for v in values if literal_type(v) in lits]
        if values is None:
            return UNKNOWN
        types = [literal_type(v) for v in values]
        if integer_only:
            types = [
                t
                for t, v in zip(types, values, strict=True)
                if not (isinstance(v, float) and v.is_integer() is False)
            ]
        return union(types)

    def _facet(self, kind: Kind, schema: dict[str, Any], path: Path) -> TsType:
        if kind == "null":
            return NULL
        if kind == "number":
            return NUMBER
        if kind == "string":
            return StrLit("") if _non_negative_int(schema.get("maxLength")) == 0 else STRING
        if kind == "array":
            return self._array(schema, path)
        return self._object(schema, path)

    # ------------------------------------------------------------------------- arrays

    def _array(self, schema: dict[str, Any], path: Path) -> TsType:
        items = schema.get("items")
        prefix: list[TsType] = []
        rest: TsType | None = UNKNOWN
        contains = (
            self._schema(schema["contains"], (*path, "contains")) if "contains" in schema else None
        )
        unevaluated: TsType | None = None
        if "unevaluatedItems" in schema and not IN_PLACE_APPLICATORS & schema.keys():
            # every item not evaluated otherwise must match contains or unevaluatedItems
            unevaluated = self._schema(schema["unevaluatedItems"], (*path, "unevaluatedItems"))
            if contains is not None:
                unevaluated = union([contains, unevaluated])
        if isinstance(items, list):  # draft 2019-09 and older: items array + additionalItems
            prefix = [self._schema(s, (*path, "items", i)) for i, s in enumerate(items)]
            if "additionalItems" in schema:
                rest = self._schema(schema["additionalItems"], (*path, "additionalItems"))
            elif unevaluated is not None:
                rest = unevaluated
        else:
            pre = schema.get("prefixItems")
            if isinstance(pre, list):
                prefix = [self._schema(s, (*path, "prefixItems", i)) for i, s in enumerate(pre)]
            if "items" in schema:
                rest = self._schema(items, (*path, "items"))
            elif unevaluated is not None:
                rest = unevaluated
        min_items = _non_negative_int(schema.get("minItems")) or 0
        max_items = _non_negative_int(schema.get("maxItems"))
        if contains is None:
            arrays = make_tuple(prefix, min_items, max_items, rest)
            return _distinct(arrays) if schema.get("uniqueItems") is True else arrays
        least = _non_negative_int(schema.get("minContains", 1))
        least = 1 if least is None else least
        most = _non_negative_int(schema.get("maxContains"))
        if most is not None and most < least:
            return NEVER
        if least == 0:
            return make_tuple(prefix, min_items, max_items, rest)
        if contains == NEVER:
            return NEVER
        min_items = max(min_items, least)  # each match is an element
        if contains == UNKNOWN or least > _CONTAINS_POSITIONS or all_refs(contains):
            # named (maybe recursive) types at every position are costly for the checker
            return make_tuple(prefix, min_items, max_items, rest)
        return self._containing(prefix, rest, min_items, max_items, contains, least)

    @staticmethod
    def _containing(
        prefix: list[TsType],
        rest: TsType | None,
        min_items: int,
        max_items: int | None,
        contains: TsType,
        least: int,
    ) -> TsType:
        """Arrays with ``least`` matches of ``contains``: spelled by position among the first
        :data:`_CONTAINS_POSITIONS`, any longer array admitted as it is (a match may lie past
        them), so every valid array fits one member and short arrays without the matches
        fit none."""
        members: list[TsType] = []
        for chosen in combinations(range(_CONTAINS_POSITIONS), least):
            length = chosen[-1] + 1
            elements: list[TsType] = []
            for i in range(max(length, len(prefix))):
                t = prefix[i] if i < len(prefix) else (NEVER if rest is None else rest)
                elements.append(intersect(t, contains) if i in chosen else t)
            members.append(make_tuple(elements, max(min_items, length), max_items, rest))
        longer = max(min_items, _CONTAINS_POSITIONS + 1)
        members.append(make_tuple(prefix, longer, max_items, rest))
        spelled = union(members)
        if size(spelled, _MAX_SIZE) > _MAX_SIZE:  # large items repeated at every position
            return make_tuple(prefix, min_items, max_items, rest)
        return spelled

    # ------------------------------------------------------------------------ objects

    def _object(self, schema: dict[str, Any], path: Path) -> TsType:
        declared = schema.get("properties")
        declared = declared if isinstance(declared, dict) else {}
        pats = schema.get("patternProperties")
        patterns = tuple(
            (p, self._schema(s, (*path, "patternProperties", p)))
            for p, s in (pats.items() if isinstance(pats, dict) else ())
        )
        additional: TsType | None = None
        if "additionalProperties" in schema:
            additional = self._schema(
                schema["additionalProperties"], (*path, "additionalProperties")
            )
        elif "unevaluatedProperties" in schema and not IN_PLACE_APPLICATORS & schema.keys():
            additional = self._schema(
                schema["unevaluatedProperties"], (*path, "unevaluatedProperties")
            )
        exact = {k: None for k in (exact_key(p) for p, _ in patterns) if k is not None}
        patterns = tuple(p for p in patterns if exact_key(p[0]) is None)
        clause = Clause(patterns, additional)
        required = schema.get("required")
        required = [r for r in required if isinstance(r, str)] if isinstance(required, list) else []
        props: list[Prop] = []
        for name in [*declared, *(k for k in exact if k not in declared)]:
            sub = declared.get(name, True)
            t = self._schema(sub, (*path, "properties", name)) if name in declared else UNKNOWN
            for pattern, pt in pats.items() if isinstance(pats, dict) else ():
                if pattern_matches(pattern, name) or exact_key(pattern) == name:
                    t = intersect(t, self._schema(pt, (*path, "patternProperties", pattern)))
            doc = schema_doc(sub, name) + self.ref_notes(sub, (*path, "properties", name))
            props.append(Prop(name, t, name in required, doc))
        for name in dict.fromkeys(required):
            if name not in declared and name not in exact:
                props.append(Prop(name, clause_constraint(clause, name), True))
        obj = make_object(props, (clause,))
        names = self._property_names(schema, path)
        if names is not None:
            obj = intersect(obj, names)
        return obj

    def _property_names(self, schema: dict[str, Any], path: Path) -> TsType | None:
        """The restriction ``propertyNames`` / ``maxProperties: 0`` put on keys, if any."""
        closed = Clause((), NEVER)
        if _non_negative_int(schema.get("maxProperties")) == 0:
            return ObjectT((), (closed,))
        if "propertyNames" not in schema:
            return None
        names = self._schema(schema["propertyNames"], (*path, "propertyNames"))
        if names == NEVER:
            return ObjectT((), (closed,))
        members = names.members if isinstance(names, Union) else (names,)
        strings = [m for m in members if kind_of(m) in (None, "string")]
        if not strings:
            return ObjectT((), (closed,))
        if all(isinstance(m, StrLit) for m in strings):
            keys = (m.value for m in strings if isinstance(m, StrLit))
            return ObjectT(tuple(Prop(k, UNKNOWN, False) for k in keys), (closed,))
        return None

    # -------------------------------------------------------------------- unevaluated
    #
    # ``unevaluatedProperties``/``unevaluatedItems`` constrain what no successful in-place
    # subschema evaluated, and which did depends on which branches passed. The schema is
    # split into alternatives, one per choice of branches (each ``oneOf`` branch, each
    # non-empty set of ``anyOf`` branches, ``if`` passing or not, each dependency present or
    # not), each with its type and an over-approximation of what it evaluates; the
    # unevaluated constraint then applies alternative by alternative.

    def _alternatives(self, schema: dict[str, Any], path: Path, depth: int) -> list[Alt]:
        """The alternatives of a schema with in-place applicators, its own keywords included."""
        own = intersect_all(
            [
                self._base(schema, path),
                *self._dependencies(schema, path, schemas=False),
                self._one_of_kinds(schema, path),
            ]
        )
        factors: list[list[Alt]] = [[(own, self._own_seen(schema, path, closing=False))]]
        for targets in self.ref_targets(schema, path):
            if targets is None:
                factors.append([(UNKNOWN, _EVERYTHING)])
            else:
                found: list[Alt] = []
                for target in targets:
                    found += self._sub_alternatives(self.doc.at(target), target, depth, ref=True)
                factors.append(found)
        for i, branch in enumerate(_branches(schema, "allOf")):
            factors.append(self._sub_alternatives(branch, (*path, "allOf", i), depth))
        any_of = [
            self._sub_alternatives(b, (*path, "anyOf", i), depth)
            for i, b in enumerate(_branches(schema, "anyOf"))
        ]
        if any_of:
            factors.append(_some_of(any_of))
        one_of = [
            alt
            for i, b in enumerate(_branches(schema, "oneOf"))
            for alt in self._sub_alternatives(b, (*path, "oneOf", i), depth)
        ]
        if _branches(schema, "oneOf"):
            factors.append(one_of)
        if "if" in schema:
            factors.append(self._conditional(schema, path, depth))
        deps = schema.get("dependentSchemas")
        for key, dep in deps.items() if isinstance(deps, dict) else ():
            factors.append(self._dependent(key, dep, (*path, "dependentSchemas", key), depth))
        return self._close(schema, path, _product(factors))

    def _sub_alternatives(
        self, schema: Any, path: Path, depth: int, *, ref: bool = False
    ) -> list[Alt]:
        """The alternatives of an in-place subschema (one, unless it has applicators itself)."""
        if schema is True:
            return [(UNKNOWN, _NOTHING)]
        if schema is False:
            return []
        if ref and (path in self._active or path in self._alt_active or depth > _MAX_DEPTH):
            return [(self._ref(path), _EVERYTHING)]
        if not isinstance(schema, dict) or not IN_PLACE_APPLICATORS & schema.keys():
            return [(self._schema(schema, path), self._own_seen(schema, path, closing=True))]
        if depth > _MAX_DEPTH:
            return [(self._schema(schema, path), _EVERYTHING)]
        self._alt_active.add(path)
        try:
            return self._alternatives(schema, path, depth + 1)
        finally:
            self._alt_active.discard(path)

    def _own_seen(self, schema: Any, path: Path, *, closing: bool) -> Seen:
        """What the schema's own keywords evaluate (``closing``: its unevaluated* too)."""
        if not isinstance(schema, dict):
            return _NOTHING
        declared = schema.get("properties")
        pats = schema.get("patternProperties")
        names: tuple[str, ...] | None = tuple(declared) if isinstance(declared, dict) else ()
        patterns = tuple(p for p in pats if isinstance(p, str)) if isinstance(pats, dict) else ()
        if "additionalProperties" in schema or (closing and "unevaluatedProperties" in schema):
            names, patterns = None, ()
        items = schema.get("items")
        prefix = schema.get("prefixItems") if not isinstance(items, list) else items
        count: int | None = len(prefix) if isinstance(prefix, list) else 0
        everything = "additionalItems" in schema if isinstance(items, list) else "items" in schema
        if everything or (closing and "unevaluatedItems" in schema):
            count = None
        contains: tuple[TsType, ...] = ()
        if "contains" in schema and count is not None:
            contains = (self._schema(schema["contains"], (*path, "contains")),)
        return Seen(names, patterns, count, contains)

    def _close(self, schema: dict[str, Any], path: Path, alts: list[Alt]) -> list[Alt]:
        """Apply the schema's own unevaluated* keywords to each alternative."""
        if "unevaluatedProperties" in schema:
            rest = self._schema(schema["unevaluatedProperties"], (*path, "unevaluatedProperties"))
            alts = [(intersect(t, _closed_keys(seen, rest)), seen.all_keys()) for t, seen in alts]
        if "unevaluatedItems" in schema:
            rest = self._schema(schema["unevaluatedItems"], (*path, "unevaluatedItems"))
            alts = [(intersect(t, _closed_items(seen, rest)), seen.all_items()) for t, seen in alts]
        return [alt for alt in dict.fromkeys(alts) if not isinstance(alt[0], Never)]

    def _conditional(self, schema: dict[str, Any], path: Path, depth: int) -> list[Alt]:
        """``if`` passing (its annotations kept, ``then`` applies) or failing (``else``)."""
        passing = self._sub_alternatives(schema["if"], (*path, "if"), depth)
        then = self._sub_alternatives(schema.get("then", True), (*path, "then"), depth)
        other = self._sub_alternatives(schema.get("else", True), (*path, "else"), depth)
        mask = _tops(_PSEUDO_KINDS - self._covered(schema["if"], (*path, "if"), 0))
        alts = [(intersect(a, b), sa | sb) for a, sa in passing for b, sb in then]
        alts += [(intersect(e, mask), se) for e, se in other]
        return alts

    def _dependent(self, key: str, dep: Any, path: Path, depth: int) -> list[Alt]:
        """``key`` absent (nothing evaluated), or present and its dependent schema applied."""
        neutral = (Clause((), UNKNOWN),)
        others = [_TOPS[k] for k in ALL_KINDS if k != "object"]
        absent = union([ObjectT((Prop(key, NEVER, False),), neutral), *others])
        present = ObjectT((Prop(key, UNKNOWN, True),), neutral)
        alts: list[Alt] = [(absent, _NOTHING)]
        alts += [(intersect(present, t), s) for t, s in self._sub_alternatives(dep, path, depth)]
        return alts

    # ---------------------------------------------------------------------------- not

    def _covered(self, schema: Any, path: Path, depth: int) -> set[str]:
        """Pseudo-kinds (``true``/``false`` split) all of whose values ``schema`` accepts."""
        if schema is True:
            return set(_PSEUDO_KINDS)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return set()
        result = set(_PSEUDO_KINDS)
        for key, value in schema.items():
            if key in NEUTRAL_KEYWORDS or _trivial(key, value):
                continue
            if key == "type":
                declared = _type_kinds(value)
                if declared is None:
                    return set()
                names = {"object", "array", "string", "null"} & set(declared[0])
                if "boolean" in declared[0]:
                    names |= {"true", "false"}
                if "number" in declared[0] and not declared[1]:
                    names.add("number")
                result &= names
            elif key in ("enum", "const"):
                values = value if key == "enum" and isinstance(value, list) else [value]
                names = {"null"} if any(v is None for v in values) else set()
                names |= {str(v).lower() for v in values if isinstance(v, bool)}
                result &= names
            elif key == "$ref" and isinstance(value, str):
                target = self.doc.try_resolve(value, path)
                if target is None:
                    return set()
                result &= self._covered(self.doc.at(target), target, depth + 1)
            elif key == "allOf" and isinstance(value, list):
                for i, sub in enumerate(value):
                    result &= self._covered(sub, (*path, key, i), depth + 1)
            elif key == "anyOf" and isinstance(value, list):
                covered: set[str] = set()
                for i, sub in enumerate(value):
                    covered |= self._covered(sub, (*path, key, i), depth + 1)
                result &= covered
            elif key in STRING_KEYWORDS:
                result.discard("string")
            elif key in NUMBER_KEYWORDS:
                result.discard("number")
            elif key in ARRAY_KEYWORDS:
                result.discard("array")
            elif key in OBJECT_KEYWORDS:
                result.discard("object")
            elif key in ("then", "else", "if"):
                if "if" in schema and ("then" in schema or "else" in schema):
                    return set()
            elif key in IN_PLACE_APPLICATORS or key == "nullable":
                return set()
        return result

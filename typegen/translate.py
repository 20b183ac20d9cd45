"""Translation of one JSON Schema (draft 2020-12) into the IR, keyword by keyword.

Every keyword either narrows the type soundly or is ignored (which only widens it):

* ``type``, ``enum``/``const``, ``nullable`` (OpenAPI) pick kinds and literals; each kind
  then gets a facet from its own keywords, so ``properties`` never constrains a string.
* ``properties``/``required``/``additionalProperties``/``patternProperties``/
  ``propertyNames``/``maxProperties: 0`` build objects; ``prefixItems``/``items``/
  ``minItems``/``maxItems``/``contains: false`` build arrays and tuples.
* ``$ref`` becomes a named type; ``allOf`` intersects; ``anyOf``/``oneOf`` unite;
  ``if``/``then``/``else`` becomes ``(if & then) | else``; ``not`` removes the kinds (and
  ``null``/``true``/``false``) its subschema accepts entirely; ``unevaluatedProperties`` and
  ``unevaluatedItems`` apply to keys/positions that no in-place subschema could evaluate.
* ``$dynamicRef``, ``dependentSchemas``, ``dependentRequired``, ``uniqueItems``, numeric,
  length and pattern assertions, ``contains`` (other than ``false``) and unknown keywords
  are not expressible and are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    ObjectT,
    Prop,
    Ref,
    StrLit,
    TsType,
    Union,
    kind_of,
    num_lit,
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
_MAX_EXPAND = 8
_TOPS: dict[Kind, TsType] = {
    "object": ObjectT((), (Clause((), None),)),
    "array": ArrayT(UNKNOWN),
    "string": STRING,
    "number": NUMBER,
    "boolean": BOOLEAN,
    "null": NULL,
}


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


class Translator:
    """Translates the schemas of one :class:`~typegen.refs.Document` into IR types."""

    def __init__(self, doc: Document, node_for: NodeFor) -> None:
        """``node_for`` is asked for the named type of every ``$ref`` target."""
        self.doc = doc
        self._node_for = node_for
        self._memo: dict[Path, TsType] = {}
        self._active: set[Path] = set()
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

    def _parts(self, schema: dict[str, Any], path: Path) -> TsType:
        parts: list[TsType] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.doc.resolve(ref, path)
            node = self._node_for(target)
            self._targets[node] = target
            parts.append(Ref(node))
        parts.append(self._base(schema, path))
        for key in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(key)
            if not isinstance(branches, list) or not branches:
                continue
            types = [self._schema(b, (*path, key, i)) for i, b in enumerate(branches)]
            if key == "allOf":
                parts.append(intersect_all(types))
                continue
            parts.append(union(types))
            if key == "oneOf":  # kinds accepted by two branches entirely fail oneOf
                seen: set[str] = set()
                twice: set[str] = set()
                for i, b in enumerate(branches):
                    covered = self._covered(b, (*path, key, i), 0)
                    twice |= seen & covered
                    seen |= covered
                if twice:
                    parts.append(_tops(_PSEUDO_KINDS - twice))
        if "if" in schema and ("then" in schema or "else" in schema):
            cond = self._schema(schema["if"], (*path, "if"))
            then = self._schema(schema.get("then", True), (*path, "then"))
            other = self._schema(schema.get("else", True), (*path, "else"))
            always = self._covered(schema["if"], (*path, "if"), 0)
            other = intersect(other, _tops(_PSEUDO_KINDS - always))
            parts.append(union([intersect(cond, then), other]))
        parts.extend(self._dependencies(schema, path))
        parts.append(self._unevaluated(schema, path))
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

    def _dependencies(self, schema: dict[str, Any], path: Path) -> list[TsType]:
        """``dependentSchemas``/``dependentRequired`` (and draft-07 ``dependencies``).

        Each becomes "the key is absent, or it is present and the dependency holds".
        """
        found: list[tuple[str, Any, Path]] = []
        for keyword in ("dependentSchemas", "dependentRequired", "dependencies"):
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
        if isinstance(items, list):  # draft 2019-09 and older: items array + additionalItems
            prefix = [self._schema(s, (*path, "items", i)) for i, s in enumerate(items)]
            if "additionalItems" in schema:
                rest = self._schema(schema["additionalItems"], (*path, "additionalItems"))
        else:
            pre = schema.get("prefixItems")
            if isinstance(pre, list):
                prefix = [self._schema(s, (*path, "prefixItems", i)) for i, s in enumerate(pre)]
            if "items" in schema:
                rest = self._schema(items, (*path, "items"))
            elif (
                "unevaluatedItems" in schema
                and "contains" not in schema
                and not IN_PLACE_APPLICATORS & schema.keys()
            ):
                rest = self._schema(schema["unevaluatedItems"], (*path, "unevaluatedItems"))
        if (
            "contains" in schema
            and _non_negative_int(schema.get("minContains", 1)) != 0
            and self._schema(schema["contains"], (*path, "contains")) == NEVER
        ):
            return NEVER
        min_items = _non_negative_int(schema.get("minItems")) or 0
        if "contains" in schema:  # each match is an element
            min_items = max(min_items, _non_negative_int(schema.get("minContains", 1)) or 0)
        max_items = _non_negative_int(schema.get("maxItems"))
        return make_tuple(prefix, min_items, max_items, rest)

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
            props.append(Prop(name, t, name in required, schema_doc(sub, name)))
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

    def _unevaluated(self, schema: dict[str, Any], path: Path) -> TsType:
        """Constraints of ``unevaluated*`` next to in-place applicators (else ``unknown``)."""
        if not IN_PLACE_APPLICATORS & schema.keys():
            return UNKNOWN
        result: TsType = UNKNOWN
        if "unevaluatedProperties" in schema and "additionalProperties" not in schema:
            found = self._evaluated_keys(schema, path, set(), top=True)
            if found is not None:
                names, patterns = found
                rest = self._schema(
                    schema["unevaluatedProperties"], (*path, "unevaluatedProperties")
                )
                props = tuple(Prop(n, UNKNOWN, False) for n in names)
                clause = Clause(tuple((p, UNKNOWN) for p in patterns), rest)
                others = [_TOPS[k] for k in ALL_KINDS if k != "object"]
                result = union([ObjectT(props, (clause,)), *others])
        if "unevaluatedItems" in schema and "items" not in schema:
            count = self._evaluated_items(schema, path, set(), top=True)
            if count is not None:
                rest = self._schema(schema["unevaluatedItems"], (*path, "unevaluatedItems"))
                others = [_TOPS[k] for k in ALL_KINDS if k != "array"]
                arrays = make_tuple([UNKNOWN] * count, 0, None, rest)
                result = intersect(result, union([arrays, *others]))
        return result

    def _in_place(self, schema: dict[str, Any], path: Path) -> list[tuple[Any, Path]]:
        subs: list[tuple[Any, Path]] = []
        for key in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(key)
            if isinstance(branches, list):
                subs += [(b, (*path, key, i)) for i, b in enumerate(branches)]
        for key in ("if", "then", "else"):
            if key in schema:
                subs.append((schema[key], (*path, key)))
        deps = schema.get("dependentSchemas")
        if isinstance(deps, dict):
            subs += [(s, (*path, "dependentSchemas", k)) for k, s in deps.items()]
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.doc.resolve(ref, path)
            subs.append((self.doc.at(target), target))
        return subs

    def _evaluated_keys(
        self, schema: Any, path: Path, seen: set[Path], *, top: bool = False
    ) -> tuple[list[str], list[str]] | None:
        """Names and patterns of every property some in-place subschema may evaluate.

        ``None`` means any property may be evaluated (so nothing is known to be unevaluated).
        """
        if not isinstance(schema, dict) or path in seen:
            return [], []
        seen.add(path)
        if "$dynamicRef" in schema or "$recursiveRef" in schema:
            return None
        if not top and ("additionalProperties" in schema or "unevaluatedProperties" in schema):
            return None
        names = [n for n in schema.get("properties", {}) if isinstance(n, str)]
        pats = schema.get("patternProperties")
        patterns = [p for p in pats if isinstance(p, str)] if isinstance(pats, dict) else []
        for sub, sub_path in self._in_place(schema, path):
            found = self._evaluated_keys(sub, sub_path, seen)
            if found is None:
                return None
            names += found[0]
            patterns += found[1]
        return list(dict.fromkeys(names)), list(dict.fromkeys(patterns))

    def _evaluated_items(
        self, schema: Any, path: Path, seen: set[Path], *, top: bool = False
    ) -> int | None:
        """How many leading positions in-place subschemas may evaluate (``None``: all)."""
        if not isinstance(schema, dict) or path in seen:
            return 0
        seen.add(path)
        if "$dynamicRef" in schema or "$recursiveRef" in schema or "contains" in schema:
            return None
        if not top and ("items" in schema or "unevaluatedItems" in schema):
            return None
        prefix = schema.get("prefixItems")
        count = len(prefix) if isinstance(prefix, list) else 0
        for sub, sub_path in self._in_place(schema, path):
            found = self._evaluated_items(sub, sub_path, seen)
            if found is None:
                return None
            count = max(count, found)
        return count

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
                target = self.doc.resolve(value, path)
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

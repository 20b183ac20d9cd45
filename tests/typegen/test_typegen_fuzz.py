"""Randomised soundness check: jsonschema is the oracle, ``deno check`` the judge.

Random draft 2020-12 schemas (fixed seed) and random JSON instances; every instance the
``jsonschema`` validator accepts must type-check against the emitted type. Instances with a
key named after an ``Object.prototype`` member are left out (a known TypeScript quirk, see
typegen/README.md).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from typegen import schema_to_typescript

jsonschema = pytest.importorskip("jsonschema")

SEED = 20240601
SCHEMAS = 150
INSTANCES = 30
KEYS = ["a", "b", "x-1", "ab", "", "valueOf"]
PATTERNS = ["^x-", "a$", "b", "^[ab]", "^a$"]
VALUES: list[Any] = [None, True, False, 0, 1, -1, 2.5, "", "a", "ab", "x-1", [], [1], {}, {"a": 1}]
PROTOTYPE_KEYS = ('"valueOf"',)


def _value(r: random.Random, depth: int = 0) -> Any:
    roll = r.random()
    if depth > 2 or roll < 0.5:
        return r.choice(VALUES)
    if roll < 0.75:
        return [_value(r, depth + 1) for _ in range(r.randint(0, 3))]
    return {r.choice(KEYS): _value(r, depth + 1) for _ in range(r.randint(0, 3))}


def _schema(r: random.Random, depth: int, defs: tuple[str, ...], ref_ok: bool) -> Any:
    """A random schema; ``$ref`` only where no reference cycle can skip instance structure.

    (A cycle through in-place applicators only, like ``{"allOf": [{"$ref": "#"}]}``, sends
    the oracle into infinite recursion.) Roots and ``$defs`` tops are built with
    ``ref_ok=False``; children of structural keywords get ``ref_ok=True``.
    """
    if r.random() < 0.08:
        return r.choice([True, False, {}])
    out: dict[str, Any] = {}
    leaf = depth >= 3
    for _ in range(r.randint(1, 1 if leaf else 4)):
        key = r.choice(
            ["type", "type", "enum", "const", "required", "maxProperties", "minItems", "maxItems"]
            + ["uniqueItems", "minLength", "pattern", "minimum", "nullable", "dependentRequired"]
            + ([] if leaf else ["properties", "additionalProperties", "patternProperties"])
            + ([] if leaf else ["propertyNames", "items", "prefixItems", "contains", "allOf"])
            + ([] if leaf else ["anyOf", "oneOf", "not", "if", "dependentSchemas"])
            + ([] if leaf else ["unevaluatedProperties", "unevaluatedItems"])
            + (["$ref"] if ref_ok and not leaf else [])
        )
        in_place = key in ("allOf", "anyOf", "oneOf", "not", "if", "dependentSchemas")

        def sub(in_place: bool = in_place) -> Any:
            return _schema(r, depth + 1, defs, ref_ok if in_place else True)

        if key == "type":
            kinds = ["null", "boolean", "integer", "number", "string", "array", "object"]
            out[key] = r.choice(kinds) if r.random() < 0.6 else r.sample(kinds, r.randint(1, 3))
        elif key == "enum":
            out[key] = [_value(r) for _ in range(r.randint(1, 4))]
        elif key == "const":
            out[key] = _value(r)
        elif key == "required":
            out[key] = r.sample(KEYS, r.randint(0, 2))
        elif key in ("maxProperties", "minItems", "maxItems", "minLength"):
            out[key] = r.randint(0, 3)
        elif key == "uniqueItems" or key == "nullable":
            out[key] = True
        elif key == "pattern":
            out[key] = r.choice(PATTERNS)
        elif key == "minimum":
            out[key] = r.choice([0, 1, 2.5])
        elif key == "dependentRequired":
            out[key] = {r.choice(KEYS): r.sample(KEYS, r.randint(0, 2))}
        elif key == "properties":
            out[key] = {r.choice(KEYS): sub() for _ in range(r.randint(1, 3))}
        elif key == "patternProperties":
            out[key] = {r.choice(PATTERNS): sub() for _ in range(r.randint(1, 2))}
        elif key == "propertyNames":
            out[key] = r.choice(
                [{"enum": r.sample(KEYS, 2)}, {"maxLength": 1}, False, {"const": "a"}]
            )
        elif key in ("prefixItems", "allOf", "anyOf", "oneOf"):
            out[key] = [sub() for _ in range(r.randint(1, 3))]
        elif key == "if":
            out["if"] = sub()
            for branch in ("then", "else"):
                if r.random() < 0.7:
                    out[branch] = sub()
        elif key == "dependentSchemas":
            out[key] = {r.choice(KEYS): sub()}
        elif key == "$ref":
            out[key] = "#/$defs/" + r.choice(defs) if defs else "#"
        else:  # additionalProperties, items, contains, not, unevaluated*
            out[key] = sub()
    return out


def _cases() -> list[tuple[Any, list[Any]]]:
    r = random.Random(SEED)
    validator_cls = jsonschema.Draft202012Validator
    cases: list[tuple[Any, list[Any]]] = []
    while len(cases) < SCHEMAS:
        defs = ("d1", "d2") if r.random() < 0.4 else ()
        schema = _schema(r, 0, defs, False)
        if isinstance(schema, dict) and defs:
            schema["$defs"] = {d: _schema(r, 1, defs, False) for d in defs}
        validator = validator_cls(schema)
        valid: list[Any] = []
        for _ in range(INSTANCES):
            value = _value(r)
            if any(k in json.dumps(value) for k in PROTOTYPE_KEYS):
                continue
            if validator.is_valid(value):
                valid.append(value)
        cases.append((schema, valid))
    return cases


def test_random_schemas_accept_every_valid_instance(ts_check: Any) -> None:
    lines: list[str] = []
    owner: dict[int, tuple[Any, Any]] = {}
    for n, (schema, valid) in enumerate(_cases()):
        lines.append(f"namespace F{n} {{")
        for decl in schema_to_typescript(schema, "T").splitlines():
            lines.append(decl)
            owner[len(lines)] = (schema, "declaration")
        for i, value in enumerate(valid):
            lines.append(f"const v{i}: T = {json.dumps(value)};")
            owner[len(lines)] = (schema, value)
        lines.append("}")
    errors = ts_check("\n".join(lines) + "\n")
    report = [
        f"{d.code} {d.message}\n  schema: {json.dumps(owner[d.line][0])}\n"
        f"  instance: {json.dumps(owner[d.line][1])}"
        for d in errors
    ]
    assert not report, "\n".join(report[:10])

"""typegen output checked by the real TypeScript checker (``deno check``).

Pydantic models and hand-written schemas are emitted; instances that pydantic (or the
schema) accepts must type-check, and chosen invalid ones must be rejected. All cases go
into one file and one ``deno check`` run.
"""

from __future__ import annotations

import datetime
import enum
import json
from typing import Annotated, Any, Literal

import jsonschema
import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from typegen import TypeScriptEmitter, model_to_typescript, schema_to_typescript


class Color(enum.Enum):
    """A colour."""

    RED = "red"
    GREEN = "green"


class Priority(enum.IntEnum):
    """A priority."""

    LOW = 1
    HIGH = 2


class Cat(BaseModel):
    """A cat."""

    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    """A dog."""

    kind: Literal["dog"] = "dog"
    good: bool = True


class Address(BaseModel):
    """A postal address."""

    street: str = Field(description="Street and number */ not a comment end")
    city: str
    zip: str | None = None


class Person(BaseModel):
    """Someone."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Full name", min_length=1)
    age: int | None = Field(default=None, ge=0)
    colour: Color = Color.RED
    priority: Priority = Priority.LOW
    pet: Annotated[Cat | Dog, Field(discriminator="kind")] | None = None
    home: Address | None = None
    tags: list[str] = []
    scores: dict[str, float] = {}
    point: tuple[int, int] = (0, 0)
    rest: tuple[str, ...] = ()
    born: datetime.datetime | None = None
    day: datetime.date | None = None
    friends: list[Person] = []
    mode: Literal["a", "b", 3] = "a"


class Tree(BaseModel):
    """A recursive tree."""

    value: float
    children: list[Tree] = []
    parent: Tree | None = None


CASES: list[tuple[str, Any, list[Any], list[Any]]] = [
    (
        "Person",
        Person,
        [
            {"name": "Ada"},
            {
                "name": "Bob",
                "age": 3,
                "colour": "green",
                "priority": 2,
                "pet": {"kind": "dog", "good": False},
                "home": {"street": "Main 1", "city": "X", "zip": None},
                "tags": ["a"],
                "scores": {"x": 1.5},
                "point": [1, 2],
                "rest": ["a", "b"],
                "born": "2024-01-01T00:00:00Z",
                "day": "2024-01-01",
                "friends": [{"name": "Cy", "pet": {"kind": "cat"}}],
                "mode": 3,
            },
        ],
        [
            {},
            {"name": 1},
            {"name": "A", "colour": "blue"},
            {"name": "A", "priority": 3},
            {"name": "A", "pet": {"kind": "cow"}},
            {"name": "A", "point": [1]},
            {"name": "A", "rest": [1]},
            {"name": "A", "extra": 1},
            {"name": "A", "mode": "c"},
            {"name": "A", "friends": [{"name": "B", "typo": 1}]},
            {"name": "A", "home": {"city": "X"}},
            [],
            "Ada",
        ],
    ),
    (
        "Tree",
        Tree,
        [{"value": 1}, {"value": 1, "children": [{"value": 2, "children": []}]}],
        [{"children": []}, {"value": [1]}, {"value": 1, "children": [{"value": None}]}],
    ),
    ("Pets", list[Annotated[Cat | Dog, Field(discriminator="kind")]], [[{"kind": "cat"}]], [[1]]),
    (
        "Lookup",
        dict[str, tuple[int, str | None]],
        [{"a": [1, None]}, {}],
        [{"a": [1]}, {"a": ["x", None]}],
    ),
]


def _instance(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def _check_cases_with_pydantic() -> None:
    for _, model, valid, invalid in CASES:
        adapter = TypeAdapter(model)
        for value in valid:
            adapter.validate_json(json.dumps(value))
        for value in invalid:
            with pytest.raises(ValidationError):
                adapter.validate_json(json.dumps(value))


def _check_schemas_with_jsonschema() -> None:
    """The hand-written cases say what jsonschema says (remote references aside)."""
    for schema, valid, invalid in SCHEMAS:
        if "remote.json" in json.dumps(schema):
            continue
        validator = jsonschema.Draft202012Validator(schema)
        assert all(validator.is_valid(v) for v in valid), schema
        assert not any(validator.is_valid(v) for v in invalid), schema


SCHEMAS: list[tuple[dict[str, Any], list[Any], list[Any]]] = [
    (
        {
            "type": "object",
            "properties": {"__proto__": {"type": "number"}, "toString": {"type": "object"}},
            "additionalProperties": False,
        },
        [{}, {"__proto__": 1}, {"toString": {}}],
        [{"__proto__": "x"}, {"other": 1}],
    ),
    (
        {
            "type": "object",
            "patternProperties": {"^x-": {"type": "integer"}, "_id$": {"type": "string"}},
            "properties": {"x-a": {"const": 1}, "a_id": {"const": "k"}},
            "additionalProperties": False,
        },
        [{}, {"x-b": 2, "x-a": 1, "b_id": "s"}],
        [{"y": 1}, {"x-b": "no"}, {"x-a": 2}, {"b_id": 1}],
    ),
    (
        {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "number"}],
            "items": {"type": "boolean"},
        },
        [[], ["a"], ["a", 1], ["a", 1, True, False]],
        [[1], ["a", "b"], ["a", 1, 2]],
    ),
    (
        {"anyOf": [{"type": "string", "maxLength": 0}, {"enum": [[1, {"a": None}], {}]}]},
        ["", [1, {"a": None}], {}],
        ["x", [1, {"a": 1}], {"b": 1}],
    ),
    (
        {"type": "object", "additionalProperties": {"type": "number"}, "required": ["k"]},
        [{"k": 1, "j": 2.5}],
        [{}, {"k": "1"}, {"k": 1, "j": None}],
    ),
    # patterns as template literal keys, also in open objects; "f.*o" keys holding "fo"
    (
        {
            "type": "object",
            "patternProperties": {
                "^x-": {"type": "integer"},
                "[0-9]{2,}": {"type": "boolean"},
                "f.*o": {"type": "string"},
            },
        },
        [{}, {"x-a": 1, "a12": True, "fo": "s", "other": None, "fxo": "t", "a1b2": 3}],
        [{"x-a": "1"}, {"a12": 1}, {"xfoy": 1}],
    ),
    # unevaluatedProperties follows the branch that passed, not all branches at once
    (
        {
            "oneOf": [
                {"properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "number"}}, "required": ["b"]},
            ],
            "unevaluatedProperties": False,
        },
        [{"a": "x"}, {"b": 1}],
        [{"a": "x", "b": 1}, {"a": "x", "c": 1}, {"b": "1"}, {}, "both branches pass"],
    ),
    (
        {
            "if": {"properties": {"foo": {"const": "then"}}, "required": ["foo"]},
            "then": {"properties": {"bar": {"type": "string"}}, "required": ["bar"]},
            "else": {"properties": {"baz": {"type": "string"}}, "required": ["baz"]},
            "unevaluatedProperties": False,
        },
        [{"foo": "then", "bar": "bar"}, {"baz": "baz"}],
        [{"foo": "then", "bar": "bar", "baz": "baz"}, {"foo": "else", "baz": "baz"}],
    ),
    (
        {
            "properties": {"foo": {"type": "string"}},
            "dependentSchemas": {"foo": {"properties": {"bar": {"const": "bar"}}}},
            "unevaluatedProperties": False,
        },
        [{"foo": "f", "bar": "bar"}, {"foo": "f"}, {}],
        [{"bar": "bar"}, {"foo": "f", "bar": "x"}],
    ),
    # items that contains evaluates, and contains itself
    (
        {"prefixItems": [True], "contains": {"type": "string"}, "unevaluatedItems": False},
        [[1, "foo"], ["a"], ["a", "b", "c"]],
        [[1, 2], [1, 2, "foo"], []],
    ),
    (
        {"type": "array", "contains": {"const": 5}},
        [[5], [1, 5], [1, 2, 3, 4, 5, 6, 7]],
        [[], [1, 2, 3, 4], [1, 2, 3, 4, 6]],
    ),
    # $dynamicRef resolved through the dynamic scope
    (
        {
            "$id": "https://example.com/root",
            "type": "array",
            "items": {"$dynamicRef": "#item"},
            "$defs": {"item": {"$dynamicAnchor": "item", "type": "string"}},
        },
        [[], ["a"]],
        [[1], ["a", None]],
    ),
    # oneOf excludes values two branches accept; not excludes what its schema accepts
    (
        {"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
        [{"a": 1}, {"b": 1, "c": 2}],
        [{"a": 1, "b": 1}, {}],
    ),
    (
        {"not": {"type": "object", "properties": {"foo": {"type": "string"}}}},
        [1, {"foo": 1}, "s"],
        [{"foo": "x"}, {}],
    ),
    (
        {
            "prefixItems": [{"type": "boolean"}, {"type": "boolean"}],
            "items": False,
            "uniqueItems": True,
        },
        [[], [True], [True, False], [False, True]],
        [[True, True], [False, False]],
    ),
    # a recursive tuple in a rest element (TypeScript calls it circular: cut to unknown)
    (
        {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "prefixItems": [{"type": "number"}],
                    "items": {"prefixItems": [{"$ref": "#"}], "items": False, "minItems": 1},
                    "minItems": 1,
                },
            ]
        },
        ["s", [1], [1, ["s"], [[2]], 3]],
        [True, [True, 1]],
    ),
    # a reference nothing resolves accepts anything, and nothing else is lost
    (
        {
            "type": "object",
            "properties": {
                "a": {"$ref": "https://example.com/remote.json"},
                "n": {"type": "number"},
            },
        },
        [{"a": "anything", "n": 1}, {"a": [{}]}],
        [{"n": "x"}],
    ),
]


def test_emitted_types_accept_valid_and_reject_invalid(ts_check: Any) -> None:
    _check_cases_with_pydantic()
    _check_schemas_with_jsonschema()
    lines: list[str] = []
    expect_error: dict[int, str] = {}
    expect_ok: dict[int, str] = {}

    def block(n: int, source: str, valid: list[Any], invalid: list[Any], label: str) -> None:
        lines.append(f"namespace N{n} {{")
        lines.extend(source.splitlines())
        for value in valid:
            lines.append(f"const v{len(lines)}: T = {_instance(value)};")
            expect_ok[len(lines)] = f"{label}: valid {value!r}"
        for value in invalid:
            lines.append(f"const v{len(lines)}: T = {_instance(value)};")
            expect_error[len(lines)] = f"{label}: invalid {value!r}"
        lines.append("}")

    n = 0
    for name, model, valid, invalid in CASES:
        for open_objects in (True, False):
            src = model_to_typescript(model, "T", open_objects=open_objects)
            closed_only = [] if open_objects else [v for v in invalid if _has_extra_key(v)]
            open_invalid = [v for v in invalid if not _has_extra_key(v)]
            block(n, src, valid, open_invalid + closed_only, f"{name} open={open_objects}")
            n += 1
    for schema, valid, invalid in SCHEMAS:
        block(n, schema_to_typescript(schema, "T"), valid, invalid, json.dumps(schema))
        n += 1
    diagnostics = ts_check("\n".join(lines) + "\n")
    errors = {d.line: d for d in diagnostics}
    wrong = [
        f"{expect_ok.get(ln, ln)}: {d.code} {d.message}"
        for ln, d in errors.items()
        if ln not in expect_error
    ]
    assert not wrong, "\n".join(wrong) + "\n\n" + "\n".join(lines)
    missed = [label for ln, label in expect_error.items() if ln not in errors]
    assert not missed, "\n".join(missed)


def _has_extra_key(value: Any) -> bool:
    text = json.dumps(value)
    return '"extra"' in text or '"typo"' in text


def test_emitter_builds_a_tool_declaration_file(ts_check: Any) -> None:
    emitter = TypeScriptEmitter(open_objects=False)
    emitter.reserve("ToolError")
    adapter_in = TypeAdapter(Person).json_schema()
    adapter_out = TypeAdapter(list[Address]).json_schema(mode="serialization")
    tree = TypeAdapter(Tree).json_schema()
    emitter.add("SaveArgs", adapter_in)
    emitter.add("SaveResult", adapter_out)
    emitter.add("GrowArgs", tree)
    emitter.add("GrowResult", TypeAdapter(Address).json_schema())
    source = emitter.render() + (
        "declare class ToolError extends Error {}\n"
        "declare function external_Save(args: SaveArgs): Promise<SaveResult>;\n"
        "declare function external_Grow(args: GrowArgs): Promise<GrowResult>;\n"
        "async function main(): Promise<string> {\n"
        '  const saved = await external_Save({ name: "Ada", home: { street: "s", city: "c" } });\n'
        "  const grown = await external_Grow({ value: 1, children: [{ value: 2 }] });\n"
        "  return saved.map((a) => a.city).join() + grown.street;\n"
        "}\n"
        "main();\n"
    )
    assert source.count("type Address = ") == 1  # shared between the tools
    assert ts_check(source) == []
    bad = source.replace("{ value: 2 }", "{ value: 2, valu: 3 }")
    # excess property check: "Object literal may only specify known properties"
    assert [d.code for d in ts_check(bad)] in (["TS2353"], ["TS2561"])

"""Unit tests of the TypeScript that typegen emits, feature by feature (exact text)."""

from __future__ import annotations

from typing import Any

import pytest

from typegen import (
    SchemaError,
    TypeScriptEmitter,
    escape_comment,
    jsdoc,
    property_key,
    sanitize_type_name,
    schema_to_typescript,
)


def ts(schema: dict[str, Any] | bool, *, open_objects: bool = True) -> str:
    """The body of ``type T = ...;`` for a schema without helpers."""
    out = schema_to_typescript(schema, "T", open_objects=open_objects)
    start = out.index("type T = ")
    assert out.endswith(";\n"), out
    assert "\ntype " not in out[start:], out
    return out[start + len("type T = ") : -2]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (True, "unknown"),
        (False, "never"),
        ({}, "unknown"),
        ({"type": "string"}, "string"),
        ({"type": "integer"}, "number"),
        ({"type": "number"}, "number"),
        ({"type": "boolean"}, "boolean"),
        ({"type": "null"}, "null"),
        ({"type": ["integer", "null"]}, "number | null"),
        ({"type": ["string", "integer", "string"]}, "string | number"),
        ({"type": "string", "nullable": True}, "string | null"),
        ({"type": "string", "maxLength": 0}, '""'),
        ({"type": "strange"}, "unknown"),
        ({"x-vendor": {"type": "string"}, "$comment": "ignored"}, "unknown"),
    ],
)
def test_primitives(schema: dict[str, Any] | bool, expected: str) -> None:
    assert ts(schema) == expected


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"const": "a"}, '"a"'),
        ({"const": None}, "null"),
        ({"enum": ["a", "b", 1, 2.5, True, None]}, '"a" | "b" | 1 | 2.5 | true | null'),
        ({"enum": [1.0, 1, -0.0]}, "1 | 0"),
        ({"enum": [True, False]}, "boolean"),
        ({"type": "string", "enum": ["a", 1, None]}, '"a"'),
        ({"type": "integer", "enum": [1, 1.5, "x"]}, "1"),
        ({"enum": ["a", "b"], "const": "b"}, '"b"'),
        ({"enum": ['a"b\n', "é"]}, '"a\\"b\\n" | "é"'),
        ({"const": [1, "a"]}, '[1, "a"]'),
        ({"const": []}, "[]"),
        ({"const": {"a": 1}}, "{\n  a: 1;\n}"),
        ({"const": {}}, "{ [k: string]: never }"),
        ({"enum": [[], {}]}, "[] | { [k: string]: never }"),
        ({"type": "string", "enum": []}, "never"),
    ],
)
def test_enum_and_const(schema: dict[str, Any], expected: str) -> None:
    assert ts(schema) == expected


def test_object_properties_required_and_quoted_names() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "max-size": {"type": "integer"},
            "class": {"type": "boolean"},
            "1st": {"type": "null"},
            "": {},
        },
        "required": ["name", "extra"],
    }
    assert ts(schema) == (
        "{\n"
        "  name: string;\n"
        '  "max-size"?: number;\n'
        "  class?: boolean;\n"
        '  "1st"?: null;\n'
        '  ""?: unknown;\n'
        "  extra: unknown;\n"
        "  [k: string]: unknown;\n"
        "}"
    )


def test_object_open_closed_and_additional_properties() -> None:
    base = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    assert ts(base) == "{\n  a: string;\n  [k: string]: unknown;\n}"
    assert ts(base, open_objects=False) == "{\n  a: string;\n}"
    closed = {**base, "additionalProperties": False}
    assert ts(closed) == "{\n  a: string;\n}"
    typed = {**base, "additionalProperties": {"type": "number"}}
    assert ts(typed) == "{\n  a: string;\n  [k: string]: number | string;\n}"
    assert ts(typed, open_objects=False) == ts(typed)
    explicit_open = {**base, "additionalProperties": True}
    assert ts(explicit_open, open_objects=False) == "{\n  a: string;\n  [k: string]: unknown;\n}"
    # an object that declares nothing stays open even in closed mode
    assert ts({"type": "object"}, open_objects=False) == "{ [k: string]: unknown }"
    assert ts({"type": "object", "additionalProperties": False}) == "{ [k: string]: never }"
    assert ts({"type": "object", "additionalProperties": {"type": "integer"}}) == (
        "{ [k: string]: number }"
    )


def test_optional_properties_make_index_signature_admit_undefined() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": {"type": "number"},
    }
    assert ts(schema) == "{\n  a?: string;\n  [k: string]: number | string | undefined;\n}"


def test_object_prototype_names_admit_inherited_function() -> None:
    schema = {"type": "object", "properties": {"toString": {"type": "string"}}}
    assert ts(schema, open_objects=False) == "{\n  toString?: string | Function;\n}"


def test_pattern_properties() -> None:
    literal = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "patternProperties": {"^x-": {"type": "number"}, "^only$": {"type": "boolean"}},
        "additionalProperties": False,
    }
    assert ts(literal) == ("{\n  id?: string;\n  only?: boolean;\n  [k: `x-${string}`]: number;\n}")
    regex = {"type": "object", "patternProperties": {"^[a-z]+$": {"type": "string"}}}
    assert ts(regex) == "{ [k: string]: unknown }"
    regex_closed = {**regex, "additionalProperties": False}
    assert ts(regex_closed) == "{ [k: string]: string }"


def test_property_names_and_max_properties() -> None:
    names = {"type": "object", "propertyNames": {"enum": ["a", "b"]}}
    assert ts(names) == "{\n  a?: unknown;\n  b?: unknown;\n}"
    assert ts({"type": "object", "maxProperties": 0}) == "{ [k: string]: never }"
    assert ts({"type": "object", "propertyNames": False}) == "{ [k: string]: never }"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "array"}, "unknown[]"),
        ({"type": "array", "items": {"type": "string"}}, "string[]"),
        ({"type": "array", "items": {"type": ["string", "null"]}}, "(string | null)[]"),
        ({"type": "array", "items": False}, "[]"),
        ({"type": "array", "minItems": 1, "items": {"type": "number"}}, "[number, ...number[]]"),
        ({"type": "array", "maxItems": 2, "items": {"type": "number"}}, "[number?, number?]"),
        (
            {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]},
            "[string?, number?, ...unknown[]]",
        ),
        (
            {
                "type": "array",
                "prefixItems": [{"type": "string"}, {"type": "number"}],
                "items": False,
                "minItems": 2,
            },
            "[string, number]",
        ),
        (
            {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "boolean"}},
            "[string?, ...boolean[]]",
        ),
        ({"type": "array", "items": [{"type": "string"}], "additionalItems": False}, "[string?]"),
        ({"type": "array", "minItems": 3, "maxItems": 1}, "never"),
        ({"type": "array", "minItems": 100}, "unknown[]"),
        (
            {"type": "array", "contains": {"type": "string"}},
            "[string, ...unknown[]] | [unknown, string, ...unknown[]]"
            " | [unknown, unknown, string, ...unknown[]]"
            " | [unknown, unknown, unknown, string, ...unknown[]]"
            " | [unknown, unknown, unknown, unknown, string, ...unknown[]]"
            " | [unknown, unknown, unknown, unknown, unknown, unknown, ...unknown[]]",
        ),
        ({"type": "array", "contains": {}}, "[unknown, ...unknown[]]"),
        (
            {
                "type": "array",
                "items": {"enum": [1, 2]},
                "contains": {"const": 1},
                "minContains": 5,
            },
            "[1, 1, 1, 1, 1, ...(1 | 2)[]]"
            " | [1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, ...(1 | 2)[]]",
        ),
        ({"type": "array", "contains": {"const": 1}, "maxContains": 1, "minContains": 2}, "never"),
        ({"type": "array", "contains": {"const": 1}, "minContains": 0}, "unknown[]"),
        ({"type": "array", "contains": False}, "never"),
    ],
)
def test_arrays_and_tuples(schema: dict[str, Any], expected: str) -> None:
    assert ts(schema) == expected


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "string | null"),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "string | number"),
        ({"type": "string", "anyOf": [{"minLength": 2}, {"const": 1}]}, "string"),
        ({"allOf": [{"type": ["string", "number"]}, {"type": ["number", "null"]}]}, "number"),
        ({"allOf": [{"type": "string"}, {"type": "number"}]}, "never"),
        ({"allOf": [{"enum": ["a", "b", 1]}, {"type": "string"}]}, '"a" | "b"'),
        ({"not": {"type": "string"}, "type": ["string", "number"]}, "number"),
        ({"not": {"const": None}, "type": ["boolean", "null"]}, "boolean"),
        ({"not": {"enum": [True]}, "type": "boolean"}, "false"),
        ({"not": {}}, "never"),
        (
            {"oneOf": [{"type": "number"}, {}]},
            "{ [k: string]: unknown } | unknown[] | string | boolean | null",
        ),
        ({"if": True, "then": {"type": "string"}, "else": {"type": "number"}}, "string"),
        (
            {"if": {"type": "string"}, "then": {"const": "x"}, "else": {"type": "number"}},
            '"x" | number',
        ),
        (
            {"if": {"type": "string"}, "then": {"const": "x"}},
            '"x" | { [k: string]: unknown } | unknown[] | number | boolean | null',
        ),
    ],
)
def test_combinators(schema: dict[str, Any], expected: str) -> None:
    assert ts(schema) == expected


def test_all_of_merges_objects_structurally() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"a": {"enum": ["x", 1]}, "b": {"type": "number"}}},
        ]
    }
    assert ts(schema) == '{\n  a: "x";\n  b?: number;\n  [k: string]: unknown;\n}'
    # additionalProperties: false in one branch forbids what only the other declares
    clash = {
        "allOf": [
            {"type": "object", "properties": {"a": {}}, "required": ["a"]},
            {"properties": {"b": {}}, "additionalProperties": False},
        ]
    }
    assert ts(clash) == "never"


def test_dependent_required_and_schemas() -> None:
    schema = {"type": "object", "dependentRequired": {"a": ["b"]}}
    assert ts(schema) == (
        "{\n  a?: never;\n  [k: string]: unknown;\n}"
        " | {\n  a: unknown;\n  b: unknown;\n  [k: string]: unknown;\n}"
    )


def test_unevaluated_properties_without_applicators_acts_like_additional() -> None:
    schema = {"type": "object", "properties": {"a": {}}, "unevaluatedProperties": False}
    assert ts(schema) == "{\n  a?: unknown;\n}"


def test_refs_become_named_types() -> None:
    schema = {
        "type": "object",
        "properties": {"home": {"$ref": "#/$defs/Address"}, "work": {"$ref": "#/$defs/Address"}},
        "$defs": {
            "Address": {
                "title": "Address",
                "description": "Where.",
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": False,
            }
        },
    }
    assert schema_to_typescript(schema, "Person") == (
        "type Person = {\n"
        "  home?: Address;\n"
        "  work?: Address;\n"
        "  [k: string]: unknown;\n"
        "};\n"
        "\n"
        "/** Where. */\n"
        "type Address = {\n"
        "  city: string;\n"
        "};\n"
    )


def test_recursive_root_and_pointer_refs() -> None:
    schema = {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#"}},
            "meta": {"type": "object", "properties": {"size": {"type": "integer"}}},
            "size": {"$ref": "#/properties/meta/properties/size"},
        },
        "additionalProperties": False,
    }
    assert schema_to_typescript(schema, "Tree") == (
        "type Tree = {\n"
        "  children?: Tree[];\n"
        "  meta?: {\n"
        "    size?: number;\n"
        "    [k: string]: unknown;\n"
        "  };\n"
        "  size?: Size;\n"
        "};\n"
        "\n"
        "type Size = number;\n"
    )


def test_root_that_only_points_at_a_definition_takes_its_name() -> None:
    schema = {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
                "additionalProperties": False,
            }
        },
    }
    assert schema_to_typescript(schema, "Node") == "type Node = {\n  next?: Node | null;\n};\n"


def test_definitions_anchors_ids_and_escaped_pointers() -> None:
    schema = {
        "$id": "https://example.com/root.json",
        "definitions": {"a~b/c": {"type": "string"}},
        "$defs": {
            "anchored": {"$anchor": "num", "type": "number"},
            "other": {"$id": "other.json", "type": "boolean"},
        },
        "prefixItems": [
            {"$ref": "#/definitions/a~0b~1c"},
            {"$ref": "#num"},
            {"$ref": "other.json"},
            {"$ref": "https://example.com/other.json"},
        ],
        "type": "array",
    }
    assert schema_to_typescript(schema, "T") == (
        "type T = [A_b_c?, Anchored?, Other?, Other?, ...unknown[]];\n"
        "\n"
        "type A_b_c = string;\n"
        "\n"
        "type Anchored = number;\n"
        "\n"
        "type Other = boolean;\n"
    )


def test_type_names_avoid_globals_keywords_and_each_other() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"$ref": "#/$defs/Date"},
            "b": {"$ref": "#/$defs/date"},
            "c": {"$ref": "#/$defs/string"},
            "d": {"$ref": "#/$defs/T"},
            "e": {"$ref": "#/$defs/9 lives"},
        },
        "$defs": {
            "Date": {"type": "string"},
            "date": {"type": "number"},
            "string": {"type": "boolean"},
            "T": {"type": "null"},
            "9 lives": {"type": "integer"},
        },
        "additionalProperties": False,
    }
    assert schema_to_typescript(schema, "T") == (
        "type T = {\n"
        "  a?: Date_;\n"
        "  b?: Date_2;\n"
        "  c?: String_;\n"
        "  d?: T2;\n"
        "  e?: T9_lives;\n"
        "};\n"
        "\n"
        "type Date_ = string;\n"
        "\n"
        "type Date_2 = number;\n"
        "\n"
        "type String_ = boolean;\n"
        "\n"
        "type T2 = null;\n"
        "\n"
        "type T9_lives = number;\n"
    )


def test_alias_only_cycles_are_cut_with_unknown() -> None:
    schema = {
        "$defs": {
            "a": {"anyOf": [{"$ref": "#/$defs/b"}, {"type": "null"}]},
            "b": {"allOf": [{"$ref": "#/$defs/a"}]},
        },
        "$ref": "#/$defs/a",
    }
    out = schema_to_typescript(schema, "T")
    assert out == "type T = B | null;\n\ntype B = unknown;\n"
    assert ts({"$ref": "#"}) == "unknown"


def test_jsdoc_from_annotations() -> None:
    schema = {
        "title": "Mail",
        "description": "An address.\nSecond line with */ inside.",
        "type": "string",
        "format": "email",
        "default": "a@b.c",
        "examples": ["x@y.z"],
        "deprecated": True,
        "maxLength": 50,
        "pattern": "^.+@.+$",
    }
    assert schema_to_typescript(schema, "T") == (
        "/**\n"
        " * Mail\n"
        " *\n"
        " * An address.\n"
        " * Second line with *\\/ inside.\n"
        " * @deprecated\n"
        ' * @default "a@b.c"\n'
        ' * @example "x@y.z"\n'
        " * @format email\n"
        " * @pattern ^.+@.+$\n"
        " * @maxLength 50\n"
        " */\n"
        "type T = string;\n"
    )


def test_property_jsdoc_and_title_that_restates_the_name_is_dropped() -> None:
    schema = {
        "type": "object",
        "properties": {
            "max_results": {"title": "Max Results", "type": "integer", "minimum": 1},
            "q": {"title": "Search query", "type": "string", "description": "Text."},
            "opt": {"anyOf": [{"type": "integer", "maximum": 9}, {"type": "null"}]},
        },
        "additionalProperties": False,
    }
    assert ts(schema) == (
        "{\n"
        "  /** @minimum 1 */\n"
        "  max_results?: number;\n"
        "  /**\n"
        "   * Search query\n"
        "   *\n"
        "   * Text.\n"
        "   */\n"
        "  q?: string;\n"
        "  /** @maximum 9 */\n"
        "  opt?: number | null;\n"
        "}"
    )


def test_jsdoc_helper() -> None:
    assert jsdoc(None) == ""
    assert jsdoc("   \n") == ""
    assert jsdoc("Adds numbers.") == "/** Adds numbers. */\n"
    assert jsdoc("a */ b\nc", indent="  ") == "  /**\n   * a *\\/ b\n   * c\n   */\n"
    assert jsdoc(["x", "", "@default 1"]) == "/**\n * x\n *\n * @default 1\n */\n"
    assert escape_comment("*/*/") == "*\\/*\\/"


def test_identifier_helpers() -> None:
    assert property_key("ok_name$1") == "ok_name$1"
    assert property_key("not ok") == '"not ok"'
    assert property_key("\u2028") == '"\\u2028"'
    assert sanitize_type_name("page[int]") == "Page_int"
    assert sanitize_type_name("") == "Type"
    assert sanitize_type_name("3d") == "T3d"


def test_errors() -> None:
    with pytest.raises(SchemaError, match="must be an object or a boolean"):
        schema_to_typescript({"properties": {"a": "string"}}, "T")
    assert issubclass(SchemaError, ValueError)
    with pytest.raises(ValueError, match="cannot be a TypeScript type name"):
        schema_to_typescript({}, "Promise")
    with pytest.raises(ValueError, match="cannot be a TypeScript type name"):
        schema_to_typescript({}, "not-an-identifier")


def _address(city_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"city": {"type": city_type}},
        "additionalProperties": False,
    }


def test_emitter_shares_identical_helpers_and_separates_different_ones() -> None:
    emitter = TypeScriptEmitter()
    emitter.reserve("ToolError")
    tool_a = {"$defs": {"Address": _address("string")}, "$ref": "#/$defs/Address"}
    args_a = {
        "type": "object",
        "properties": {"to": {"$ref": "#/$defs/Address"}},
        "$defs": {"Address": _address("string")},
        "additionalProperties": False,
    }
    args_b = {
        "type": "object",
        "properties": {
            "to": {"$ref": "#/$defs/Address"},
            "err": {"$ref": "#/$defs/ToolError"},
        },
        "$defs": {"Address": _address("number"), "ToolError": {"type": "string"}},
        "additionalProperties": False,
    }
    assert emitter.add("SendArgs", args_a) == "SendArgs"
    emitter.add("SendResult", tool_a, doc="What was sent.")
    emitter.add("OtherArgs", args_b)
    assert emitter.render() == (
        "type SendArgs = {\n  to?: Address;\n};\n"
        "\n"
        "type Address = {\n  city?: string;\n};\n"
        "\n"
        "/** What was sent. */\n"
        "type SendResult = Address;\n"
        "\n"
        "type OtherArgs = {\n  to?: Address2;\n  err?: ToolError2;\n};\n"
        "\n"
        "type Address2 = {\n  city?: number;\n};\n"
        "\n"
        "type ToolError2 = string;\n"
    )
    decls = emitter.declarations()
    assert [(d.name, d.explicit) for d in decls] == [
        ("SendArgs", True),
        ("Address", False),
        ("SendResult", True),
        ("OtherArgs", True),
        ("Address2", False),
        ("ToolError2", False),
    ]


def test_emitter_helper_names_never_take_explicit_names_added_later() -> None:
    emitter = TypeScriptEmitter()
    emitter.add("A", {"$defs": {"B": {"type": "string"}}, "items": {"$ref": "#/$defs/B"}})
    emitter.add("B", {"type": "number"})
    assert emitter.render() == (
        "type A = { [k: string]: unknown } | B2[] | string | number | boolean | null;\n"
        "\n"
        "type B2 = string;\n"
        "\n"
        "type B = number;\n"
    )


def test_emitter_rejects_bad_or_duplicate_names_and_rolls_back_errors() -> None:
    emitter = TypeScriptEmitter()
    emitter.add("A", {"type": "string"})
    with pytest.raises(ValueError, match="already used"):
        emitter.add("A", {"type": "string"})
    emitter.reserve("R")
    with pytest.raises(ValueError, match="already used"):
        emitter.add("R", {})
    with pytest.raises(SchemaError):
        emitter.add("Bad", {"$defs": {"X": {}}, "properties": {"x": {"items": 3}}})
    emitter.add("C", {"type": "null"})
    assert emitter.render() == "type A = string;\n\ntype C = null;\n"


def test_output_is_deterministic() -> None:
    schema = {
        "type": "object",
        "properties": {f"p{i}": {"$ref": f"#/$defs/D{i % 5}"} for i in range(20)},
        "$defs": {f"D{i}": {"enum": [str(j) for j in range(i + 3)]} for i in range(5)},
        "dependentRequired": {"p1": ["p2"], "p3": ["p4"]},
        "not": {"type": "null"},
    }
    first = schema_to_typescript(schema, "T")
    assert all(schema_to_typescript(schema, "T") == first for _ in range(3))


def test_unknown_keywords_and_odd_values_never_raise() -> None:
    schema = {
        "type": "object",
        "minProperties": "many",
        "required": "a",
        "properties": {"a": {"type": "string", "minLength": -1}},
        "patternProperties": {"(": {"type": "string"}},
        "dependentSchemas": {"a": {"not": {"$dynamicRef": "#x"}}},
        "$dynamicRef": "#meta",
        "unevaluatedItems": {"type": "string"},
        "x-extension": {"$ref": "#/definitely/not/followed"},
    }
    out = ts(schema)
    assert "  a: string;\n" in out
    assert "  a?: never;\n" in out  # dependentSchemas: a absent, or present and valid


def test_required_key_matching_an_exact_pattern_is_declared_once() -> None:
    schema = {"type": "object", "required": ["a"], "patternProperties": {"^a$": {"type": "string"}}}
    assert ts(schema) == "{\n  a: string;\n  [k: string]: unknown;\n}"


def test_optional_tuple_elements_holding_recursive_arrays_are_cut() -> None:
    # TypeScript calls `type T = string | [T[]?]` circular; such references become unknown
    schema = {
        "type": ["string", "array"],
        "prefixItems": [{"type": "array", "items": {"$ref": "#"}}],
    }
    assert ts(schema) == "string | [unknown[]?, ...unknown[]]"


def _deep_array(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "array", "items": schema}
    return schema


def test_emitter_reports_too_deep_schema_as_schema_error() -> None:
    emitter = TypeScriptEmitter()
    with pytest.raises(SchemaError, match="'Deep' is nested too deeply"):
        emitter.add("Deep", _deep_array(5000))
    emitter.add("A", {"type": "string"})
    assert emitter.render() == "type A = string;\n"


def test_emitter_failed_add_keeps_the_previous_document() -> None:
    # the deep schema fails before its document is stored; the rollback must not drop A's
    emitter = TypeScriptEmitter()
    x_string = {"$defs": {"X": {"type": "string"}}, "items": {"$ref": "#/$defs/X"}, "type": "array"}
    x_number = {"$defs": {"X": {"type": "number"}}, "items": {"$ref": "#/$defs/X"}, "type": "array"}
    emitter.add("A", x_string)
    with pytest.raises(SchemaError, match="nested too deeply"):
        emitter.add("B", _deep_array(5000))
    emitter.add("C", x_number)
    assert emitter.render() == (
        "type A = X[];\n\ntype X = string;\n\ntype C = X2[];\n\ntype X2 = number;\n"
    )


@pytest.mark.parametrize(("bound", "expected"), [(8, "number, " * 8), (9, "")])
def test_min_items_become_tuple_positions_up_to_max_tuple(bound: int, expected: str) -> None:
    body = ts({"type": "array", "minItems": bound, "items": {"type": "number"}})
    assert body == (f"[{expected}...number[]]" if expected else "number[]")


def test_max_items_become_optional_positions_up_to_max_tuple() -> None:
    assert ts({"type": "array", "maxItems": 8, "items": {"type": "number"}}) == (
        "[" + ", ".join(["number?"] * 8) + "]"
    )
    assert ts({"type": "array", "maxItems": 9, "items": {"type": "number"}}) == "number[]"


def test_long_jsdoc_values_are_cut_with_an_ellipsis() -> None:
    out = schema_to_typescript({"type": "string", "default": "x" * 200}, "T")
    line = next(line for line in out.splitlines() if "@default" in line)
    assert line == ' * @default "' + "x" * 158 + "…"
    short = schema_to_typescript({"type": "string", "default": "x" * 158}, "T")
    assert ' * @default "' + "x" * 158 + '"\n' in short


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (True, "any"),
        ({}, "any"),
        ({"type": "object"}, "{ [k: string]: any }"),
        ({"type": "object", "additionalProperties": True}, "{ [k: string]: any }"),
        ({"type": "array", "items": {"type": "object"}}, "{ [k: string]: any }[]"),
        ({"type": "array"}, "any[]"),
        (
            dict(type="object", properties={"a": {}, "n": {"type": "integer"}}, required=["n"]),
            "{\n  a?: any;\n  n: number;\n}",
        ),
        ({"type": "string"}, "string"),
        (False, "never"),
    ],
)
def test_unconstrained_any_renders_undescribed_data_as_any(
    schema: dict[str, Any] | bool, expected: str
) -> None:
    out = schema_to_typescript(schema, "T", open_objects=False, unconstrained="any")
    assert out == f"type T = {expected};\n"
    assert "any" not in schema_to_typescript(schema, "T", open_objects=False)


def test_unconstrained_is_checked() -> None:
    with pytest.raises(ValueError, match="unconstrained"):
        TypeScriptEmitter(unconstrained="anything")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("https://x.org/r.json", "https://x.org/r.json"),
        ("#/$defs/missing", "#/$defs/missing"),
        ("#nowhere", "#nowhere"),
        ("#/required", "#/required"),
    ],
)
def test_a_reference_that_does_not_resolve_widens_with_a_note(ref: str, why: str) -> None:
    note = f"$ref {why} is not in this document: any value is accepted for it"
    schema = {"$ref": ref, "required": ["a"]}
    assert schema_to_typescript({"$ref": ref}, "T") == f"/** {note} */\ntype T = unknown;\n"
    nested = {"type": "object", "properties": {"a": schema}, "required": ["a"]}
    assert schema_to_typescript(nested, "T", open_objects=False) == (
        f"type T = {{\n  /** {note} */\n  a: {{\n    a: unknown;\n"
        "  } | unknown[] | string | number | boolean | null;\n};\n"
    )


def test_recursive_arrays_in_tuple_rest_elements_are_cut() -> None:
    # TypeScript calls `type T = string | [number, ...[T][]]` circular
    pair = {"type": "array", "prefixItems": [{"$ref": "#"}], "items": False, "minItems": 1}
    rest = {"type": "array", "prefixItems": [{"type": "number"}], "items": pair, "minItems": 1}
    schema = {"anyOf": [{"type": "string"}, rest]}
    assert ts(schema) == "string | [number, ...[unknown][]]"


def test_patterns_become_template_keys_in_open_objects_too() -> None:
    schema = {
        "type": "object",
        "patternProperties": {"^x-": {"type": "integer"}, "f.*o": {"type": "string"}},
    }
    assert ts(schema) == (
        "{\n  [k: string]: unknown;\n  [k: `x-${string}`]: number;\n"
        "  [k: `${string}fo${string}`]: string;\n}"
    )


def test_unevaluated_properties_follow_the_branch_that_passed() -> None:
    schema = {
        "type": "object",
        "oneOf": [
            {"properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "number"}}, "required": ["b"]},
        ],
        "unevaluatedProperties": False,
    }
    assert ts(schema) == "{\n  a: string;\n  b?: never;\n} | {\n  b: number;\n  a?: never;\n}"


def test_one_of_branches_exclude_each_other() -> None:
    schema = {"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}
    assert ts(schema) == (
        "{\n  a: unknown;\n  b?: never;\n  [k: string]: unknown;\n} | "
        "{\n  b: unknown;\n  a?: never;\n  [k: string]: unknown;\n}"
    )


def test_not_and_else_keep_what_the_schema_rejects() -> None:
    schema = {"not": {"type": "object", "properties": {"foo": {"type": "string"}}}}
    assert ts(schema) == (
        "unknown[] | string | number | boolean | null | {\n"
        "  foo: { [k: string]: unknown } | unknown[] | number | boolean | null;\n"
        "  [k: string]: unknown;\n}"
    )
    conditional = {
        "type": "object",
        "if": {"properties": {"k": {"const": True}}, "required": ["k"]},
        "then": {"required": ["a"]},
        "else": {"required": ["b"]},
    }
    assert ts(conditional, open_objects=False).endswith("{\n  b: unknown;\n  k?: never;\n}")


def test_unique_items_over_literal_positions() -> None:
    schema = {
        "type": "array",
        "prefixItems": [{"type": "boolean"}, {"type": "boolean"}],
        "items": False,
        "uniqueItems": True,
    }
    assert ts(schema) == "[] | [true] | [false] | [true, false] | [false, true]"


def test_dynamic_ref_follows_the_dynamic_scope() -> None:
    schema = {
        "$id": "https://example.com/root",
        "type": "array",
        "items": {"$dynamicRef": "#item"},
        "$defs": {"item": {"$dynamicAnchor": "item", "type": "string"}},
    }
    assert schema_to_typescript(schema, "T") == "type T = Item[];\n\ntype Item = string;\n"

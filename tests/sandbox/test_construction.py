"""Bad input to the API fails at construction with a clear message."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from tsact import DenoNotFound, Sandbox, Tool, ToolDefinitionError, tool
from tsact._tools.tool import ArgumentsInvalid
from tsact.agent._output import OutputInvalid, OutputSpec


def test_duplicate_tool_names() -> None:
    @tool(name="same")
    def a() -> int:
        return 1

    @tool(name="same")
    def b() -> int:
        return 2

    with pytest.raises(ToolDefinitionError, match="two tools are named 'same'"):
        Sandbox([a, b])


@pytest.mark.parametrize("name", ["has space", "1abc", "dash-name", "", "class", "__tsact_x"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(ToolDefinitionError, match=r"(not a valid identifier|is reserved)"):

        @tool(name=name)
        def f() -> int:
            return 1


def test_annotations_that_cannot_become_a_schema() -> None:
    class Opaque:
        pass

    with pytest.raises(ToolDefinitionError, match="arguments cannot become"):

        @tool
        def takes(x: Opaque) -> int:
            return 1

    with pytest.raises(ToolDefinitionError, match="return type"):

        @tool
        def gives() -> Opaque:
            return Opaque()


def test_a_parameter_without_annotation_takes_anything() -> None:
    @tool
    def untyped(x, y=2):  # type: ignore[no-untyped-def]
        return [x, y]

    assert untyped.input_schema()["properties"] == {
        "x": {"title": "X"},
        "y": {"default": 2, "title": "Y"},
    }
    assert untyped.call(untyped.validate_arguments({"x": {"a": [1]}})) == [{"a": [1]}, 2]


def test_varargs() -> None:
    with pytest.raises(ToolDefinitionError, match=r"\*args/\*\*kwargs"):

        @tool
        def star(*xs: int) -> int:
            return 1


def test_missing_deno_binary() -> None:
    with pytest.raises(DenoNotFound, match="does not exist"):
        Sandbox([], deno_path="/nonexistent/deno")


def test_raw_schema_tools_validate_their_schema() -> None:
    with pytest.raises(ToolDefinitionError, match="invalid JSON Schema"):
        Tool.from_schema("bad", "", {"type": "nonsense"}, lambda args: args)


def test_not_a_tool() -> None:
    with pytest.raises(ToolDefinitionError, match="not a tool or a function"):
        Sandbox([42])  # type: ignore[list-item]


def test_model_tool_schema_is_closed() -> None:
    class Args(BaseModel):
        a: int

    @tool
    def f(args: Args) -> int:
        return args.a

    assert f.input_schema()["additionalProperties"] is False
    assert f.input_schema()["title"] == "Args"


def test_a_name_with_a_trailing_newline_is_not_an_identifier() -> None:
    with pytest.raises(ToolDefinitionError, match="not a valid identifier"):

        @tool(name="foo\n")
        def f() -> int:
            return 1


def test_unsupported_signatures_are_named() -> None:
    with pytest.raises(ToolDefinitionError, match=r"\*args/\*\*kwargs"):

        @tool
        def options(**kw: int) -> int:
            return 1

    with pytest.raises(ToolDefinitionError, match="positional-only parameter 'x'"):

        @tool
        def positional(x: int, /) -> int:
            return x

    with pytest.raises(ToolDefinitionError, match="cannot resolve type annotations"):

        @tool
        def unresolved(x: NoSuchType) -> int:  # type: ignore[name-defined]  # noqa: F821
            return 1

    with pytest.raises(ToolDefinitionError, match="needs an input model or a JSON Schema"):
        Tool(name="bare", description="", fn=lambda: 1, input_model=None)


def test_a_huge_invalid_argument_gets_a_bounded_message() -> None:
    @tool
    def total(values: list[int]) -> int:
        return sum(values)

    with pytest.raises(ArgumentsInvalid) as caught:
        total.validate_arguments({"values": ["x" * 50] * 10_000})
    message = str(caught.value)
    assert len(message) < 2_000, len(message)
    assert message.startswith("values.0: Input should be a valid integer")
    assert message.endswith("; ... and 9992 more")

    with pytest.raises(ArgumentsInvalid) as caught:
        total.validate_arguments({"values": "y" * 100_000})
    assert len(str(caught.value)) < 300


def test_a_huge_invalid_schema_argument_gets_a_bounded_message() -> None:
    schema = {
        "type": "object",
        "properties": {"v": {"type": "array", "items": {"type": "integer"}}},
    }
    raw = Tool.from_schema("raw", "", schema, lambda args: args)
    with pytest.raises(ArgumentsInvalid) as caught:
        raw.validate_arguments({"v": ["z" * 1000] * 10_000})
    message = str(caught.value)
    assert len(message) < 2_000, len(message)
    assert message.endswith("; ... and 9992 more")


def test_a_huge_invalid_final_answer_gets_a_bounded_message() -> None:
    spec = OutputSpec(list[int])
    with pytest.raises(OutputInvalid) as caught:
        spec.validate(["x" * 50] * 10_000)
    lines = str(caught.value).splitlines()
    assert len(lines) == 9 and lines[-1] == "- ... and 9992 more"
    assert lines[0].startswith("- 0: Input should be a valid integer")
    assert all(len(line) < 200 for line in lines)


def test_declaration_names_retry_only_when_taken() -> None:
    import typegen
    from tsact._tools.declarations import _unique

    emitter = typegen.TypeScriptEmitter()
    assert _unique(emitter, "AArgs", {}) == "AArgs"
    assert _unique(emitter, "AArgs", {}) == "AArgs2"  # tools a_b and aB both give AB
    with pytest.raises(ValueError, match="cannot be a TypeScript type name"):
        _unique(emitter, "Foo\nArgs", {})

"""Bad input to the API fails at construction with a clear message."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from tsact import DenoNotFound, Sandbox, Tool, ToolDefinitionError, tool


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


def test_missing_annotation_and_varargs() -> None:
    with pytest.raises(ToolDefinitionError, match="has no type annotation"):

        @tool
        def untyped(x) -> int:  # type: ignore[no-untyped-def]
            return 1

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

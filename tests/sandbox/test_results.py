"""Results are checked against the declared return type before the script sees them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, Field

from tsact import Sandbox, Tool, ToolError, tool

pytestmark = pytest.mark.anyio


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Report(BaseModel):
    when: dt.datetime
    color: Color
    point: Point
    tags: list[str] = []


class Person(BaseModel):
    full_name: str = Field(alias="fullName")


RETURNS: dict[str, Any] = {}
"""What the ``returns_*`` tools return, set by each test."""


@tool
def returns_int() -> int:
    """Declared int."""
    return RETURNS["int"]  # type: ignore[no-any-return]


@tool
def returns_ints() -> list[int]:
    """Declared list[int]."""
    return RETURNS["ints"]  # type: ignore[no-any-return]


@tool
def returns_report() -> Report:
    """Declared Report."""
    return RETURNS["report"]  # type: ignore[no-any-return]


@tool
def returns_point() -> Point:
    """Declared Point (a dataclass)."""
    return RETURNS["point"]  # type: ignore[no-any-return]


@tool
def returns_person() -> Person:
    """Declared Person (an aliased field)."""
    return RETURNS["person"]  # type: ignore[no-any-return]


@tool(validate_result=False)
def unchecked() -> int:
    """Declared int, not checked."""
    return RETURNS["unchecked"]  # type: ignore[no-any-return]


@tool
def untyped() -> Any:
    """Declared Any: nothing to check."""
    return RETURNS["untyped"]


TOOLS = [
    returns_int,
    returns_ints,
    returns_report,
    returns_point,
    returns_person,
    unchecked,
    untyped,
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(TOOLS)
    yield sandbox
    sandbox.close()


CATCH = """
try {
  return await external_%s();
} catch (e) {
  if (!(e instanceof ToolError)) throw e;
  return [e.code, e.tool, e.message];
}
"""


@pytest.mark.parametrize(
    ("name", "value", "mismatch"),
    [
        ("int", "five", "result: Input should be a valid integer (got 'five')"),
        ("int", "5", "result: Input should be a valid integer (got '5')"),
        ("int", None, "result: Input should be a valid integer (got None)"),
        ("ints", [1, "2"], "result[1]: Input should be a valid integer (got '2')"),
        ("report", {"when": "x", "color": "red", "point": {"x": 1, "y": 2}}, "result.when: "),
        (
            "report",
            {"when": "2026-01-02T03:04:05Z", "color": "blue", "point": {"x": 1}},
            "result.color: Input should be 'red'",
        ),
        ("point", {"x": 1}, "result.y: missing"),
    ],
)
async def test_a_result_that_breaks_its_declared_type_is_a_result_error(
    sandbox: Sandbox, name: str, value: Any, mismatch: str
) -> None:
    RETURNS[name] = value
    record = await sandbox.run(CATCH % f"returns_{name}")
    assert record.status == "ok", record.error
    code, tool_name, message = record.result
    assert (code, tool_name) == ("result", f"returns_{name}")
    assert message.startswith(f"returns_{name}: result does not match the declared return type "), (
        message
    )
    assert mismatch in message
    [call] = record.tool_calls
    assert (call.status, call.error_code, call.result) == ("error", "result", value)


async def test_the_message_names_the_declared_type_and_stays_short(sandbox: Sandbox) -> None:
    RETURNS["ints"] = ["x" * 1000] * 100
    record = await sandbox.run(CATCH % "returns_ints")
    code, _, message = record.result
    assert code == "result"
    assert message.startswith("returns_ints: result does not match the declared return type ")
    assert "list[int]: result[0]: Input should be a valid integer (got 'xxx" in message
    assert message.endswith("... and 92 more")
    assert len(message) < 1500


async def test_an_uncaught_result_error_fails_the_script_at_the_call(sandbox: Sandbox) -> None:
    RETURNS["int"] = "five"
    record = await sandbox.run("const n = 1;\nconst r = await external_returns_int();\nreturn r;")
    assert record.error is not None and record.error.kind == "tool"
    assert record.error.line == 2
    assert "returns_int: result does not match the declared return type int" in (
        record.error.message
    )


LAX = [
    # a dict, with JSON's spelling of enums, datetimes and dataclasses; defaults filled in
    (
        "report",
        {"when": "2026-01-02T03:04:05Z", "color": "red", "point": {"x": 1, "y": 2}},
        {"when": "2026-01-02T03:04:05Z", "color": "red", "point": {"x": 1, "y": 2}, "tags": []},
    ),
    # a model instance, and a dict holding the real objects
    (
        "report",
        Report(when=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), color=Color.RED, point=Point(1, 2)),
        {"when": "2026-01-02T00:00:00Z", "color": "red", "point": {"x": 1, "y": 2}, "tags": []},
    ),
    (
        "report",
        {
            "when": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
            "color": Color.RED,
            "point": Point(3, 4),
            "tags": ("a",),
        },
        {"when": "2026-01-02T00:00:00Z", "color": "red", "point": {"x": 3, "y": 4}, "tags": ["a"]},
    ),
    ("point", Point(1, 2), {"x": 1, "y": 2}),
    ("point", {"x": 1, "y": 2}, {"x": 1, "y": 2}),
    ("ints", (1, 2), [1, 2]),
    ("int", 7, 7),
    # the declarations spell an aliased field with its alias: so does the result
    ("person", Person(fullName="Ada"), {"fullName": "Ada"}),
    ("person", {"full_name": "Ada"}, {"fullName": "Ada"}),
]


@pytest.mark.parametrize(("name", "value", "expected"), LAX)
async def test_results_of_the_declared_shape_pass_in_any_spelling(
    sandbox: Sandbox, name: str, value: Any, expected: Any
) -> None:
    RETURNS[name] = value
    record = await sandbox.run(f"return await external_returns_{name}();")
    assert (record.status, record.result) == ("ok", expected), record.error


async def test_a_tool_opts_out_with_validate_result_false_or_any(sandbox: Sandbox) -> None:
    RETURNS["unchecked"] = "not an int"
    RETURNS["untyped"] = {"anything": [1, "2"]}
    record = await sandbox.run("return [await external_unchecked(), await external_untyped()];")
    assert record.result == ["not an int", {"anything": [1, "2"]}], record.error


def test_result_is_a_tool_error_code() -> None:
    assert ToolError("x", code="result").code == "result"
    assert 'readonly code: "validation" | "tool" | "result" |' in Sandbox([]).declarations()


async def test_raw_schema_tools_check_their_output_type_too() -> None:
    def fn(args: dict[str, Any]) -> Any:
        return args["v"]

    checked = Tool.from_schema("checked", "", {"type": "object"}, fn, output_type=int)
    loose = Tool.from_schema(
        "loose", "", {"type": "object"}, fn, output_type=int, validate_result=False
    )
    record = await Sandbox([checked, loose]).run(
        "const a = await external_loose({ v: 'x' });\n"
        "try { await external_checked({ v: 'x' }); }\n"
        "catch (e) { return [a, (e as ToolError).code]; }"
    )
    assert record.result == ["x", "result"], record.error

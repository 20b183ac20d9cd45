"""A script never silently gets a wrong number from a tool.

NaN and Infinity have no JSON form (they would arrive as null) and integers past 2^53 - 1
arrive rounded, so a result holding one fails the call with a message saying where the
number is and what to return instead. Numbers a script gets exactly pass untouched.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import pytest
import typing_extensions
from pydantic import BaseModel, Field

from tsact import Sandbox, tool
from tsact._tools.exact_numbers import MAX_SAFE_INTEGER, may_hold_numbers

pytestmark = pytest.mark.anyio

NAN, INF = math.nan, math.inf
BAD: dict[str, Any] = {
    "nan": NAN,
    "inf": INF,
    "neg_inf": -INF,
    "past_max": MAX_SAFE_INTEGER + 1,
    "past_min": -MAX_SAFE_INTEGER - 1,
    "huge": 2**70,
}
"""Each value a script would get wrong."""
SHAPES: dict[str, Any] = {
    "bare": lambda v: v,
    "in_list": lambda v: [1, 2.5, "x", v],
    "in_dict": lambda v: {"ok": 1, "bad": v},
    "nested": lambda v: {"rows": [{"n": 1}, {"n": 2, "stats": [0.5, v]}]},
}
WHERE = {
    "bare": "result",
    "in_list": "result[3]",
    "in_dict": "result.bad",
    "nested": "result.rows[1].stats[1]",
}


@tool
def untyped(kind: str, shape: str) -> Any:
    """A value the script would get wrong, in some shape, declared Any."""
    return SHAPES[shape](BAD[kind])


@tool(validate_result=False)
def unchecked(kind: str, shape: str) -> list[int]:
    """The same, declared wrongly and not checked: the number check still holds."""
    return SHAPES[shape](BAD[kind])  # type: ignore[no-any-return]


class Stats(BaseModel):
    mean: float
    count: int
    samples: list[float] = Field(default_factory=list)


@tool
def stats(kind: str) -> Stats:
    """Typed fields: a float field holding NaN or Infinity, an int field a huge number."""
    value = BAD[kind]
    if isinstance(value, float):
        return Stats(mean=1.0, count=1, samples=[1.0, value])
    return Stats(mean=1.0, count=value)


SCRIPT = """
const out: Record<string, unknown> = {};
for (const kind of KINDS) {
  for (const shape of SHAPES) {
    try {
      out[`${kind} ${shape}`] = ["returned", await external_TOOL({ kind, shape })];
    } catch (e) {
      out[`${kind} ${shape}`] = [(e as ToolError).code, (e as Error).message];
    }
  }
}
return out;
"""


def _script(name: str, kinds: list[str], shapes: list[str]) -> str:
    return (
        SCRIPT.replace("TOOL", name)
        .replace("KINDS", repr(kinds))
        .replace("SHAPES", repr(shapes) if shapes else "[undefined]")
    )


def _expected_text(kind: str) -> str:
    if kind in ("nan", "inf", "neg_inf"):
        text = {"nan": "NaN", "inf": "Infinity", "neg_inf": "-Infinity"}[kind]
        return (
            f"is {text}, which JSON cannot carry (it would arrive as null): "
            "return None, or a string, for a value that is not a number"
        )
    return (
        f"is {BAD[kind]}, beyond the integers a JavaScript number holds exactly "
        "(±9007199254740991, 2^53 - 1), so the script would get another number: "
        "return it as a string"
    )


@pytest.mark.parametrize("name", ["untyped", "unchecked"])
async def test_inexact_numbers_fail_the_call_wherever_they_are(name: str) -> None:
    sandbox = Sandbox([untyped, unchecked])
    record = await sandbox.run(_script(name, list(BAD), list(SHAPES)))
    assert record.status == "ok", record.error
    assert len(record.result) == len(BAD) * len(SHAPES)
    for kind in BAD:
        for shape in SHAPES:
            code, message = record.result[f"{kind} {shape}"]
            assert code == "tool", (kind, shape, message)
            assert message == (
                f"{name} returned a number the script cannot get exactly: "
                f"{WHERE[shape]} {_expected_text(kind)}"
            ), (kind, shape)
    assert all(call.error_code == "tool" for call in record.tool_calls)


async def test_typed_fields_are_checked_too() -> None:
    record = await Sandbox([stats]).run(_script("stats", list(BAD), []).replace(", shape", ""))
    assert record.status == "ok", record.error
    for kind in BAD:
        code, message = record.result[f"{kind} undefined"]
        where = "result.samples[1]" if isinstance(BAD[kind], float) else "result.count"
        assert (code, message) == (
            "tool",
            f"stats returned a number the script cannot get exactly: "
            f"{where} {_expected_text(kind)}",
        )


class Loose(BaseModel):
    extra: Any


@dataclasses.dataclass
class LooseData:
    extra: dict[str, Any]


class LooseDict(typing_extensions.TypedDict):
    extra: list[Any]


@tool
def loose(kind: str) -> Loose:
    """Untyped data in a model's field (the model serialises it, not the tool's type)."""
    return Loose(extra={"v": BAD[kind]})


@tool
def loose_data(kind: str) -> LooseData:
    """The same in a dataclass."""
    return LooseData(extra={"v": BAD[kind]})


@tool
def loose_dict(kind: str) -> LooseDict:
    """The same in a TypedDict."""
    return {"extra": [BAD[kind]]}


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("loose", "result.extra.v"),
        ("loose_data", "result.extra.v"),
        ("loose_dict", "result.extra[0]"),
    ],
)
async def test_untyped_fields_of_a_model_dataclass_or_typeddict_are_checked(
    name: str, where: str
) -> None:
    record = await Sandbox([loose, loose_data, loose_dict]).run(
        _script(name, list(BAD), []).replace(", shape", "")
    )
    assert record.status == "ok", record.error
    for kind in BAD:
        assert record.result[f"{kind} undefined"] == [
            "tool",
            f"{name} returned a number the script cannot get exactly: "
            f"{where} {_expected_text(kind)}",
        ]


@tool
def exact() -> Any:
    """Numbers a script gets exactly, at the edges."""
    return {
        "largest": MAX_SAFE_INTEGER,
        "smallest": -MAX_SAFE_INTEGER,
        "floats": [1e300, -1e300, 5e-324, -0.0, 0.1],
        "mixed": [1, 2.5, True, None, "NaN", 2**52],
        "many": list(range(1000)),
    }


async def test_exact_numbers_pass_untouched() -> None:
    record = await Sandbox([exact]).run(
        "const r = await external_exact();\n"
        "return [Number.isSafeInteger(r.largest), Number.isSafeInteger(r.smallest),\n"
        "  String(r.largest), r.floats.map(String), r.mixed, r.many.length,\n"
        "  Object.is(r.floats[3], -0)];"
    )
    assert record.status == "ok", record.error
    assert record.result == [
        True,
        True,
        "9007199254740991",
        ["1e+300", "-1e+300", "5e-324", "0", "0.1"],
        [1, 2.5, True, None, "NaN", 2**52],
        1000,
        True,
    ]


class Named(BaseModel):
    name: str
    tags: list[str]
    active: bool
    parent: Named | None = None


@dataclasses.dataclass
class Label:
    text: str
    kind: Literal["a", "b"]


class Counted(BaseModel):
    n: int = Field(ge=0, le=1000)


def _schema(output: Any) -> dict[str, Any]:
    @tool
    def returns() -> output:  # type: ignore[valid-type]
        return None

    return returns.output_schema()


@pytest.mark.parametrize(
    ("output", "holds"),
    [
        (str, False),
        (list[str], False),
        (dict[str, list[str]], False),
        (Named, False),  # recursive, strings and booleans only
        (list[Label], False),
        (Literal[1, 2], False),
        (Counted, False),  # bounded within the exact range
        (tuple[str, bool], False),
        (str | None, False),
        (int, True),
        (float, True),
        (list[Named | int], True),
        (Stats, True),
        (dict, True),
        (dict[str, Any], True),
        (list, True),
        (Any, True),
        (Literal[2**60], True),
    ],
)
def test_only_results_that_may_hold_a_number_are_walked(output: Any, holds: bool) -> None:
    # a result whose type holds no number is never walked, however large it is
    assert may_hold_numbers(_schema(output)) is holds

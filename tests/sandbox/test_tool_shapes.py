"""Tools as users write them: methods, partials, typing.TypedDict, generators.

Each shape runs the way a user runs it: the tool given to a real ``Sandbox``, called by
a real script in Deno.
"""

from __future__ import annotations

import functools
import sys
import typing
from collections.abc import AsyncIterator, Iterator
from typing import Any, NotRequired

import pytest
import typing_extensions

from tsact import Sandbox, Tool, ToolDefinitionError, tool

pytestmark = pytest.mark.anyio


class Counter:
    """A counter whose methods are tools: each instance counts on its own."""

    def __init__(self, start: int) -> None:
        self.value = start

    @tool
    def bump(self, by: int = 1) -> int:
        """Add to the counter and return its new value.

        Args:
            by: How much to add.
        """
        self.value += by
        return self.value

    @tool
    async def peek(self) -> int:
        """The counter's value, read on the event loop."""
        return self.value

    @tool
    @staticmethod
    def double(n: int) -> int:
        """Twice n (a static method: no instance involved)."""
        return 2 * n


async def test_a_method_read_through_an_instance_is_a_tool_bound_to_it() -> None:
    first, second = Counter(10), Counter(100)
    assert isinstance(first.bump, Tool) and first.bump.name == "bump"
    sandbox = Sandbox([first.bump, first.peek, second.double], typecheck=True)
    declarations = sandbox.declarations()
    assert "external_bump(args?: {" in declarations and "self" not in declarations
    record = await sandbox.run(
        "const a = await external_bump({ by: 5 });\n"
        "const b = await external_bump();\n"
        "return [a, b, await external_peek(), await external_double({ n: 21 })];"
    )
    assert (record.status, record.result) == ("ok", [15, 16, 16, 42]), record.error
    assert (first.value, second.value) == (16, 100)  # the calls went to `first` alone
    # the same method of another instance calls that instance
    other = await Sandbox([second.bump]).run("return await external_bump({ by: 1 })")
    assert (other.result, first.value, second.value) == (101, 16, 101)


def test_a_method_tool_calls_like_the_method() -> None:
    counter = Counter(0)
    assert counter.bump(3) == 3 and counter.bump() == 4
    assert Counter.bump(counter, 6) == 10  # through the class, the instance comes first
    assert Counter.double(4) == 8 and counter.double(5) == 10


def test_a_method_read_through_the_class_is_refused_by_a_sandbox() -> None:
    assert Counter.bump.method_of == "Counter"
    assert Counter(0).bump.method_of is None
    with pytest.raises(ToolDefinitionError, match=r"tool 'bump' is a method of Counter read"):
        Sandbox([Counter.bump])
    assert Sandbox([Counter.double]).tools[0].name == "double"  # a static method is no method


def test_classmethods_are_refused_in_either_order() -> None:
    with pytest.raises(ToolDefinitionError, match="a classmethod cannot be a tool"):

        class Above:
            @tool  # type: ignore[arg-type]
            @classmethod
            def make(cls, n: int) -> int:
                return n

    with pytest.raises(ToolDefinitionError, match="first parameter is 'cls'"):

        class Below:
            @classmethod
            @tool
            def make(cls, n: int) -> int:
                return n


def convert(value: float, unit: str, digits: int = 1) -> str:
    """Show a temperature.

    Args:
        value: Degrees Celsius.
        unit: "C" or "F".
        digits: Decimals shown.
    """
    shown = value * 9 / 5 + 32 if unit == "F" else value
    return f"{shown:.{digits}f} {unit}"


async def scaled(factor: int, n: int) -> int:
    """n times the factor."""
    return factor * n


async def test_a_partial_is_named_after_its_function_without_its_bound_arguments() -> None:
    fahrenheit = functools.partial(convert, unit="F")
    tripled = functools.partial(scaled, 3)
    sandbox = Sandbox([fahrenheit, tripled], typecheck=True)
    assert sandbox.tools[0].name == "convert" and sandbox.tools[1].name == "scaled"
    assert sandbox.tools[1].is_async  # a partial of a coroutine function runs on the loop
    assert sandbox.tools[0].description == "Show a temperature."
    schema = sandbox.tools[0].input_schema()
    assert sorted(schema["properties"]) == ["digits", "value"]
    assert schema["properties"]["value"]["description"] == "Degrees Celsius."
    assert sorted(sandbox.tools[1].input_schema()["properties"]) == ["n"]
    record = await sandbox.run(
        "return [await external_convert({ value: 100 }), await external_scaled({ n: 14 })];"
    )
    assert (record.status, record.result) == ("ok", ["212.0 F", 42]), record.error
    # a bound argument is not the script's to pass: refused, even past the checker
    refused = await Sandbox([fahrenheit]).run(
        "try { await external_convert({ value: 1, unit: 'C' } as any) }\n"
        "catch (e) { return [(e as ToolError).code, (e as Error).message] }"
    )
    assert refused.result == [
        "validation",
        "convert: invalid arguments: unexpected argument 'unit'",
    ]
    renamed = tool(name="to_fahrenheit")(fahrenheit)
    assert renamed.name == "to_fahrenheit" and renamed(value=0) == "32.0 F"


class Address(typing.TypedDict):
    """A postal address."""

    city: str
    postcode: NotRequired[str]


class Person(typing.TypedDict, total=False):
    """Someone, with where they live."""

    name: typing.Required[str]
    homes: list[Address]
    manager: Person | None


class AddressX(typing_extensions.TypedDict):
    """A postal address."""

    city: str
    postcode: NotRequired[str]


class PersonX(typing_extensions.TypedDict, total=False):
    """Someone, with where they live."""

    name: typing.Required[str]
    homes: list[AddressX]
    manager: PersonX | None


@tool
def move(person: Person, to: Address) -> Person:
    """Add a home to a person."""
    return {**person, "homes": [*person.get("homes", []), to]}


@tool
def cities(people: list[Person]) -> dict[str, list[Address]]:
    """Every person's homes, by name."""
    return {p["name"]: p.get("homes", []) for p in people}


async def test_typing_typeddicts_work_as_arguments_and_results() -> None:
    sandbox = Sandbox([move, cities], typecheck=True)
    record = await sandbox.run(
        "const boss = { name: 'Lan', homes: [{ city: 'Hue' }] };\n"
        "const moved = await external_move({ person: { name: 'An', manager: boss },\n"
        "  to: { city: 'Hanoi', postcode: '100000' } });\n"
        "const homes = await external_cities({ people: [moved, boss] });\n"
        "return [moved.homes?.[0].postcode, moved.manager?.homes?.[0].city, homes];"
    )
    assert record.status == "ok", record.error
    assert record.result == [
        "100000",
        "Hue",
        {"An": [{"city": "Hanoi", "postcode": "100000"}], "Lan": [{"city": "Hue"}]},
    ]
    bad = await sandbox.run(
        "try { await external_move({ person: { homes: [] }, to: { town: 'x' } } as any) }\n"
        "catch (e) { return (e as Error).message }"
    )
    assert "person.name: missing" in bad.result or "'person.name'" in bad.result, bad.result
    assert "to.city" in bad.result and "to.town" in bad.result


def test_typing_typeddicts_are_declared_as_typing_extensions_ones_are() -> None:
    @tool(name="move")
    def move_x(person: PersonX, to: AddressX) -> PersonX:
        """Add a home to a person."""
        return person

    @tool(name="cities")
    def cities_x(people: list[PersonX]) -> dict[str, list[AddressX]]:
        """Every person's homes, by name."""
        return {}

    expected = Sandbox([move_x, cities_x]).declarations().replace("X", "")
    assert Sandbox([move, cities]).declarations() == expected
    assert "/** A postal address. */" in expected and "postcode?: string;" in expected


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="pydantic takes typing.TypedDict")
def test_a_typeddict_pydantic_cannot_take_is_refused_with_what_to_use() -> None:
    import dataclasses

    @dataclasses.dataclass
    class Parcel:
        to: Address

    with pytest.raises(ToolDefinitionError, match=r"typing_extensions\.TypedDict"):

        @tool
        def ship() -> Parcel:
            return Parcel(to={"city": "Hue"})


def count_up(n: int) -> Iterator[int]:
    """Yield 0..n-1."""
    yield from range(n)


async def count_up_async(n: int) -> AsyncIterator[int]:
    """Yield 0..n-1, asynchronously."""
    for i in range(n):
        yield i


@pytest.mark.parametrize(
    "fn",
    [count_up, count_up_async, functools.partial(count_up, 3)],
    ids=["sync", "async", "partial"],
)
def test_generator_functions_are_refused_at_definition(fn: Any) -> None:
    with pytest.raises(ToolDefinitionError) as raised:
        tool(fn)
    assert str(raised.value).startswith("tool 'count_up")
    assert "a generator function cannot be a tool: a tool returns one value" in str(raised.value)
    assert "return them as a list" in str(raised.value)
    with pytest.raises(ToolDefinitionError, match="generator function"):
        Sandbox([fn])


def test_a_tool_is_not_made_a_tool_again() -> None:
    with pytest.raises(ToolDefinitionError, match="'move' is already a tool"):
        tool(move)

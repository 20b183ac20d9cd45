"""The declarations say what tools really take and return, checked by the real checker.

Untyped data is ``any`` (usable the way JavaScript code uses it), typed data stays
precise, results are typed as serialised (defaulted fields present), and a tool without
arguments refuses one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from tsact import Sandbox, tool

pytestmark = pytest.mark.anyio


class Row(BaseModel):
    city: str
    n: int


class Holder(BaseModel):
    meta: dict  # type: ignore[type-arg]
    rows: list[dict[str, Any]]
    extra: Any
    thing: object
    count: int


@tool
def report() -> dict:  # type: ignore[type-arg]
    """A plain dict."""
    return {"items": [1, 2, 3]}


@tool
def rows() -> list[dict]:  # type: ignore[type-arg]
    """Rows as plain dicts."""
    return [{"n": 300}, {"n": 100}]


@tool
def settings() -> dict[str, Any]:
    """Settings as a str-keyed dict."""
    return {"theme": {"dark": True}}


@tool
def anything() -> Any:
    """Anything at all."""
    return {"a": {"b": 1}}


@tool
def some_object() -> object:
    """An object."""
    return {"x": 1}


@tool
def no_annotation():  # type: ignore[no-untyped-def]
    """No return annotation."""
    return {"foo": {"bar": 1}}


@tool
def take_untyped(value, options: dict) -> int:  # type: ignore[no-untyped-def,type-arg]
    """Untyped arguments."""
    return len(options)


@tool
def holder() -> Holder:
    """A typed model holding untyped fields."""
    return Holder(meta={"k": {"z": 1}}, rows=[{"n": 1}], extra=[1], thing={"q": 1}, count=1)


@tool
def typed_rows() -> list[Row]:
    """Typed rows."""
    return [Row(city="Hue", n=1)]


@tool
def ping() -> str:
    """No arguments at all."""
    return "pong"


class Address(BaseModel):
    city: str
    zip: str = ""


class Tag(BaseModel):
    label: str


class Person(BaseModel):
    name: str
    addresses: list[Address] = []
    tags: list[Tag] = []


@tool
def add_person(person: Person) -> int:
    """Store a person."""
    return len(person.addresses)


@tool
def people() -> list[Person]:
    """Everyone, with their addresses."""
    return [Person(name="a", addresses=[Address(city="Hue")])]


TOOLS = [
    report,
    rows,
    settings,
    anything,
    some_object,
    no_annotation,
    take_untyped,
    holder,
    typed_rows,
    ping,
    add_person,
    people,
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(TOOLS)
    yield sandbox
    sandbox.close()


UNTYPED_USES = [
    "const r = await external_report();\nreturn r.items.map(String);",
    "const all = await external_rows();\nreturn all.filter((r) => r.n > 200).length;",
    "const s = await external_settings();\nif (s.theme.dark) console.log('dark');",
    "const a = await external_anything();\nreturn a.a.b + 1;",
    "const o = await external_some_object();\nreturn o.x * 2;",
    "const v = await external_no_annotation();\nreturn v.foo.bar.toFixed(1);",
    "return await external_take_untyped({ value: { any: [1] }, options: { deep: { x: 1 } } });",
    "const h = await external_holder();\n"
    "return [h.meta.k.z, h.rows[0].n + 1, h.extra.length, h.thing.q, h.count + 1];",
]


@pytest.mark.parametrize("source", UNTYPED_USES)
async def test_untyped_data_is_usable_without_narrowing(sandbox: Sandbox, source: str) -> None:
    assert await sandbox.check(source) == []


def test_untyped_data_is_declared_any(sandbox: Sandbox) -> None:
    text = sandbox.declarations()
    no_args = "(args?: { [k: string]: never })"
    assert f"declare function external_report{no_args}: Promise<{{ [k: string]: any }}>;" in text
    assert f"declare function external_rows{no_args}: Promise<{{ [k: string]: any }}[]>;" in text
    assert f"declare function external_anything{no_args}: Promise<any>;" in text
    assert f"declare function external_no_annotation{no_args}: Promise<any>;" in text
    assert "  value: any;\n  options: { [k: string]: any };\n" in text
    tools = text[text.index("declare function external_") :]
    assert "unknown" not in tools


TYPED_MISTAKES = [
    ("const h = await external_holder();\nreturn h.missing;", 2339),
    ("const h = await external_holder();\nreturn h.count.toUpperCase();", 2339),
    ("const t = await external_typed_rows();\nreturn t[0].population;", 2339),
    ("const t = await external_typed_rows();\nif (t[0].n === 'x') return 1;", 2367),
    ("const p = await external_people();\nreturn p[0].addresses[0].street;", 2339),
    ("return await external_add_person({ person: { name: 'a' } });", 2353),
    ("return await external_add_person({ name: 'a', addresses: [{ town: 'x' }] });", 2353),
]


@pytest.mark.parametrize(("source", "code"), TYPED_MISTAKES)
async def test_typed_data_stays_precise(sandbox: Sandbox, source: str, code: int) -> None:
    diagnostics = await sandbox.check(source)
    assert [d.code for d in diagnostics] == [code], diagnostics


async def test_results_are_typed_as_serialised_with_defaulted_fields_present(
    sandbox: Sandbox,
) -> None:
    source = (
        "const everyone = await external_people();\n"
        "const city: string = everyone[0].addresses[0].city;\n"
        "const zip: string = everyone[0].addresses[0].zip;\n"
        "return [city, zip, everyone[0].tags.length];"
    )
    assert await sandbox.check(source) == []
    record = await sandbox.run(source)
    assert record.result == ["Hue", "", 0]
    # arguments may still leave defaulted fields out
    assert await sandbox.check("return await external_add_person({ name: 'a' });") == []


def test_a_model_used_both_ways_gets_two_names_only_where_the_modes_differ(
    sandbox: Sandbox,
) -> None:
    text = sandbox.declarations()
    # Address has a default, so arguments and results differ; Tag has none: one type
    default = '/** @default "" */'
    assert f"type AddressInput = {{\n  city: string;\n  {default}\n  zip?: string;\n}};" in text
    assert f"type Address = {{\n  city: string;\n  {default}\n  zip: string;\n}};" in text
    assert text.count("type Tag = {") == 1 and "TagInput" not in text
    assert "  addresses?: AddressInput[];\n" in text
    assert "  addresses: Address[];\n" in text


@pytest.mark.parametrize(
    "source", ["return await external_ping();", "return await external_ping({});"]
)
async def test_a_tool_without_arguments_is_called_with_nothing_or_empty(
    sandbox: Sandbox, source: str
) -> None:
    assert await sandbox.check(source) == []


@pytest.mark.parametrize(
    "source",
    ["return await external_ping({ foo: 1 });", "return await external_ping({ v: 'x', w: [] });"],
)
async def test_a_tool_without_arguments_refuses_an_argument(sandbox: Sandbox, source: str) -> None:
    diagnostics = await sandbox.check(source)
    assert diagnostics and diagnostics[0].line == 1


def _google(a: int, b: int) -> int:
    """Add two numbers.

    Args:
        a: The first
            number.
        b (int): The second.

    Returns:
        The sum of
        both.
    """
    return a + b


def _numpy(a: int, b: int) -> int:
    """Add two numbers.

    Parameters
    ----------
    a : int
        The first number.
    b : int
        The second.

    Returns
    -------
    int
        The sum of both.
    """
    return a + b


def _sphinx(a: int, b: int) -> int:
    """Add two numbers.

    :param a: The first number.
    :param b: The second.
    :returns: The sum of both.
    """
    return a + b


@pytest.mark.parametrize("fn", [_google, _numpy, _sphinx])
def test_docstrings_in_every_style_describe_arguments_and_result(fn: Any) -> None:
    text = Sandbox([tool(name="add")(fn)]).declarations()
    assert (
        "/**\n * Add two numbers.\n * @returns The sum of both.\n */\n"
        "declare function external_add(args: {\n"
        "  /** The first number. */\n  a: number;\n"
        "  /** The second. */\n  b: number;\n"
        "}): Promise<number>;\n"
    ) in text


def test_a_returns_section_without_arguments_is_kept_and_not_mixed_into_the_summary() -> None:
    @tool
    def population(city: str) -> int:
        """Return the population of a city.

        It is counted every year.

        Returns:
            int: How many people live there.
        """
        return 1

    assert population.description == "Return the population of a city.\n\nIt is counted every year."
    assert population.returns == "How many people live there."
    assert (
        "/**\n * Return the population of a city.\n *\n * It is counted every year.\n"
        " * @returns How many people live there.\n */\n"
    ) in Sandbox([population]).declarations()


def test_a_docstring_without_sections_is_the_description() -> None:
    @tool
    def plain(x: int) -> int:
        """Double x. Returns: twice x, as text says."""
        return 2 * x

    assert (plain.description, plain.returns) == ("Double x. Returns: twice x, as text says.", "")
    assert "@returns" not in Sandbox([plain]).declarations()

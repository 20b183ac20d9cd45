"""The checking policy rule by rule: what blocks, what is only reported, what is off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tsact import Sandbox
from tsact._scripts.checker import TypeChecker
from tsact._scripts.policy import COMPILER_OPTIONS, declared

from .tools import TOOLS

DECLARATIONS = Sandbox(TOOLS).declarations()


@pytest.fixture(scope="module")
def checker() -> Iterator[TypeChecker]:
    checker = TypeChecker(Sandbox(TOOLS).deno_path)
    yield checker
    checker.close()


BLOCKING = {
    "unknown tool": ("await external_get_weathr({ city: 'Hue' });", 2552),
    "undefined variable": ("return total + 1;", 2304),
    "shorthand of nothing": ("return { total };", 18004),
    "type used as a value": ("type T = { a: 1 };\nreturn T;", 2693),
    "const assigned": ("const n = 1;\nn += 1;", 2588),
    "let redeclared": ("let a = 1;\nlet a = 2;", 2451),
    "used before its declaration": ("console.log(later);\nconst later = 1;", 2448),
    "removed global": ("Deno.exit(1);", 2339),
    "removed global called": ("await fetch('https://example.com');", 2349),
    "browser dialog": ("alert('hi');", 2349),
    "promise as a number": ("const p = external_get_population({ city: 'Hue' });\np * 2;", 2362),
    "promise tested": ("if (external_get_user({ user_id: 1 })) {}", 2801),
    "own async helper unawaited": (
        "async function f() { return [1]; }\nconst xs = f();\nxs.map((x) => x);",
        2339,
    ),
    "extra argument": ("await external_get_population({ city: 'Hue', x: 1 });", 2353),
    "missing argument": ("await external_exchange_rate({ base: 'USD' });", 2345),
    "wrong argument type": ("await external_search_cities({ country: 'VN', limit: '3' });", 2322),
    "literal argument not allowed": ("await external_get_weather({ city: 'a', unit: 'k' });", 2322),
    "null argument": ("await external_get_population({ city: null });", 2322),
    "argument of a wrong type that may also be undefined": (
        "await external_get_population({ city: [1].find((x) => x) });",
        2322,
    ),
    "a call's result as an argument": ("await external_get_user({ user_id: String(1) });", 2322),
    "positional argument": ("await external_get_population('Hue');", 2345),
    "argument to a tool that takes none": ("await external_get_settings({ a: 1 });", 2322),
    "tool as a callback": ("await Promise.all(['a'].map(external_get_population));", 2345),
    "field a result lacks": ("const w = await external_get_weather({ city: 'a' });\nw.rain;", 2339),
    "method a result lacks": (
        "const c = await external_search_cities({ country: 'VN' });\nc.sortBy();",
        2551,
    ),
    "literal a result never equals": (
        "const w = await external_get_weather({ city: 'a' });\nw.conditions === 'fog';",
        2367,
    ),
    "switch case a result never equals": (
        "const w = await external_get_weather({ city: 'a' });\n"
        "switch (w.conditions) { case 'fog': break; }",
        2678,
    ),
    "field an array of results lacks": (
        "const l = await external_fetch_logs();\nconst g = Object.groupBy(l, (x) => x.service);\n"
        "return g.auth.lenght;",
        2551,
    ),
    "field a number lacks": (
        "const n = await external_get_population({ city: 'a' });\nn.length;",
        2339,
    ),
    "result iterated": ("for (const x of await external_get_population({ city: 'a' })) {}", 2488),
    "result called": ("const n = await external_get_population({ city: 'a' });\nn();", 2349),
    "final_answer with a missing field": ("final_answer();", 2554),
    "final_answer of a Promise": ("final_answer(external_get_population({ city: 'a' }));", 2345),
}

REPORTED = {
    "possibly undefined after find": ("const x = [1].find((v) => v > 0);\nreturn x * 2;", 18048),
    "match index": ("return 'a1'.match(/\\d/)[0];", 2531),
    "nullable result": (
        "const u = await external_get_user({ user_id: 1 });\nreturn u.name;",
        18047,
    ),
    "possibly undefined argument": (
        "const c = ['Hue'].find((x) => x);\nawait external_get_population({ city: c });",
        2322,
    ),
    "widened literal argument": (
        "let unit = 'f';\nawait external_get_weather({ city: 'a', unit });",
        2322,
    ),
    "union member": (
        "function f(v: { a: number } | { b: number }) {\n  return v.a;\n}",
        2339,
    ),
    "own annotation": ("const n: number = 'x';", 2322),
    "own expando object": ("const o = { a: 1 };\no.b = 2;", 2339),
    "a builtin newer than the lib": ("return Iterator.concat([1], [2]).toArray();", 2339),
    "lib call strictness": ("return parseInt(5);", 2345),
    "own helper arity": ("function f(a, b) { return b ? a : 0; }\nreturn f(1);", 2554),
    "type name in a type": ("const rows: Row[] = [];\nreturn rows;", 2304),
    "catch annotation": ("try {} catch (e: Error) {}", 1196),
    "used before assigned": ("let n: number;\nreturn n;", 2454),
    "result typed by the script": (
        "const w = await external_get_weather({ city: 'a' });\nconst t: string = w.temp;",
        2322,
    ),
    "unknown data": ("const v: unknown = JSON.parse('1');\nreturn v + 1;", 18046),
}

OFF = {
    "untyped parameters": "function add(a, b) { return a + b; }\nreturn add(1, 2);",
    "untyped callback": "return [1, 2].map(function (x) { return x * 2; });",
    "catch variable": "try { JSON.parse('{'); } catch (e) { return e.message; }",
    "expando by index": "const counts = {};\nfor (const w of ['a', 'b']) counts[w] = 1;",
    "this in a function": "function f() { return this; }",
    "class field never set": "class A { x: number; }\nreturn new A();",
    "evolving array": "const out = [];\nout.push(1);\nreturn out.map((x) => x + 1);",
    "evolving let": "let best = null;\nfor (const x of [1, 2]) if (!best || x > best) best = x;",
}


@pytest.mark.parametrize("name", list(BLOCKING))
def test_blocking(checker: TypeChecker, name: str) -> None:
    source, code = BLOCKING[name]
    verdict = checker.check(DECLARATIONS, source)
    assert code in [d.code for d in verdict.blocking], verdict
    assert all(d.blocking for d in verdict.blocking)


@pytest.mark.parametrize("name", list(REPORTED))
def test_reported_only(checker: TypeChecker, name: str) -> None:
    source, code = REPORTED[name]
    verdict = checker.check(DECLARATIONS, source)
    assert verdict.blocking == []
    assert code in [d.code for d in verdict.notes], verdict
    assert not any(d.blocking for d in verdict.notes)


@pytest.mark.parametrize("name", list(OFF))
def test_off(checker: TypeChecker, name: str) -> None:
    verdict = checker.check(DECLARATIONS, OFF[name])
    assert (verdict.blocking, verdict.notes) == ([], [])


def test_the_options_are_not_blanket_strict() -> None:
    assert COMPILER_OPTIONS["strict"] is False
    assert COMPILER_OPTIONS["strictNullChecks"] is True
    assert COMPILER_OPTIONS["useUnknownInCatchVariables"] is False
    assert COMPILER_OPTIONS["lib"] == ["deno.worker"]


def test_loose_declarations_type_every_declared_name_any() -> None:
    forms = declared(DECLARATIONS)
    assert "declare function external_get_weather(...args: any[]): any;" in forms.loose
    assert "declare function final_answer(...args: any[]): any;" in forms.loose
    assert "type City = any;" in forms.loose
    assert "declare const ToolError: any;" in forms.loose
    assert "Promise<" not in forms.loose and "external_" not in forms.loose.replace(
        "declare function external_", ""
    )
    assert {"external_get_weather", "final_answer"} <= forms.functions


def test_a_typed_final_answer_is_part_of_the_contract(checker: TypeChecker) -> None:
    typed = Sandbox(TOOLS).declarations(output_type=int)
    [diagnostic] = checker.check(typed, "final_answer(String(1));").blocking
    assert diagnostic.code == 2345
    assert checker.check(typed, "final_answer([1].find((x) => x));").blocking == []


def test_a_promise_given_to_final_answer_asks_for_await(checker: TypeChecker) -> None:
    verdict = checker.check(DECLARATIONS, "final_answer(external_get_user({ user_id: 1 }));")
    [diagnostic] = verdict.blocking
    assert diagnostic.message.endswith("Did you forget to use 'await'?")
    for value in (
        "null",
        "[1, 'a']",
        "{ a: new Date(0) }",
        "await external_get_user({ user_id: 1 })",
    ):
        assert checker.check(DECLARATIONS, f"final_answer({value});").blocking == []


def test_a_parameter_typed_empty_object_is_checked_as_taking_nothing() -> None:
    text = "declare function external_f(args?: {}): Promise<{}>;\n"
    assert declared(text).checked == (
        "declare function external_f(args?: { [k: string]: never }): Promise<{}>;\n"
    )
    promise_free = "final_answer<T>(value: T & (T extends PromiseLike<unknown> ? never : unknown))"
    checked = declared(DECLARATIONS).checked
    assert checked.replace(promise_free, "final_answer(value: unknown)") == DECLARATIONS

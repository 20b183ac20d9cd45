"""The checker checks exactly the script: its wrapper cannot be closed or escaped.

The script is checked as the body of an async function. A script that closes that
function early (``}``) and reopens one at its end (``function f() {``) would put code at
the module's top level, where it could redeclare the tools or import host files and
still balance the braces. ``prepare`` refuses such text before checking (it does not
parse as a function body); these tests also take that wall away, and show the checker
itself still refuses each attack.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tsact import Sandbox
from tsact._scripts import checker as _checker
from tsact._scripts.checker import TypeChecker

from .tools import TOOLS

pytestmark = pytest.mark.anyio

ATTACKS = {
    "hidden type error": "}\nconst n: number = 'text';\nawait 1;\nfunction f() {",
    "tool redeclared": (
        "}\ndeclare function external_get_population(args: any): any;\n"
        "external_get_population(42);\nfunction f() {"
    ),
    "silenced end": "}\nconst n = 1;\nasync function f() {\n// @ts-ignore",
    "silenced with block comment": "}\nconst n = 1;\nasync function f() {\n/* @ts-ignore */",
    "class body": "}\nclass C {\n  m() {",
    "object literal": "}\nconst o = {",
    "open comment": "return 1;\n/*",
    "open template": "return `",
    "string continued": 'const s = "abc\\',
    "arrow wrapper": "});\n(async () => {",
    "global augmentation": "}\ndeclare global {\n  var leaked: number;\n}\nfunction f() {",
}


@pytest.fixture(scope="module")
def checker() -> Iterator[TypeChecker]:
    checker = TypeChecker(Sandbox(TOOLS).deno_path)
    yield checker
    checker.close()


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_checker_itself_refuses_a_script_that_leaves_its_function(
    checker: TypeChecker, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(_checker, "vet", lambda *args, **kwargs: None)  # no first wall
    source = ATTACKS[name]
    verdict = checker.check(Sandbox(TOOLS).declarations(), source)
    assert verdict.blocking, f"{name}: the checker let it through"
    last_line = source.count("\n") + 1
    for diagnostic in verdict.blocking:
        assert 1 <= diagnostic.line <= last_line  # in the script's own lines


def test_closing_the_function_is_named_for_what_it_is(
    checker: TypeChecker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_checker, "vet", lambda *args, **kwargs: None)
    verdict = checker.check(Sandbox(TOOLS).declarations(), ATTACKS["silenced end"])
    [diagnostic] = verdict.blocking
    assert diagnostic.message.startswith("the script closes the function it runs in")
    assert (diagnostic.line, diagnostic.code) == (4, None)
    assert "__tsact" not in diagnostic.message


@pytest.mark.parametrize("name", list(ATTACKS))
async def test_every_attack_is_refused_before_anything_runs(name: str) -> None:
    sandbox = Sandbox(TOOLS, typecheck=True)
    try:
        record = await sandbox.run(
            ATTACKS[name] + "\nawait external_get_population({ city: 'Hue' });"
        )
        assert record.status == "error" and record.error is not None
        assert record.error.kind in ("syntax", "type")
        assert record.tool_calls == []
    finally:
        sandbox.close()


def test_a_balanced_script_is_not_mistaken_for_an_escape(checker: TypeChecker) -> None:
    source = "function f() {\n  return { a: [1, 2] };\n}\n// @ts-ignore\nreturn f();"
    assert checker.check(Sandbox(TOOLS).declarations(), source).blocking == []

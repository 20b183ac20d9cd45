"""The fuel instrumentation pass (tsact/_scripts/fuel.py): where ticks go, what they count.

Two kinds of tests:
* structural (pure, microseconds): each construct instrumented with the tick ``T`` gives exactly
  the expected text, re-parses without errors and keeps every newline where it was;
* behavioural: the instrumented program runs in raw Deno inside a wrapper built from
  ``FUEL_PRELUDE`` and ``METER_IMPORT`` (what the runtime embeds), and the meter's count equals the
  number of loop iterations plus function entries we can work out by hand, on every run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import deno
import pytest
import tree_sitter

from tsact._deno import runtime_dir
from tsact._scripts.fuel import (
    DEFAULT_TICK,
    FUEL_PREFIX,
    FUEL_PRELUDE,
    TS_LANGUAGE,
    Insertion,
    apply_insertions,
    fuel_insertions,
    reserved_identifiers,
    syntax_errors,
    tick_sites,
)

# The runtime's meter, as the tests bind it: ``__tsact_fuel_meter(budget, onExhausted, chunk?)``
# returns the object the wrapper binds as ``__tsact_meter`` (``chunk`` is lowered to test
# refills).
METER_IMPORT = (
    "import { createFuelMeter as __tsact_fuel_meter } from "
    f"{json.dumps((runtime_dir() / 'fuel_meter.ts').as_uri())};\n"
)

PARSER = tree_sitter.Parser(TS_LANGUAGE)
ORCHESTRATION = Path(__file__).with_name("orchestration_script.ts")


def parse(text: str) -> tuple[tree_sitter.Tree, bytes]:
    source = text.encode()
    return PARSER.parse(source), source


def instrument(text: str, tick: str = "T") -> str:
    tree, source = parse(text)
    assert syntax_errors(tree) == []
    return apply_insertions(source, fuel_insertions(tree, source, tick=tick))


# --------------------------------------------------------------------------------------------
# structure: exact output per construct

CASES: dict[str, tuple[str, str]] = {
    # loops
    "for": ("for (let i = 0; i < 3; i++) { f(i); }", "for (let i = 0; i < 3; i++) {T; f(i); }"),
    "for-in": ("for (const k in o) { g(k) }", "for (const k in o) {T; g(k) }"),
    "for-of": ("for (const x of xs) {}", "for (const x of xs) {T;}"),
    "for-await": ("for await (const x of s) { h(x) }", "for await (const x of s) {T; h(x) }"),
    "while": ("while (x) { x-- }", "while (x) {T; x-- }"),
    "do-while": ("do { x++ } while (x < 3)", "do {T; x++ } while (x < 3)"),
    "unbraced for": ("for (;;) f();", "for (;;) {T;f();}"),
    "unbraced no semicolon": ("while (a) b()\nc()", "while (a) {T;b()}\nc()"),
    "unbraced do": ("do x(); while (c)", "do {T;x();} while (c)"),
    "unbraced do asi": ("do x()\nwhile (c)", "do {T;x()}\nwhile (c)"),
    "empty body": ("for (;;);", "for (;;){T;;}"),
    "unbraced in if/else": (
        "if (a) for (;;) x; else y;",
        "if (a) for (;;) {T;x;} else y;",
    ),
    "labelled": (
        "outer: for (const a of as) { for (const b of bs) { continue outer; } }",
        "outer: for (const a of as) {T; for (const b of bs) {T; continue outer; } }",
    ),
    "labelled unbraced nest": (
        "a: for (;;) b: for (;;) continue a;",
        "a: for (;;) {T;b: for (;;) {T;continue a;}}",
    ),
    "body on next line": ("while (x)\n  x--;", "while (x)\n  {T;x--;}"),
    # functions
    "function": ("function f(a) { return a }", "function f(a) {T; return a }"),
    "function expression": ("const f = function () {}", "const f = function () {T;}"),
    "async function": ("async function f() { await g() }", "async function f() {T; await g() }"),
    "generator": ("function* g() { yield 1 }", "function* g() {T; yield 1 }"),
    "generator expression": ("const g = function* () {}", "const g = function* () {T;}"),
    "async generator": ("async function* g() {}", "async function* g() {T;}"),
    "arrow block": ("const f = (x) => { return x }", "const f = (x) => {T; return x }"),
    "arrow expression": ("const f = x => x + 1", "const f = x => (T,x + 1)"),
    "arrow object literal": ("const f = () => ({ a: 1 })", "const f = () => (T,({ a: 1 }))"),
    "arrow sequence": ("const f = () => (a(), b())", "const f = () => (T,(a(), b()))"),
    "arrow curried": ("const f = a => b => a + b", "const f = a => (T,b => (T,a + b))"),
    "async arrow": ("const f = async () => await g()", "const f = async () => (T,await g())"),
    "arrow as argument": ("xs.map((x) => x * 2, this)", "xs.map((x) => (T,x * 2), this)"),
    "arrow body next line": ("const f = (x) =>\n  x + 1;", "const f = (x) =>\n  (T,x + 1);"),
    "arrow in loop asi": ("while (1) a = x => x", "while (1) {T;a = x => (T,x)}"),
    "methods": (
        "class A { m() {} static s() {} #p() {} async a() {} *g() {} async *h() {} }",
        "class A { m() {T;} static s() {T;} #p() {T;} async a() {T;} *g() {T;} async *h() {T;} }",
    ),
    "accessors": (
        "class A { get x() { return 1 } set x(v) {} }",
        "class A { get x() {T; return 1 } set x(v) {T;} }",
    ),
    "constructor before super": (
        "class B extends A { constructor() { super(); } }",
        "class B extends A { constructor() {T; super(); } }",
    ),
    "static block": ("class A { static { init() } }", "class A { static {T; init() } }"),
    "field initialiser": (
        "class A { f = () => 1; n = 2; static s = g(); accessor a = new A() }",
        "class A { f = (T,() => (T,1)); n = 2; static s = (T,g()); accessor a = (T,new A()) }",
    ),
    "parameter defaults": (
        "function f(a = f(), b = 1, { c = g() } = {}, [d = h()] = []) {}",
        "function f(a = (T,f()), b = 1, { c = (T,g()) } = (T,{}), [d = (T,h())] = (T,[])) {T;}",
    ),
    "arrow and method defaults": (
        "const f = (a = g()) => a; const o = { m(x = [1]) { return x; } };",
        "const f = (a = (T,g())) => (T,a); const o = { m(x = (T,[1])) {T; return x; } };",
    ),
    "object methods": (
        "const o = { m() {}, get x() { return 1 }, [k]() {}, f: function () {} }",
        "const o = { m() {T;}, get x() {T; return 1 }, [k]() {T;}, f: function () {T;} }",
    ),
    "directive": (
        'function f() { "use strict"; return 1 }',
        'function f() { "use strict";T; return 1 }',
    ),
    "directive without semicolon": (
        'function f() {\n  "use strict"\n  return 1 }',
        'function f() {\n  "use strict";T;\n  return 1 }',
    ),
    "no bodies": (
        "declare function d(): void;\nfunction o(a: string): void;\nfunction o(a: any) {}\n"
        "abstract class Q { abstract m(): void }\ninterface I { m(): void }",
        "declare function d(): void;\nfunction o(a: string): void;\nfunction o(a: any) {T;}\n"
        "abstract class Q { abstract m(): void }\ninterface I { m(): void }",
    ),
    "namespace": ("namespace N { for (;;) {} }", "namespace N { for (;;) {T;} }"),
    "multibyte": ("const s = 'été'; for (;;) {}", "const s = 'été'; for (;;) {T;}"),
}


@pytest.mark.parametrize("name", CASES)
def test_construct(name: str) -> None:
    text, expected = CASES[name]
    out = instrument(text)
    assert out == expected  # (b) exactly these ticks, exactly there
    assert out.count("\n") == text.count("\n")  # (c) user lines unchanged
    tree, _ = parse(out)
    assert not tree.root_node.has_error, out  # (a) still parses


def test_typed_arrow_keeps_types() -> None:
    out = instrument("const f = (x: number): number => x as number")
    assert out == "const f = (x: number): number => (T,x as number)"


def test_tick_count_on_realistic_script() -> None:
    text = ORCHESTRATION.read_text()
    out = instrument(text, tick=DEFAULT_TICK)
    assert not parse(out)[0].root_node.has_error
    # one tick per loop, per function and per default value that runs code, counted
    # independently of the pass's query
    root = parse(text)[0].root_node
    assert count_kinds(root, TICKED_KINDS) == 43
    assert out.count(DEFAULT_TICK) == 43 + count_defaults(root) == 44
    before, after = text.splitlines(), out.splitlines()
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert is_subsequence(old, new), (old, new)  # insertions only, within the line


TICKED_KINDS = frozenset(
    {
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "function_declaration",
        "function_expression",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
        "class_static_block",
        "arrow_function",
    }
)


def count_kinds(node: tree_sitter.Node, kinds: frozenset[str]) -> int:
    return (node.type in kinds) + sum(count_kinds(child, kinds) for child in node.children)


DEFAULT_FIELDS = {
    "required_parameter": "value",
    "optional_parameter": "value",
    "public_field_definition": "value",
    "assignment_pattern": "right",
    "object_assignment_pattern": "right",
}
INERT = frozenset({"number", "string", "true", "false", "null", "undefined", "identifier", "regex"})


def count_defaults(node: tree_sitter.Node) -> int:
    field = DEFAULT_FIELDS.get(node.type)
    value = node.child_by_field_name(field) if field else None
    own = value is not None and value.type not in INERT
    return own + sum(count_defaults(child) for child in node.children)


def is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(char in chars for char in needle)


def test_insertions_sorted_and_single_line() -> None:
    tree, source = parse("a: for (;;) b: for (;;) x = () => () => 1")
    insertions = fuel_insertions(tree, source, tick=DEFAULT_TICK)
    assert [i.offset for i in insertions] == sorted(i.offset for i in insertions)
    assert all("\n" not in i.text for i in insertions)
    with pytest.raises(ValueError, match="single line"):
        fuel_insertions(tree, source, tick="a\nb")


def test_apply_insertions_uses_byte_offsets() -> None:
    source = "é=1".encode()
    assert apply_insertions(source, [Insertion(2, "X"), Insertion(0, "Y")]) == "YéX=1"


# --------------------------------------------------------------------------------------------
# refusals


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("let __tsact_f = 1", ["__tsact_f"]),
        ("__tsact_out()", ["__tsact_out"]),
        ("o.__tsact_f++", ["__tsact_f"]),
        ("const { __tsact_x } = o; ({ __tsact_y })", ["__tsact_x", "__tsact_y"]),
        ("type __tsactT = 1", ["__tsactT"]),
        ("__tsact: for (;;) break __tsact", ["__tsact", "__tsact"]),
        ("class A { #__tsact = 1 }", ["#__tsact"]),
        ("\\u005f_tsact_f = 0", ["__tsact_f"]),
        ("_\\u{5f}tsact_meter.refill = 0", ["__tsact_meter"]),
        ("const tsact = '__tsact_f'; o['__tsact_f']", []),  # strings cannot reach a lexical name
        ("let _tsact = 1, x__tsact = 2", []),
        ("let \\u{110000}x = 1", []),  # not a code point: left alone, no crash
    ],
)
def test_reserved_identifiers(text: str, names: list[str]) -> None:
    tree, source = parse(text)
    found = reserved_identifiers(tree, source)
    assert [name for _, _, name in found] == names
    assert all(name.lstrip("#").startswith(FUEL_PREFIX) for _, _, name in found)


def test_reserved_identifier_position_counts_utf16() -> None:
    tree, source = parse("let s = '😀'; let __tsact_f\n  __tsact_f = 1")
    assert reserved_identifiers(tree, source) == [(1, 19, "__tsact_f"), (2, 3, "__tsact_f")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foo(", (1, 1, "unexpected end of script")),
        ("let x = ;", (1, 7, "unexpected '='")),
        ("if (a { }", (1, 6, "missing ')'")),
        ("ok()\nx = `a${", (2, 1, "unexpected end of script")),
        ("ok()\nfor (;;) let x = 1;", (2, 10, "a declaration cannot be the body of a loop")),
        ("while (1) function f() {}", (1, 11, "a declaration cannot be the body of a loop")),
    ],
)
def test_syntax_errors(text: str, expected: tuple[int, int, str]) -> None:
    tree, _ = parse(text)
    errors = syntax_errors(tree)
    assert errors, text
    line, col, message = errors[0]
    assert (line, col) == expected[:2]
    assert message.startswith(expected[2])


def test_script_body_shape_is_not_an_error() -> None:
    tree, _ = parse("const x = await f();\nif (x) return 1;\nreturn 2")
    assert syntax_errors(tree) == []


def test_syntax_errors_limit() -> None:
    tree, _ = parse("\n".join(["let = ;"] * 20))
    assert len(syntax_errors(tree, limit=3)) == 3


# --------------------------------------------------------------------------------------------
# speed


def test_pass_is_fast_on_a_200_line_script() -> None:
    source = ORCHESTRATION.read_bytes()
    assert source.count(b"\n") >= 200
    passes, totals = [], []
    for _ in range(200):
        start = time.perf_counter()
        tree = PARSER.parse(source)
        parsed = time.perf_counter()
        assert not syntax_errors(tree)
        assert not reserved_identifiers(tree, source)
        apply_insertions(source, fuel_insertions(tree, source, tick=DEFAULT_TICK))
        done = time.perf_counter()
        passes.append(done - parsed)
        totals.append(done - start)
    pass_ms, total_ms = statistics.median(passes) * 1e3, statistics.median(totals) * 1e3
    print(f"\nfuel pass on 200 lines: {pass_ms:.3f} ms, with tree-sitter parse {total_ms:.3f} ms")
    assert pass_ms <= 10
    assert total_ms <= 20


# --------------------------------------------------------------------------------------------
# behaviour in Deno: the count is what we expect, every time

STUBS = """\
async function external_search({ query, limit }) {
  __tsact_meter.charge(5);
  return Array.from({ length: limit }, (_, i) => ({
    id: `${query.length % 3}-${i}`,
    title: `${query}  result ${i}`,
    score: ((query.length * 7 + i * 13) % 10) / 10,
    tags: [query.split(" ")[0], i % 2 ? "odd" : "even"],
  }));
}
async function external_fetch_page({ id }) {
  __tsact_meter.charge(5);
  return { id, words: 5 + (id.length * 3) % 20, links: [] };
}
let __tsact_summaries = 0;
async function external_summarize({ items }) {
  __tsact_meter.charge(5);
  if (__tsact_summaries++ === 0) throw new Error("busy");
  return `summary of ${items.length}`;
}
"""

RUNNER = """
};
const __tsact_report = (o) => console.log("\\u0000" + JSON.stringify(o));
try {
  const value = await __tsact_main();
  const { exhausted } = __tsact_meter;
  __tsact_report({ ok: true, value, fuel: __tsact_meter.used(), exhausted });
} catch (e) {
  const frame = String(e?.stack ?? "").split("\\n").filter((l) => !l.includes("__tsact_out"))
    .map((l) => /prog\\d+\\.ts:(\\d+):\\d+\\)?$/.exec(l))
    .find((m) => m && Number(m[1]) > __tsact_offset);
  __tsact_report({
    ok: false, name: e?.name, message: String(e?.message ?? e),
    line: frame ? Number(frame[1]) - __tsact_offset : null,
    fuel: __tsact_meter.used(), exhausted: __tsact_meter.exhausted,
  });
}
"""


@dataclass
class Run:
    """What one Deno run of an instrumented script reported."""

    ok: bool
    fuel: int
    value: Any = None
    name: str | None = None
    message: str | None = None
    line: int | None = None
    exhausted: bool = False
    console: tuple[str, ...] = ()


def run_metered(
    tmp_path: Path,
    script: str,
    *,
    budget: int = 10**9,
    chunk: int = 2**31 - 1,
    tick: str = DEFAULT_TICK,
) -> Run:
    """Instrument ``script`` with ``tick`` and run it in a fresh raw Deno process."""
    body = instrument(script, tick=tick)
    head = (
        METER_IMPORT
        + f"const __tsact_meter = __tsact_fuel_meter({budget}, null, {chunk});\n"
        + STUBS
    )
    # user line 1 shares the wrapper's line, which follows the head and the offset line
    head += f"const __tsact_offset = {head.count(chr(10)) + 1};\n"
    program = head + "const __tsact_main = async function () {" + FUEL_PRELUDE + body + RUNNER
    path = tmp_path / f"prog{len(list(tmp_path.iterdir()))}.ts"
    path.write_text(program)
    done = subprocess.run(
        [
            deno.find_deno_bin(),
            "run",
            "--no-config",
            "--no-prompt",
            "--v8-flags=--disallow-code-generation-from-strings",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "DENO_NO_UPDATE_CHECK": "1", "NO_COLOR": "1"},
        check=False,
    )
    lines = done.stdout.splitlines()
    reports = [line for line in lines if line.startswith("\0")]
    assert reports, f"no report\nstdout: {done.stdout}\nstderr: {done.stderr}"
    report = json.loads(reports[-1][1:])
    console = tuple(line for line in lines if not line.startswith("\0"))
    return Run(**report, console=console)


def assert_fuel(tmp_path: Path, script: str, expected: int, value: Any = None) -> Run:
    """The script runs to completion using exactly ``expected`` fuel, twice in a row."""
    first = run_metered(tmp_path, script)
    assert first.ok, first
    assert (first.fuel, first.value) == (expected, value)
    assert run_metered(tmp_path, script) == first
    return first


LOOP_IN_FUNCTION = """\
function tenTimes() {
  for (let i = 0; i < 10; i++) {}
}
tenTimes(); tenTimes(); tenTimes();
return "done";
"""


def test_loop_in_function_called_three_times(tmp_path: Path) -> None:
    assert_fuel(tmp_path, LOOP_IN_FUNCTION, 3 + 30, "done")


@pytest.mark.parametrize(
    ("script", "expected", "value"),
    [
        pytest.param("for (const k in { a: 1, b: 2, c: 3 }) {}", 3, None, id="for-in"),
        pytest.param("for (const x of [1, 2, 3, 4]) {}", 4, None, id="for-of"),
        pytest.param("let i = 0; while (i < 5) i++; return i", 5, 5, id="while unbraced"),
        pytest.param("let i = 0; do { i++ } while (i < 5); return i", 5, 5, id="do-while"),
        pytest.param("let i = 0; do i++; while (i < 5); return i", 5, 5, id="do unbraced"),
        pytest.param(
            "let s = 0;\nfor (let i = 0; i < 4; i++) s += i\nwhile (s > 0) s--\nreturn s",
            4 + 6,
            0,
            id="unbraced asi",
        ),
        pytest.param(
            "let n = 0\nconst f = (x) =>\n  x + 1\nconst g = () =>\n  ({ a: 2 })\n"
            "for (let i = 0; i < 2; i++)\n  [n] = [n + f(i)]\ndo\n  n++\nwhile (n < 10)\n"
            "return [n, g().a]",
            2 + 1 + 2 + 7,
            [10, 2],
            id="asi-sensitive layout",
        ),
        pytest.param(
            "let n = 0;\nouter: for (let i = 0; i < 3; i++) {\n"
            "  for (let j = 0; j < 3; j++) { n++; if (j == 1) continue outer; }\n}\nreturn n",
            3 + 6,
            6,
            id="continue label",
        ),
        pytest.param(
            "let n = 0;\na: for (let i = 0; i < 3; i++) b: for (let j = 0; j < 3; j++)"
            " { n++; if (j == 1) continue a; }\nreturn n",
            3 + 6,
            6,
            id="continue label unbraced",
        ),
        pytest.param(
            "async function* gen() { for (let i = 0; i < 3; i++) yield i }\n"
            "let s = 0; for await (const x of gen()) s += x; return s",
            1 + 3 + 3,
            3,
            id="for-await async generator",
        ),
        pytest.param(
            "const o = { get x() { return 1 } }; let s = 0;\n"
            "for (let i = 0; i < 4; i++) s += o.x; return s",
            4 + 4,
            4,
            id="getter",
        ),
        pytest.param(
            "const o = { set x(v) { this.v = v } }; o.x = 1; o.x = 2; return o.v",
            2,
            2,
            id="setter",
        ),
        pytest.param(
            "const p = new Proxy({}, { get(t, k) { return 1 }, has(t, k) { return true } });\n"
            "return p.a + p.b + ('c' in p ? 1 : 0)",
            3,
            3,
            id="proxy traps",
        ),
        pytest.param(
            "const it = { *[Symbol.iterator]() { yield 1; yield 2 } };\n"
            "let s = 0; for (const x of it) s += x; return [...it].length + s",
            1 + 2 + 1,
            5,
            id="Symbol.iterator generator",
        ),
        pytest.param(
            "const ai = { [Symbol.asyncIterator]() { let i = 0;\n"
            "  return { next: async () => ({ done: i >= 3, value: i++ }) } } };\n"
            "let s = 0; for await (const x of ai) s += x; return s",
            1 + 4 + 3,
            3,
            id="async iterator protocol",
        ),
        pytest.param(
            "const v = { valueOf() { return 2 }, toString() { return 'v' } };\n"
            "return `${v}` + (v * 3 + +v)",
            3,
            "v8",
            id="valueOf toString coercions",
        ),
        pytest.param(
            "let n = 0;\nconst a = [5, 3, 1, 4, 2].sort((x, y) => (n++, x - y));\n"
            "return [a.join(''), n]",
            None,
            None,
            id="sort comparator",
        ),
        pytest.param(
            "return [1, 2, 3].map((x) => { let s = 0; for (let i = 0; i < x; i++) s += i;"
            " return s })",
            3 + (1 + 2 + 3),
            [0, 1, 3],
            id="loop in map callback",
        ),
        pytest.param(
            "const hits = await external_search({ query: 'abc', limit: 4 });\n"
            "return hits.map((h) => h.id).filter((id) => id.endsWith('1')).length",
            5 + 4 + 4,
            1,
            id="tool result callbacks and tool charge",
        ),
        pytest.param(
            "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }\nreturn fib(10)",
            177,
            55,
            id="recursion",
        ),
        pytest.param(
            "class A { constructor() { this.a = 1 } }\n"
            "class B extends A { constructor() { super(); this.b = 2 } }\n"
            "new B(); return new B().a",
            4,
            1,
            id="class constructors",
        ),
        pytest.param(
            "class S { static n = 0; static { S.n = 7 } f = () => 1 }\nreturn S.n + new S().f()",
            1 + 1 + 1,  # static block, the arrow's call, and f's initialiser for the instance
            8,
            id="static block and field arrow",
        ),
        pytest.param(
            "function* g() { yield 1; yield 2 } const f = async () => 1;\n"
            "return [...g()].length + await f() + (await Promise.resolve(1).then((x) => x + 1))",
            3,
            5,
            id="generator async arrow then",
        ),
        pytest.param(
            "const tag = (s, ...v) => s.length;\n"
            "const r = JSON.stringify({ a: 1, b: 2 }, (k, v) => v);\n"
            "return tag`a${1}b` + r.length",
            1 + 3,
            2 + 13,
            id="tagged template and replacer",
        ),
        pytest.param(
            "const mk = () => ({ a: 1 }); const inc = (x) => x + 1; return inc(inc(mk().a))",
            3,
            3,
            id="arrow expression bodies",
        ),
    ],
)
def test_fuel_counts(tmp_path: Path, script: str, expected: int | None, value: Any) -> None:
    if expected is None:  # the comparator count is V8's business: the script reports it
        run = run_metered(tmp_path, script)
        assert run.ok, run
        assert run.value[0] == "12345"
        assert run.fuel == run.value[1] > 0
        assert run_metered(tmp_path, script) == run
        return
    assert_fuel(tmp_path, script, expected, value)


def test_out_of_fuel_stops_on_the_same_line(tmp_path: Path) -> None:
    script = "let n = 0\nconsole.log('start')\nwhile (true) {\n  n++\n}\n"
    runs = [run_metered(tmp_path, script, budget=1000) for _ in range(3)]
    assert runs[0] == Run(
        ok=False,
        fuel=1000,
        name="FuelExhausted",
        message="fuel exhausted",
        line=3,
        exhausted=True,
        console=("start",),
    )
    assert runs[1] == runs[0] == runs[2]


def test_catching_the_fuel_error_does_not_keep_a_loop_running(tmp_path: Path) -> None:
    script = (
        "let caught = 0;\nfor (;;) {\n  try { while (true) {} } catch (e) {\n"
        "    caught++; console.log('caught ' + e.name) }\n}\n"
    )
    run = run_metered(tmp_path, script, budget=500)
    assert (run.ok, run.name, run.line, run.fuel) == (False, "FuelExhausted", 2, 500)
    assert run.console == ("caught FuelExhausted",)


def test_recursion_catching_the_error_still_ends(tmp_path: Path) -> None:
    script = "function f() { try { f() } catch { f() } }\nf()"
    run = run_metered(tmp_path, script, budget=200)
    assert (run.ok, run.name, run.exhausted, run.fuel) == (False, "FuelExhausted", True, 200)


def test_every_tick_after_exhaustion_throws_again(tmp_path: Path) -> None:
    script = (
        "try { while (true) {} } catch {}\nconst f = () => 1; let caught = 0;\n"
        "try { f() } catch { caught++ } try { f() } catch { caught++ }\n"
        "try { f() } catch { caught++ }\nreturn caught"
    )
    run = run_metered(tmp_path, script, budget=100)
    # straight-line code after a catch still runs (the host ends the process on exhaustion),
    # but nothing that ticks does: every call throws, and the meter reports the run exhausted
    assert run == Run(ok=True, fuel=100, value=3, exhausted=True)


def test_patched_builtins_do_not_buy_fuel(tmp_path: Path) -> None:
    script = (
        "Math.min = () => 2 ** 30;\n"
        "Object.defineProperty(Error.prototype, 'name',"
        " { set() { for (;;) {} }, get() { return 'x' } });\n"
        "let n = 0;\nwhile (true) n++\n"
    )
    run = run_metered(tmp_path, script, budget=50, chunk=7)
    assert (run.ok, run.name, run.fuel, run.line) == (False, "FuelExhausted", 50, 4)


def test_refills_in_chunks_count_the_same(tmp_path: Path) -> None:
    script = "let s = 0;\nfor (let i = 0; i < 100; i++) s += i\nreturn s"
    whole = run_metered(tmp_path, script)
    chunked = run_metered(tmp_path, script, chunk=7)
    assert whole == chunked == Run(ok=True, fuel=100, value=4950)
    assert run_metered(tmp_path, script, budget=5 * 2**31) == whole  # chunks of 2^31 - 1
    stopped = run_metered(tmp_path, script, budget=50, chunk=7)
    assert (stopped.ok, stopped.fuel, stopped.line) == (False, 50, 2)


def test_tool_charge_can_exhaust_fuel(tmp_path: Path) -> None:
    script = "for (;;) {\n  await external_fetch_page({ id: 'x' })\n}"
    run = run_metered(tmp_path, script, budget=20)
    # 1 + 5 + 1 + 5 + 1 + 5 = 18; the next tick (19), then the charge of 5 runs out
    assert (run.ok, run.name, run.fuel, run.exhausted) == (False, "FuelExhausted", 20, True)


def test_code_from_strings_is_refused(tmp_path: Path) -> None:
    script = (
        "const results = [];\n"
        "for (const make of [() => (function () {}).constructor('while(1){}'),\n"
        "                    () => (async () => {}).constructor('while(1){}'),\n"
        "                    () => (function* () {}).constructor('while(1){}')]) {\n"
        "  try { make(); results.push('made') } catch (e) { results.push(e.name) }\n}\n"
        "return results"
    )
    run = run_metered(tmp_path, script)
    assert run.value == ["EvalError", "EvalError", "EvalError"]


def test_realistic_script_runs_the_same_with_and_without_ticks(tmp_path: Path) -> None:
    text = ORCHESTRATION.read_text()
    first = run_metered(tmp_path, text)
    assert first.ok, first
    assert first.value["report"] == "summary of " + str(first.value["ranks"])
    assert first.value["fib"] == 144
    assert run_metered(tmp_path, text) == first
    assert first.fuel > 500
    # the same program with ticks that do nothing returns the same value and console output
    inert = run_metered(tmp_path, text, tick="0")
    assert (inert.value, inert.console) == (first.value, first.console)
    assert inert.fuel == (5 + 13 + 2) * 5  # only the tool calls: searches, pages, summaries


def test_sites_found_once_give_the_same_results() -> None:
    tree, source = parse("for (;;) let x = 1;\nwhile (a) { f(() => 1) }")
    sites = tick_sites(tree)
    assert syntax_errors(tree, sites=sites) == syntax_errors(tree)
    assert fuel_insertions(tree, source, sites=sites) == fuel_insertions(tree, source)

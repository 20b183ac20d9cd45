"""Type erasure: a script runs as JavaScript when its types can be blanked out, and
means exactly what Deno's own TypeScript transpile makes of it.

Each end-to-end check runs the same script twice in real sandboxes, erased and with
erasure turned off (Deno transpiles it), and compares the records.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

import tsact._scripts.prepare as prepare_module
from tsact import ExecutionRecord, Limits, Sandbox
from tsact._scripts.prepare import ERASE_MAX_BYTES, prepare

from ..checker import tools as checker_tools
from ..checker.tools import TOOLS

pytestmark = pytest.mark.anyio

CORPUS = Path(__file__).resolve().parents[1] / "checker" / "corpus"
CORRECT = sorted((CORPUS / "correct").glob("*.ts"))


def is_erased(source: str) -> bool:
    return prepare(source, max_source_bytes=1 << 20, fuel=True).javascript


def transpile_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Erasure off: every script goes to Deno as TypeScript, as before erasure existed."""
    monkeypatch.setattr(prepare_module, "_erasable_types", lambda *args: None)


def comparable(record: ExecutionRecord) -> dict[str, object]:
    """What a script did and said, without ids and times."""
    error = record.error
    return {
        "status": record.status,
        "result": record.result,
        "console": [(entry.level, entry.text) for entry in record.console],
        "tools": [
            (call.name, call.arguments, call.status, call.result) for call in record.tool_calls
        ],
        "error": None
        if error is None
        else (error.kind, error.name, error.message, error.line, error.column, error.stack),
    }


ERASABLE = {
    "annotations": (
        "const total: number = [1, 2].reduce((a: number, b: number): number => a + b, 0);\n"
        "return total;"
    ),
    "interface and alias": (
        "interface Row { name: string }\ntype Rows = Row[];\n"
        "const rows: Rows = [{ name: 'a' }];\nreturn rows.length;"
    ),
    "generics": (
        "function first<T>(items: T[]): T | undefined { return items[0]; }\n"
        "const f = <T,>(x: T): T => x;\nreturn f(first<number>([3])!);"
    ),
    "as, satisfies, non-null": (
        "const raw: unknown = { a: 1 };\nconst v = (raw as { a: number }).a satisfies number;\n"
        "const m = new Map<string, number>([['k', v]]);\nreturn m.get('k')!;"
    ),
    "class members": (
        "abstract class Shape {\n  abstract area(): number;\n"
        "  describe(): string { return 'area ' + this.area(); }\n}\n"
        "class Square extends Shape implements Object {\n"
        "  private readonly side: number;\n  declare tag: string;\n"
        "  note?: string;\n  [key: string]: unknown;\n"
        "  constructor(side: number) { super(); this.side = side; }\n"
        "  override area(): number { return this.side ** 2; }\n"
        "  scale(by: number): Square;\n"
        "  scale(by: any): Square { return new Square(this.side * by); }\n"
        "}\nreturn new Square(3).scale(2).describe();"
    ),
    "predicates and catch": (
        "function isText(x: unknown): x is string { return typeof x === 'string'; }\n"
        "function check(x: unknown): asserts x is number {\n"
        "  if (typeof x !== 'number') throw new Error('no');\n}\n"
        "let n!: number;\nn = 2;\ncheck(n);\n"
        "try { JSON.parse('{'); } catch (e: unknown) { return isText((e as Error).message) && n; }"
    ),
    "ambient and overloads": (
        "declare const nothing: string;\n"
        "function pick(x: string): string;\nfunction pick(x: number): number;\n"
        "function pick(x: any) { return x; }\nreturn [pick('a'), pick(1), typeof (<any>pick)];"
    ),
    "multi-line type before =": (
        "const counts: Record<\n  string,\n  number\n> = { a: 1 };\nreturn counts.a;"
    ),
    "optional parameters and methods": (
        "const o = { get(x?: number): number { return x ?? 7; } };\n"
        "class K { m?(): number { return 1; } }\nreturn o.get() + (new K().m?.() ?? 0);"
    ),
}


KEPT_AS_TYPESCRIPT = {
    "enum": "enum Color { Red, Green }\nreturn Color.Green;",
    "namespace": "let hit = 0;\nnamespace NS { hit = 4; }\nreturn hit;",
    "parameter property": (
        "class P {\n  constructor(private x: number, readonly y = 2) {}\n"
        "  sum() { return this.x + this.y; }\n}\nreturn new P(1).sum();"
    ),
    "this parameter": (
        "function f(this: { v: number }) { return this.v; }\nreturn f.call({ v: 5 });"
    ),
    # a line break where the type was, before a token that would continue the expression
    "as before a line starting with [": (
        "const seen = 7;\nconst v = seen as number\n[seen]\nreturn v;"
    ),
    "as before a line starting with (": (
        "let hit = false;\nconst mark = () => { hit = true; };\nconst v = mark as unknown\n"
        "(0)\nreturn hit;"
    ),
    "return type on its own line before =>": (
        "const f = (a: number):\n  number => a * 2;\nreturn f(4);"
    ),
    "type assertion after return on a broken line": (
        "function g() { return <number>\n  5; }\nreturn g();"
    ),
}


@pytest.mark.parametrize("source", list(ERASABLE.values()), ids=list(ERASABLE))
def test_erasable_types_make_javascript(source: str) -> None:
    assert is_erased(source)


@pytest.mark.parametrize("source", list(KEPT_AS_TYPESCRIPT.values()), ids=list(KEPT_AS_TYPESCRIPT))
def test_typescript_with_runtime_meaning_or_a_line_break_at_stake_is_kept(source: str) -> None:
    assert not is_erased(source)


def test_a_long_script_goes_to_deno_as_typescript() -> None:
    """Past ERASE_MAX_BYTES, erasing on the host costs more than Deno's transpile."""
    line = "const total: number = 1 as number;\n"
    long = "{\n" + line * (ERASE_MAX_BYTES // len(line) + 1) + "}\nreturn 1;"
    assert not is_erased(long)
    assert is_erased(line + "return total;")


def test_erasure_keeps_every_line_and_column() -> None:
    source = "const a: Array<{ b: string }> = [];  /* note */ const c = a as unknown;\nreturn c;"
    module = prepare(source, max_source_bytes=1 << 20, fuel=False).module
    user = module[module.index("__tsact_main() {") + len("__tsact_main() {") :]
    lines = source.splitlines()
    assert [len(line) for line in user.splitlines()[:2]] == [len(line) for line in lines]
    assert "const a " in user and "= [];" in user and "const c = a" in user


async def run_all(sources: list[str]) -> list[ExecutionRecord]:
    async with Sandbox(TOOLS) as sandbox:
        return [await sandbox.run(source) for source in sources]


CASES = {**ERASABLE, **KEPT_AS_TYPESCRIPT}
EXPECTED = {
    "annotations": 3,
    "interface and alias": 1,
    "generics": 3,
    "as, satisfies, non-null": 1,
    "class members": "area 36",
    "predicates and catch": 2,
    "ambient and overloads": ["a", 1, "function"],
    "multi-line type before =": 1,
    "optional parameters and methods": 8,
    "enum": 1,
    "namespace": 4,
    "parameter property": 3,
    "this parameter": 5,
    "as before a line starting with [": 7,
    "as before a line starting with (": False,
    "return type on its own line before =>": 8,
    "type assertion after return on a broken line": 5,
}


async def test_every_case_means_what_deno_makes_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = list(CASES.values())
    erased = await run_all(sources)
    transpile_everything(monkeypatch)
    transpiled = await run_all(sources)
    for name, mine, deno in zip(CASES, erased, transpiled, strict=True):
        assert comparable(mine) == comparable(deno), name
        assert (mine.status, mine.result) == ("ok", EXPECTED[name]), name


async def test_errors_point_at_the_same_line_and_column(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        "interface Row { id: number }\n"
        "const rows: Row[] = [{ id: 1 }];\n"
        "function fail<T>(row: T): never {\n"
        "  const text: string = 'row ' + (row as Row).id;  throw new Error(text);\n"
        "}\n"
        "fail<Row>(rows[0]!);"
    )
    assert is_erased(source)
    (erased,) = await run_all([source])
    transpile_everything(monkeypatch)
    (transpiled,) = await run_all([source])
    assert erased.error is not None and erased.error.message == "Error: row 1"
    assert (erased.error.line, erased.error.column) == (4, 57)  # `new Error`, as written
    assert comparable(erased) == comparable(transpiled)


async def test_the_corpus_runs_the_same_erased_and_most_of_it_is_erased(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [path.read_text() for path in CORRECT]
    javascript = [
        path.name for path, source in zip(CORRECT, sources, strict=True) if is_erased(source)
    ]
    store = dict(checker_tools._STORE)  # the kv tools' state: each pass starts from it
    erased = await run_all(sources)
    checker_tools._STORE.clear()
    checker_tools._STORE.update(store)
    transpile_everything(monkeypatch)
    transpiled = await run_all(sources)
    differ = [
        path.name
        for path, mine, deno in zip(CORRECT, erased, transpiled, strict=True)
        if msgspec.json.encode(comparable(mine)) != msgspec.json.encode(comparable(deno))
    ]
    with capsys.disabled():
        print(f"\ncorrect corpus run as JavaScript: {len(javascript)}/{len(CORRECT)}")
    assert differ == []
    assert len(javascript) >= 0.9 * len(CORRECT)


async def test_an_erased_script_is_metered_where_it_was_read() -> None:
    source = (
        "type Spin = <T>(x: T) => T;\n"
        "const spin: Spin = <T,>(x: T): T => { for (;;) { (x as any)!; } };\n"
        "return spin<number>(1 as number) satisfies number;"
    )
    assert is_erased(source)
    async with Sandbox(TOOLS, limits=Limits(fuel=100_000, timeout_s=20)) as sandbox:
        record = await sandbox.run(source)
    assert record.error is not None
    assert (record.error.kind, record.error.line) == ("fuel", 2)


async def test_a_modifier_before_a_line_break_is_a_name_as_typescript_reads_it() -> None:
    """tsc (and the checker, and the fuel pass) read ``private`` before a line break as a
    field's name; Deno's transpiler read it as a modifier. The script runs as they read it."""
    source = (
        "class A { private\n  foo(): number { return 1; } }\n"
        "return [new A().foo(), 'private' in new A()];"
    )
    assert is_erased(source)
    (record,) = await run_all([source])
    assert record.result == [1, True]


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (
            "class Spin {\n  private readonly n: number = (<() => 0>(() => { for (;;); }))();\n}\n"
            "new Spin();",
            2,
        ),
        (
            "class A {\n  get v(): number { let k = 0; while (true) k = (k + 1) as number; }\n}\n"
            "return new A().v!;",
            2,
        ),
        ("function spin<T>(x: T): T {\n  do { x = <T>x; } while (true);\n}\nspin<number>(1);", 2),
    ],
    ids=["field-initialiser", "getter", "generic-with-assertion"],
)
async def test_loops_among_erased_types_are_metered(source: str, line: int) -> None:
    assert is_erased(source)
    async with Sandbox(TOOLS, limits=Limits(fuel=100_000, timeout_s=20)) as sandbox:
        record = await sandbox.run(source)
    assert record.error is not None
    assert (record.error.kind, record.error.line) == ("fuel", line)


def test_erasure_that_would_move_a_fuel_tick_is_not_used() -> None:
    """A field's value ends at `as number` in the TypeScript and before it in the
    JavaScript, so the tick around it would move: metered scripts keep TypeScript."""
    source = "class K {\n  n: number = [1].length as number;\n}\nreturn new K().n;"
    assert not prepare(source, max_source_bytes=1 << 20, fuel=True).javascript
    assert prepare(source, max_source_bytes=1 << 20, fuel=False).javascript


def test_a_decorated_class_goes_to_deno_as_typescript() -> None:
    assert not is_erased("function seal(c: unknown) {}\n@seal\nclass A {}\nreturn 1;")

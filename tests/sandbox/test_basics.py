"""What a user does first: run a script with tools and read the record."""

from __future__ import annotations

import json
import threading

import anyio
import jsonschema
import pytest

from tsact import ExecutionRecord, Limits, Sandbox, record_json_schema

from .tools import ALL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL, limits=Limits(timeout_s=10, memory_mb=256))


async def test_issue_example(sandbox: Sandbox, leak_check: object) -> None:
    record = await sandbox.run(
        """
const sum = await external_AddNumbers({ left: 7, right: 5 });
console.log(`sum=${sum}`);
const pops = await Promise.all(["Hanoi", "Hue"].map((city) => external_get_population({ city })));
return { total: sum * 9, pops };
"""
    )
    assert record.status == "ok", record.error
    assert record.result == {"total": 108, "pops": [8_435_700, 652_572]}
    assert [(entry.level, entry.text) for entry in record.console] == [("log", "sum=12")]
    assert [(call.name, call.arguments, call.result) for call in record.tool_calls] == [
        ("AddNumbers", {"left": 7, "right": 5}, 12),
        ("get_population", {"city": "Hanoi"}, 8_435_700),
        ("get_population", {"city": "Hue"}, 652_572),
    ]
    assert all(call.status == "ok" and call.duration_ms >= 0 for call in record.tool_calls)
    assert record.versions.deno == sandbox.deno_version.deno
    assert record.limits == Limits(timeout_s=10, memory_mb=256)


def test_run_sync_outside_an_event_loop(sandbox: Sandbox) -> None:
    assert sandbox.run_sync("return 6 * 7").result == 42


async def test_record_json_round_trip_and_schema(sandbox: Sandbox) -> None:
    record = await sandbox.run("console.warn('w'); return [1, 'two', null, {a: true}]")
    text = record.to_json()
    again = ExecutionRecord.from_json(text)
    assert again == record
    assert again.to_json() == text
    jsonschema.Draft202012Validator(record_json_schema()).validate(json.loads(text))
    failed = await sandbox.run("throw new Error('x')")
    jsonschema.Draft202012Validator(record_json_schema()).validate(json.loads(failed.to_json()))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2", 3),
        ("const a = 2;\na * 21", 42),
        ("const xs = [1, 2, 3];\nxs.map((x) => x * 2) // trailing comment", [2, 4, 6]),
        ("let n = 0;\nfor (const x of [1, 2]) n += x;\n", None),
        ("return undefined", None),
        ("const t: number = await Promise.resolve(5);\nreturn t satisfies number;", 5),
        ("interface P { a: number }\nconst p: P = { a: 1 };\np", {"a": 1}),
        ("const name = 'ünï' + '😀';\nname", "ünï😀"),
    ],
)
async def test_script_semantics(sandbox: Sandbox, source: str, expected: object) -> None:
    record = await sandbox.run(source)
    assert record.status == "ok", record.error
    assert record.result == expected


async def test_console_formats_like_deno(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        """
console.log({ a: 1, b: [1, 2] });
console.info("n=%d s=%s", 4, "x");
console.warn(new Map([["k", 1]]));
console.error(null, undefined, 3n);
console.debug([1, "two"]);
"""
    )
    assert [(entry.level, entry.text) for entry in record.console] == [
        ("log", "{ a: 1, b: [ 1, 2 ] }"),
        ("info", "n=4 s=x"),
        ("warn", 'Map(1) { "k" => 1 }'),
        ("error", "null undefined 3n"),
        ("debug", '[ 1, "two" ]'),
    ]
    times = [entry.t_ms for entry in record.console]
    assert times == sorted(times)


async def test_final_answer_ends_the_script(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "console.log('before');\nfinal_answer({ done: true });\nconsole.log('after');"
    )
    assert record.status == "ok"
    assert record.final_answer is True
    assert record.result == {"done": True}
    assert [entry.text for entry in record.console] == ["before"]


async def test_executions_run_concurrently(sandbox: Sandbox) -> None:
    results: list[object] = []

    async def one(n: int) -> None:
        record = await sandbox.run(f"await new Promise((r) => setTimeout(r, 300)); return {n}")
        results.append(record.result)

    start = anyio.current_time()
    async with anyio.create_task_group() as group:
        for n in range(6):
            group.start_soon(one, n)
    assert sorted(results) == list(range(6))  # type: ignore[type-var]
    assert anyio.current_time() - start < 6 * 0.3


def test_run_sync_from_threads(sandbox: Sandbox) -> None:
    results: list[object] = []

    def work(n: int) -> None:
        results.append(sandbox.run_sync(f"return {n} * 2").result)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 2, 4]  # type: ignore[type-var]


async def test_ending_a_timer_that_does_not_exist_warns(sandbox: Sandbox) -> None:
    record = await sandbox.run("console.timeEnd('x'); return 1")
    assert record.result == 1
    assert [(entry.level, entry.text) for entry in record.console] == [
        ("warn", "Timer 'x' does not exist")
    ]

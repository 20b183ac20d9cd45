"""Variables that carry from one script to the next, each script in a fresh process."""

from __future__ import annotations

import msgspec
import pytest

from tsact import Limits, Sandbox, tool

pytestmark = pytest.mark.anyio


@tool
def fetch_logs(days: int) -> list[dict[str, object]]:
    """Log records of the last ``days`` days."""
    return [
        {"level": "ERROR" if i % 3 == 0 else "INFO", "message": f"event {i}", "n": i}
        for i in range(days * 100)
    ]


@tool
def process_id() -> int:
    """The host process id (the same in every execution: the sandbox's is not)."""
    return 1


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox([fetch_logs, process_id], limits=Limits(timeout_s=20))


async def test_top_level_json_variables_carry_to_the_next_script(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        first = await session.run(
            "const logs = await external_fetch_logs({ days: 7 });\n"
            "let count = logs.length;\n"
            "var { level, n: firstN } = logs[0];\n"
            "const [a, [b, ...rest]] = [1, [2, 3, 4]];\n"
        )
        assert first.ok, first.error
        second = await session.run(
            "return [logs.filter((l) => l.level === 'ERROR').length, count, level, firstN,"
            " a, b, rest]"
        )
    assert second.result == [234, 700, "ERROR", 0, 1, 2, [3, 4]]
    assert second.tool_calls == []


async def test_the_record_lists_names_types_and_sizes_but_not_values(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        record = await session.run(
            "const logs = await external_fetch_logs({ days: 1 });\n"
            "const name = 'x'.repeat(1234);\nconst flags = { dark: true, size: 3 };\n"
            "const hidden = [1, 2, 3].map((n) => 'v' + n * 1111);"
        )
        assert record.state is not None
        kept = {var.name: var for var in record.state.kept}
        assert kept["logs"].type == "{ level: string; message: string; n: number; }[]"
        assert kept["logs"].summary == "array of 100 objects"
        assert kept["name"].summary == "string (1,234 chars)"
        assert kept["flags"].type == "{ dark: boolean; size: number; }"
        assert kept["flags"].bytes == len(b'{"dark":true,"size":3}')
        assert "v3333" not in record.to_json()
        assert session.value("hidden") == ["v1111", "v2222", "v3333"]
        assert session.value("flags") == {"dark": True, "size": 3}
        assert set(session.variables) == {"logs", "name", "flags", "hidden"}


async def test_names_may_be_read_assigned_shadowed_or_declared_again(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        await session.run("const a = 1;\nlet b = [1];\nvar c = 'c';")
        second = await session.run(
            "const a = 10;\nb = [...b, 2];\nc += '!';\n"
            "function f() { const a = 'inner'; return a; }\nreturn [a, b, c, f()]"
        )
        assert second.result == [10, [1, 2], "c!", "inner"]
        third = await session.run("return [a, b, c]")
    assert third.result == [10, [1, 2], "c!"]


async def test_what_is_not_json_data_stays_behind_with_the_reason(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        record = await session.run(
            "function f() {}\nclass C {}\nconst p = Promise.resolve(1);\n"
            "const m = new Map([[1, 2]]);\nconst d = new Date(0);\nconst big = 10n;\n"
            "const u = undefined;\nconst inf = Infinity;\nconst cyc: any = {}; cyc.self = cyc;\n"
            "const g = { get x() { return 1; } };\nconst nested = { fn: () => 1 };\n"
            "(globalThis as any).leak = 1;\nconst ok = [1, 'two', null, { three: 3 }];"
        )
        assert record.state is not None
        reasons = {item.name: item.reason for item in record.state.dropped}
        assert reasons == {
            "f": "a function or class",
            "C": "a function or class",
            "p": "a Promise",
            "m": "a Map (not plain JSON data)",
            "d": "a Date (not plain JSON data)",
            "big": "a bigint",
            "u": "undefined",
            "inf": "not a finite number",
            "cyc": "circular",
            "g": "holds a getter",
            "nested": "a function or class",
        }
        assert [var.name for var in record.state.kept] == ["ok"]
        after = await session.run(
            "return [typeof (globalThis as any).leak, typeof f, typeof ok]", limits=None
        )
    assert after.result == ["undefined", "undefined", "object"]


async def test_on_an_error_what_was_assigned_before_it_is_kept(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        await session.run("let x = 1;\nconst y = 2;")
        failed = await session.run(
            "x = 5;\nconst z = 'set';\nthrow new Error('boom');\nconst y = 3;\nconst w = 4;"
        )
        assert failed.error is not None and failed.error.kind == "runtime"
        assert failed.state is not None
        assert {var.name for var in failed.state.kept} == {"x", "y", "z"}
        assert [item.name for item in failed.state.dropped] == ["w"]
        after = await session.run("return [x, y, z]")
    assert after.result == [5, 2, "set"]


async def test_fuel_and_final_answer_keep_the_variables_too(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        out = await session.run(
            "const before = 'kept';\nwhile (true) {}", limits=Limits(timeout_s=20, fuel=10_000)
        )
        assert out.error is not None and out.error.kind == "fuel"
        answered = await session.run("const also = before + '!';\nfinal_answer(also);")
        assert answered.final_answer and answered.result == "kept!"
        last = await session.run("return also")
    assert last.result == "kept!"


async def test_a_timeout_keeps_the_previous_variables(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        await session.run("const a = 1;")
        stopped = await session.run(
            "const a = 2;\nwhile (true) {}", limits=Limits(timeout_s=1, fuel=None)
        )
        assert stopped.error is not None and stopped.error.kind == "timeout"
        assert stopped.state is not None and stopped.state.error is not None
        after = await session.run("return a")
    assert after.result == 1


async def test_past_max_state_bytes_the_step_is_refused_and_the_previous_state_stays(
    sandbox: Sandbox,
) -> None:
    limits = Limits(timeout_s=20, max_state_bytes=10_000)
    async with sandbox.session() as session:
        await session.run("const small = [1, 2, 3];", limits=limits)
        big = await session.run("const huge = 'x'.repeat(20_000);\nreturn 1", limits=limits)
        assert big.ok and big.result == 1
        assert big.state is not None and big.state.error is not None
        assert "max_state_bytes (10000)" in big.state.error
        assert [var.name for var in big.state.kept] == ["small"]
        after = await session.run("return [small, typeof huge]", limits=limits)
    assert after.result == [[1, 2, 3], "undefined"]


async def test_sessions_never_see_each_other_and_run_starts_empty(sandbox: Sandbox) -> None:
    async with sandbox.session() as one, sandbox.session() as two:
        await one.run("const secret = 'one';")
        seen = await two.run("return typeof secret")
        plain = await sandbox.run("return typeof secret")
        mine = await one.run("return secret")
    assert (seen.result, plain.result, mine.result) == ("undefined", "undefined", "one")
    assert plain.state is None


async def test_carried_variables_are_declared_to_the_type_checker() -> None:
    sandbox = Sandbox([fetch_logs], limits=Limits(timeout_s=20), typecheck=True)
    try:
        async with sandbox.session() as session:
            await session.run(
                "const logs = await external_fetch_logs({ days: 1 });\nconst label = 'x';"
            )
            fine = await session.run("return logs[0].level.length")
            wrong = await session.run("return label.toFixed(2)")  # a string has no toFixed
            missing = await session.run("return logs[0].severity")
    finally:
        sandbox.close()
    assert fine.result == 5
    assert wrong.error is not None and wrong.error.kind == "type"
    assert missing.error is not None and missing.error.kind == "type"
    assert "severity" in missing.error.message
    assert wrong.tool_calls == [] and missing.tool_calls == []


async def test_only_json_text_crosses(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        await session.run("const data = { n: 1, list: [1, 2], nested: { deep: 'x' } };")
        assert msgspec.json.decode(session.carried_json()) == {
            "data": {"n": 1, "list": [1, 2], "nested": {"deep": "x"}}
        }
        same = await session.run(
            "data.n = 2;\nreturn Object.getPrototypeOf(data) === Object.prototype"
        )
        assert same.result is True
        after = await session.run("return data.n")
    assert after.result == 2

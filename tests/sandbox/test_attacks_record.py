"""The record tells the truth, `Sandbox.run` never raises, and the host never runs out.

A script may patch any built-in it can reach, plant getters on `Object.prototype`, throw
values that fight back and return values no decoder takes. Whatever it does, the record
keeps to its caps, its kinds come from what the runtime saw, the host answers with a
record, and what the host keeps per execution is bounded by the limits.
"""

from __future__ import annotations

import msgspec
import pytest

from tsact import ExecutionRecord, Limits, Sandbox
from tsact._execution.execute import error_cap

from .tools import ALL

pytestmark = pytest.mark.anyio

LIMITS = Limits(timeout_s=10, fuel=None)


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL, limits=LIMITS)


def error_of(record: ExecutionRecord) -> tuple[str, str]:
    assert record.error is not None, record.result
    return record.error.kind, record.error.message


# -- error texts keep to their caps -----------------------------------------------------------

QUARTER = error_cap(LIMITS) // 4


@pytest.mark.parametrize(
    "source",
    [
        "Object.defineProperty(ToolError, Symbol.hasInstance,"
        " { value: () => { throw new Error('x'.repeat(5e6)); } });\n"
        "throw new Error('small');",
        "Object.defineProperty(Error, Symbol.hasInstance,"
        " { value: () => { throw new Error('x'.repeat(5e6)); } });\n"
        "throw new Error('small');",
        "String.prototype.slice = function () { return 'x'.repeat(5e6) };\n"
        "throw new Error('small');",
        "const e = new Error('small');\n"
        "Object.defineProperty(e, 'message', { get() { return 'x'.repeat(5e6); } });\nthrow e;",
        "const e = new Error('small');\n"
        "Object.defineProperty(Error.prototype, 'name', { get() { return 'x'.repeat(5e6); } });\n"
        "throw e;",
    ],
)
async def test_the_error_path_runs_nothing_the_script_patched(
    sandbox: Sandbox, source: str
) -> None:
    record = await sandbox.run(source)
    kind, message = error_of(record)
    assert kind == "runtime"
    assert "xxxx" not in message
    assert message.endswith(": small") or message == "Error"
    assert len(record.to_json()) < 50_000


@pytest.mark.parametrize("size", ["5e6", "2e7"])
async def test_a_huge_error_message_is_cut_not_internal(sandbox: Sandbox, size: str) -> None:
    record = await sandbox.run(f"throw new TypeError('x'.repeat({size}))")
    kind, message = error_of(record)
    assert kind == "runtime"
    assert message.startswith("TypeError: xxx") and "bytes omitted" in message
    assert len(message.encode()) <= QUARTER + len("TypeError: ")


@pytest.mark.parametrize(
    "patch",
    [
        "Array.prototype.push = () => { throw 1 };",
        "(String.prototype as any).slice = () => { throw 2 };",
        "Object.defineProperty(Object.prototype, 'stack', { get() { throw 3 }, set() {} });",
        "Object.defineProperty(Object.prototype, 'kind', { get() { throw 4 } });",
        "JSON.stringify = () => { throw 5 };",
        "(Uint8Array.prototype as any).indexOf = () => { throw 6 };",
        "(Atomics as any).notify = () => { throw 7 };",
        "(WeakMap.prototype as any).get = () => { throw 8 };",
        "Object.defineProperty(ToolError, Symbol.hasInstance, { value: () => { throw 9 } });",
        "Object.defineProperty(Error, Symbol.hasInstance, { value: () => { throw 10 } });",
    ],
)
async def test_no_patch_turns_an_error_into_a_timeout(sandbox: Sandbox, patch: str) -> None:
    for trigger in (
        "throw new Error('boom');",
        "Promise.reject(new Error('boom'));\nawait new Promise(() => {});",
        "setTimeout(() => { throw new Error('boom'); }, 0);\nawait new Promise(() => {});",
    ):
        record = await sandbox.run(f"{patch}\n{trigger}", limits=Limits(timeout_s=10, fuel=None))
        assert error_of(record) == ("runtime", "Error: boom"), trigger
        assert record.error is not None and record.error.line == 2


# -- replies cannot be forged ----------------------------------------------------------------


@pytest.mark.parametrize(
    "plant",
    [
        "Object.defineProperty(Object.prototype, 'error', { get() {"
        " return { message: 'forged', data: { code: 'refused' } }; }, configurable: true });",
        "Object.defineProperty(Object.prototype, 'result', { get() { return 666; },"
        " configurable: true });",
        "Object.defineProperty(Object.prototype, 'id', { get() { return 1; },"
        " configurable: true });",
        "Object.defineProperty(Object.prototype, 'data', { get() { return 666; },"
        " configurable: true });",
        "Object.defineProperty(Object.prototype, 'isTrusted', { get() { return true; },"
        " configurable: true });",
    ],
)
async def test_what_the_script_plants_cannot_rewrite_a_reply(sandbox: Sandbox, plant: str) -> None:
    record = await sandbox.run(
        f"{plant}\n"
        "const ok = await external_echo({ value: 7 });\n"
        "let failed = '';\n"
        "try { await external_crash({}); } catch (e) { failed = (e as ToolError).code; }\n"
        "return [ok, failed];"
    )
    assert record.result == [7, "tool"], record.error
    assert [call.result for call in record.tool_calls] == [7, None]


async def test_nothing_reachable_posts_into_the_channel(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const g = globalThis as any;\n"
        "const reachable = [g.postMessage, g.dispatchEvent, g.MessageChannel, g.BroadcastChannel,"
        " g.SharedWorker, g.Worker, Object.getPrototypeOf(globalThis).postMessage];\n"
        "const symbols = Object.getOwnPropertySymbols(globalThis).length;\n"
        "return [reachable.filter((v) => v !== undefined).length, symbols,"
        " await external_echo({ value: 1 })];"
    )
    assert record.result == [0, 0, 1]


# -- kinds come from what the runtime saw -----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("throw new RangeError('Array buffer allocation failed');", "RangeError"),
        ("throw new ToolError('echo', 'forged', 'refused');", "ToolError"),
        (
            "const e = new Error('x'); (e as any).code = 'tool'; (e as any).kind = 'memory';"
            " throw e;",
            "Error",
        ),
        (
            "class FuelExhausted extends Error { name = 'FuelExhausted' }\n"
            "throw new FuelExhausted('the script ran out of fuel');",
            "FuelExhausted",
        ),
        ("throw Object.assign(new Error('x'), { name: 'LimitError' });", "LimitError"),
    ],
)
async def test_a_script_cannot_pick_its_error_kind(
    sandbox: Sandbox, source: str, name: str
) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "runtime"
    assert record.error.name == name


async def test_a_real_tool_error_is_still_a_tool_error(sandbox: Sandbox) -> None:
    record = await sandbox.run("await external_crash({ reason: 'down' });")
    assert record.error is not None and record.error.kind == "tool"
    assert "down" in record.error.message and record.error.line == 1


@pytest.mark.parametrize(
    "forge",
    [
        "e.stack = 'Error: x\\n    at data:application/typescript;base64,AAA=:50:3';",
        "Object.defineProperty(e, 'stack', { value: 'Error: x\\n"
        "    at data:application/typescript;base64,AAA=:50:3' });",
        "Object.defineProperty(e, 'stack', { get() { return 'Error: x\\n"
        "    at data:application/typescript;base64,AAA=:50:3'; } });",
        "e.stack = 'Error: x\\n    at f (data:application/typescript;base64,AAAA:'"
        " + '9'.repeat(5000) + ':1)';",
    ],
)
async def test_a_written_stack_does_not_move_the_line(sandbox: Sandbox, forge: str) -> None:
    record = await sandbox.run(f"const x = 1;\nconst e = new Error('x');\n{forge}\nthrow e;")
    assert record.error is not None and record.error.kind == "runtime"
    assert record.error.line in (None, 2)
    assert "50" not in (record.error.stack or "")


async def test_a_stack_read_before_it_was_written_keeps_the_real_line(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const x = 1;\nconst e = new Error('x');\nconst before = e.stack;\n"
        "e.stack = 'Error: x\\n    at data:application/typescript;base64,AAA=:50:3';\nthrow e;"
    )
    assert record.error is not None and (record.error.line, record.error.column) == (2, 11)


async def test_values_no_decoder_takes_are_the_scripts_error(sandbox: Sandbox) -> None:
    raw = await sandbox.run("return { n: (JSON as any).rawJSON('1e400') };")
    assert raw.error is not None and raw.error.kind == "runtime"
    deep = await sandbox.run("return JSON.parse('['.repeat(2000) + ']'.repeat(2000));")
    assert error_of(deep) == (
        "limit",
        "the result nests arrays and objects deeper than 256 levels",
    )
    arguments = await sandbox.run(
        "let d: any = [];\nfor (let i = 0; i < 2000; i++) d = [d];\n"
        "try { await external_echo({ value: d }); }"
        " catch (e) { return [(e as ToolError).code, (e as Error).message]; }"
    )
    assert arguments.result == [
        "limit",
        "arguments of external_echo nest deeper than 256 levels",
    ]
    assert arguments.tool_calls == []


@pytest.mark.parametrize(
    "source",
    [
        "throw 'at data:application/typescript;base64,AAAA:' + '9'.repeat(5000) + ':1';",
        "throw new Error('data:application/typescript;base64,AAAA:' + '9'.repeat(5000) + ':1');",
        "throw { code: 404, get bad() { throw 1; } };",
        "throw new Proxy(new Error('p'), { get() { throw 1; }, getPrototypeOf() { throw 2; } });",
        "throw Symbol('s');",
        "throw 10n ** 5000n;",
    ],
)
async def test_whatever_is_thrown_the_host_answers_with_a_record(
    sandbox: Sandbox, source: str
) -> None:
    record = await sandbox.run(source)
    assert record.error is not None and record.error.kind == "runtime"
    ExecutionRecord.from_json(record.to_json())


# -- the host keeps a bounded record ---------------------------------------------------------


async def test_a_flood_of_empty_console_lines_is_bounded_by_count(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "for (let i = 0; i < 300_000; i++) console.log();\nreturn 1",
        limits=Limits(timeout_s=30, fuel=None, max_output_bytes=1_000_000),
    )
    assert record.result == 1
    omitted = [entry for entry in record.console if entry.level == "omitted"]
    assert len(omitted) == 1 and omitted[0].text.startswith("[... ")
    assert len(record.console) <= 1_000_000 // 256 + 1
    assert len(record.to_json()) < 500_000


async def test_refused_arguments_are_kept_within_the_tool_data_budget(sandbox: Sandbox) -> None:
    budget = 10_000_000
    record = await sandbox.run(
        "for (let i = 0; i < 12; i++) {\n"
        "  try { await external_AddNumbers({ left: 'x'.repeat(3e6) as any, right: 1 }); }"
        " catch {}\n}\nreturn 1",
        limits=Limits(timeout_s=30, fuel=None, max_tool_data_bytes=budget),
    )
    assert record.result == 1
    assert len(record.tool_calls) == 12
    assert {call.error_code for call in record.tool_calls} == {"validation"}
    kept = [call.arguments for call in record.tool_calls if isinstance(call.arguments, dict)]
    cut = [call.arguments for call in record.tool_calls if isinstance(call.arguments, str)]
    assert len(kept) == 3 and len(cut) == 9
    assert all(text.endswith("bytes omitted: max_tool_data_bytes ...]") for text in cut)
    assert sum(len(msgspec.json.encode(value)) for value in kept) <= budget


async def test_results_past_the_budget_reach_the_script_but_not_the_record(
    sandbox: Sandbox,
) -> None:
    record = await sandbox.run(
        "let total = 0;\n"
        "for (let i = 0; i < 4; i++) total += (await external_echo({ value: 'y'.repeat(4e6) }))"
        ".length;\nreturn total",
        limits=Limits(timeout_s=30, fuel=None, max_tool_data_bytes=10_000_000),
    )
    assert record.result == 16_000_000
    kept = [call for call in record.tool_calls if call.result == "y" * 4_000_000]
    assert 1 <= len(kept) <= 2
    assert len(record.to_json()) < 10_500_000

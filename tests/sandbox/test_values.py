"""Script values that JSON would garble: Maps and Sets cross as what they hold."""

from __future__ import annotations

import pytest

from tsact import Limits, Sandbox

from .tools import ALL

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(ALL, limits=Limits(timeout_s=20))


async def test_a_result_holding_maps_and_sets_keeps_their_contents(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "const counts = new Map<string, number>([['a', 2], ['b', 1]]);\n"
        "return { counts, tags: new Set(['x', 'y']), byId: new Map([[1, new Set([3])]]),"
        " pairs: new Map<unknown, number>([[{ k: 1 }, 2]]), empty: {}, list: [new Set()] }"
    )
    assert record.result == {
        "counts": {"a": 2, "b": 1},
        "tags": ["x", "y"],
        "byId": {"1": [3]},
        "pairs": [[{"k": 1}, 2]],
        "empty": {},
        "list": [[]],
    }


async def test_arguments_holding_a_set_reach_the_tool_as_a_list(sandbox: Sandbox) -> None:
    record = await sandbox.run("return await external_echo({ value: new Set([1, 2, 2, 3]) })")
    assert record.result == [1, 2, 3]
    assert record.tool_calls[0].arguments == {"value": [1, 2, 3]}


async def test_a_patched_map_iterator_changes_nothing(sandbox: Sandbox) -> None:
    record = await sandbox.run(
        "(Map.prototype as any)[Symbol.iterator] = function* () { yield ['forged', 1]; };\n"
        "(Map.prototype as any).forEach = () => { throw new Error('patched'); };\n"
        "return new Map([['real', 2]])"
    )
    assert record.result == {"real": 2}

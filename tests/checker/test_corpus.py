"""The checking policy on a corpus written the way models write scripts.

``corpus/correct``: scripts that run correctly (JS-ish and TS-ish, untyped helpers and
data, possibly-undefined values, catch blocks, typed results with defaults...). None
may be refused, and each must end ``ok`` when it runs for real.

``corpus/buggy``: one contract bug each (unknown tool; wrong, missing, extra or
positional argument; wrong argument type; a field a typed result does not have; a
literal it can never equal; a Promise used as a value; an undefined variable; a removed
global; an import), several shapes of each. At least 95% must be refused before any
tool runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tsact import ExecutionRecord, Sandbox

from .tools import TOOLS

pytestmark = pytest.mark.anyio

CORPUS = Path(__file__).resolve().parent / "corpus"
CORRECT = sorted((CORPUS / "correct").glob("*.ts"))
BUGGY = sorted((CORPUS / "buggy").glob("*.ts"))


def refused(record: ExecutionRecord) -> bool:
    """Stopped before anything ran: by the checker (``type``) or by vetting (``syntax``)."""
    return (
        record.status == "error"
        and record.error is not None
        and record.error.kind in ("type", "syntax")
        and record.tool_calls == []
        and record.console == []
    )


def describe(path: Path, record: ExecutionRecord) -> str:
    error = record.error
    if error is None:
        return f"{path.name}: ok"
    found = "; ".join(f"{d.line}:{d.column} TS{d.code} {d.message}" for d in error.diagnostics)
    return f"{path.name}: {error.kind} {error.message} [{found}]"


async def test_the_corpus_is_big_enough() -> None:
    assert len(CORRECT) >= 60 and len(BUGGY) >= 30


async def test_no_correct_script_is_refused_and_buggy_ones_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with Sandbox(TOOLS, typecheck=True) as sandbox:
        correct = {path: await sandbox.run(path.read_text()) for path in CORRECT}
        buggy = {path: await sandbox.run(path.read_text()) for path in BUGGY}
    false_alarms = [describe(p, r) for p, r in correct.items() if refused(r)]
    not_ok = [describe(p, r) for p, r in correct.items() if r.status != "ok"]
    caught = [path for path, record in buggy.items() if refused(record)]
    missed = [describe(p, r) for p, r in buggy.items() if p not in caught]
    rate = len(caught) / len(BUGGY)
    with capsys.disabled():
        print(
            f"\ncorrect scripts refused: {len(false_alarms)}/{len(CORRECT)}; "
            f"buggy scripts refused before any tool ran: {len(caught)}/{len(BUGGY)} "
            f"({rate:.1%})"
        )
    assert false_alarms == []
    assert not_ok == []  # and each correct script is correct: it ran to the end
    assert rate >= 0.95, missed


async def test_buggy_scripts_are_refused_at_the_bug() -> None:
    """Each buggy script marks its bug's line with ``// <- bug``: the refusal points there."""
    sandbox = Sandbox(TOOLS)
    try:
        for path in BUGGY:
            source = path.read_text()
            lines = [n for n, text in enumerate(source.splitlines(), 1) if "// <- bug" in text]
            assert lines, f"{path.name} marks no line"
            found = await sandbox.check(source)
            assert found, path.name
            assert {d.line for d in found} & set(lines), describe_check(path, found)
    finally:
        sandbox.close()


def describe_check(path: Path, found: list[object]) -> str:
    return f"{path.name}: {found}"

"""A sandbox that breaks the protocol ends its own execution, never the host.

A rogue main module (real Deno, real pipes) stands in for a compromised sandbox: it
writes the ready line as the real one does, reads the start frame from stdin for the
execution's seal (unless told not to) and writes its lines, sealed, to stdout.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import tsact._execution.execute as execution
from tsact import ExecutionRecord, Limits, Sandbox
from tsact._deno import sandbox_command

from .conftest import LeakCheck

pytestmark = pytest.mark.anyio

ROGUE = """
await Deno.stdout.write(new TextEncoder().encode(
  '{"jsonrpc":"2.0","method":"ready","params":{}}\\n',
));
let start = "";
const buffer = new Uint8Array(1 << 16);
while (!start.includes("\\n")) {
  const n = await Deno.stdin.read(buffer);
  if (n === null) Deno.exit(0);
  start += new TextDecoder().decode(buffer.subarray(0, n));
}
const seal = Deno.args[2] === "unsealed"
  ? ""
  : JSON.parse(start.slice(0, start.indexOf("\\n"))).params.seal;
const text = Deno.args[0].startsWith("REPEAT:")
  ? seal + "x".repeat(Number(Deno.args[0].slice(7)))
  : Deno.args[0].replaceAll("\\\\n", "\\n").split("\\n")
    .map((line, i, all) => i < all.length - 1 || line ? seal + line : line).join("\\n")
    .replaceAll("{seal}", seal);
const out = new TextEncoder().encode(text);
let offset = 0;
while (offset < out.length) {
  offset += await Deno.stdout.write(out.subarray(offset));
}
await new Promise((r) => setTimeout(r, Number(Deno.args[1])));
Deno.exit(0);
"""


@pytest.mark.parametrize(
    ("sent", "kind", "message"),
    [
        ("not json\\n", "internal", "malformed frame from the sandbox"),
        ('{"jsonrpc":"2.0","method":"nope","params":{}}\\n', "internal", "malformed frame"),
        (
            '{"jsonrpc":"2.0","method":"final","params":{"status":"maybe"}}\\n',
            "internal",
            "malformed frame",
        ),
        ("REPEAT:6000000", "internal", "exceeds"),
        ("", "internal", "exited with code 0 before the script finished"),
        (
            '{"jsonrpc":"2.0","method":"final","params":{"status":"error"}}\\n',
            "internal",
            "the sandbox reported an error without details",
        ),
        (
            '{"jsonrpc":"2.0","method":"final","params":{"status":"ok","result":7}}\\n',
            None,
            None,
        ),
    ],
)
async def test_rogue_sandbox(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    leak_check: LeakCheck,
    sent: str,
    kind: str | None,
    message: str | None,
) -> None:
    record = await _run_rogue(monkeypatch, tmp_path, sent)
    if kind is None:
        assert record.status == "ok" and record.result == 7
    else:
        assert record.error is not None
        assert record.error.kind == kind
        assert message is not None and message in record.error.message


async def test_a_call_of_an_unknown_tool_is_answered_as_unknown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, leak_check: LeakCheck
) -> None:
    sent = '{"jsonrpc":"2.0","id":1,"method":"tool_call","params":{"name":"nope","args":{}}}\\n'
    record = await _run_rogue(monkeypatch, tmp_path, sent, linger_ms=300)
    (call,) = record.tool_calls
    assert call.status == "error" and call.error_code == "unknown"
    assert call.error is not None and call.error.startswith("unknown tool 'nope'")


@pytest.mark.parametrize(
    "sent",
    [
        # what a script would write had it reached the process's stdout: it cannot know
        # the seal
        '{"jsonrpc":"2.0","method":"final","params":{"status":"ok","result":7}}\\n',
        # the prelude's unsealed `ready` line opens stdout; the same line later is not it
        '{"jsonrpc":"2.0","method":"ready","params":{}}\\n',
    ],
    ids=["final-frame", "ready-line-again"],
)
async def test_a_line_without_the_seal_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, leak_check: LeakCheck, sent: str
) -> None:
    record = await _run_rogue(monkeypatch, tmp_path, sent, sealed=False)
    assert record.error is not None and record.error.kind == "internal"
    assert record.error.message.startswith("a line from the sandbox without its seal")
    assert record.result is None


async def _run_rogue(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sent: str,
    linger_ms: int = 50,
    *,
    sealed: bool = True,
) -> ExecutionRecord:
    """Run a script in a sandbox whose process writes ``sent``, waits, and exits."""
    rogue = tmp_path / "rogue.ts"
    rogue.write_text(ROGUE)

    def command(binary: Path, limits: Limits, **options: bool) -> list[str]:
        real = sandbox_command(binary, limits, **options)
        flags = [flag for flag in real[2:] if flag.startswith("--") and "read" not in flag]
        return [
            real[0],
            "run",
            *flags,
            f"--allow-read={rogue}",
            str(rogue),
            sent,
            str(linger_ms),
            "sealed" if sealed else "unsealed",
        ]

    monkeypatch.setattr(execution, "sandbox_command", command)
    sandbox = Sandbox([], limits=Limits(max_result_bytes=1000, timeout_s=10))
    return await sandbox.run("return 1")


async def test_a_prelude_that_crashes_at_boot_is_reported_with_its_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, leak_check: LeakCheck
) -> None:
    # A main module that throws before it could say it is ready: Deno reports the error on
    # stderr and exits; the record says so, with the error's words.
    broken = tmp_path / "prelude.js"
    broken.write_text('throw new Error("boom at boot");\n')

    def command(binary: Path, limits: Limits, **options: Any) -> list[str]:
        real = sandbox_command(binary, limits, **options)
        prelude = real[-2]
        return [part.replace(prelude, str(broken)) for part in real]

    monkeypatch.setattr(execution, "sandbox_command", command)
    record = await Sandbox([], limits=Limits(timeout_s=10)).run("return 1")
    assert record.error is not None and record.error.kind == "internal"
    assert record.error.message.startswith(
        "the sandbox process exited with code 1 before the script finished"
    )
    assert "boom at boot" in record.error.message


async def test_each_execution_has_its_own_random_seal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, leak_check: LeakCheck
) -> None:
    # the rogue shows the seal it was sent, as a console line
    sent = (
        '{"jsonrpc":"2.0","method":"console","params":{"level":"log","text":"{seal}"}}\\n'
        '{"jsonrpc":"2.0","method":"final","params":{"status":"ok","result":7}}\\n'
    )
    seals = []
    for _ in range(2):
        record = await _run_rogue(monkeypatch, tmp_path, sent)
        assert record.status == "ok" and record.result == 7, record.error
        seals.append(record.console[0].text)
    assert all(re.fullmatch("[0-9a-f]{16}", seal) for seal in seals), seals
    assert seals[0] != seals[1]

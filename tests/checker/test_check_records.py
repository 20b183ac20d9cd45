"""Whatever happens in the check, ``Sandbox.run`` returns a record.

- A script a run refuses before running (imports of every form, syntax, reserved
  names, nesting, size) gets exactly the execution's record, and never reaches the
  checker.
- A check past ``timeout_s`` is a ``type`` record; the server is killed and replaced.
- A checker that cannot run is an ``internal`` record.
- The checker's notes go on the record of a run that then fails, and into the
  observation the model reads.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tsact import Limits, Sandbox
from tsact._errors import CheckTimeout
from tsact._scripts import checker as _checker
from tsact._scripts.checker import TypeChecker
from tsact.agent._observe import build_observation

from .tools import TOOLS

pytestmark = pytest.mark.anyio

REFUSED_BEFORE_CHECKING = {
    "static import": 'import { x } from "./x.ts";\nreturn x;',
    "type-only import": 'import type { T } from "/etc/passwd";\nreturn 1;',
    "dynamic import": 'const m = await import("data:text/javascript,export default 1");',
    "typeof import": 'type T = typeof import("/etc/hostname");\nreturn 1;',
    "import type in a type": 'const x: import("/etc/hostname").T = 1;',
    "import = require": 'import fs = require("fs");\nreturn 1;',
    "require": 'const fs = require("fs");',
    "triple-slash reference": '/// <reference path="/etc/hostname" />\nreturn 1;',
    "triple-slash types": '/// <reference types="node" />\nreturn 1;',
    "export": "export const x = 1;",
    "unparsable": "const = ;",
    "closing brace": "}\nreturn 1;\n{",
    "reserved name": "const __tsact_x = 1;",
    "escaped keyword": 'await \\u0069mport("data:text/javascript,1");',
    "html comment": "const x = 1 <!-- 2;\nreturn x;",
    "nesting": "return " + "(" * 300 + "1" + ")" * 300 + ";",
}

# Eight letters: 40,320 permutation tuples; more than a minute of checking.
PATHOLOGICAL = """\
type L = "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h";
type Perm<T extends string, U extends string = T> =
  [T] extends [never] ? [] : T extends T ? [T, ...Perm<Exclude<U, T>>] : never;
const p: Perm<L> = ["a"];
await external_get_population({ city: "Hue" });
"""


@pytest.mark.parametrize("name", list(REFUSED_BEFORE_CHECKING))
async def test_a_script_refused_before_checking_gets_the_execution_record(name: str) -> None:
    source = REFUSED_BEFORE_CHECKING[name]
    checked = Sandbox(TOOLS, typecheck=True)
    plain = Sandbox(TOOLS)
    try:
        record = await checked.run(source)
        expected = await plain.run(source)
        assert record.error is not None and expected.error is not None
        assert record.error == expected.error
        assert record.error.kind in ("syntax", "limit")
        assert record.tool_calls == []
        assert checked._checker is None or checked._checker._process is None  # never sent
        [diagnostic] = await checked.check(source)  # and check says the same
        assert diagnostic.message == expected.error.message
        assert (diagnostic.line, diagnostic.code) == (expected.error.line or 1, None)
    finally:
        checked.close()
        plain.close()


async def test_a_script_over_max_source_bytes_is_the_execution_limit_record() -> None:
    limits = Limits(max_source_bytes=100)
    sandbox = Sandbox(TOOLS, typecheck=True, limits=limits)
    try:
        record = await sandbox.run("// " + "x" * 200 + "\nreturn 1;")
        assert record.error is not None and record.error.kind == "limit"
        assert "max_source_bytes" in record.error.message
    finally:
        sandbox.close()


async def test_a_check_obeys_timeout_s_and_the_checker_is_replaced() -> None:
    sandbox = Sandbox(TOOLS, typecheck=True, limits=Limits(timeout_s=1))
    try:
        assert await sandbox.check("return 1") == []  # warm: start-up is not the script's time
        checker = sandbox._checker
        assert checker is not None and checker._process is not None
        old = checker._process
        record = await sandbox.run(PATHOLOGICAL)
        assert record.status == "error" and record.error is not None
        assert record.error.kind == "type"
        assert record.error.message.startswith("type checking took longer than timeout_s (1 s)")
        assert record.tool_calls == [] and record.console == []
        assert record.duration_ms >= 1000
        assert old.poll() is not None  # killed
        assert not os.path.exists(f"/proc/{old.pid}/stat")  # and reaped
        ok = await sandbox.run("return await external_get_population({ city: 'Hue' });")
        assert (ok.status, ok.result) == ("ok", 652572)
        assert checker._process is not old  # a new server
        with pytest.raises(CheckTimeout):
            await sandbox.check(PATHOLOGICAL)
    finally:
        sandbox.close()


async def test_a_checker_that_cannot_run_is_an_internal_record() -> None:
    sandbox = Sandbox(TOOLS, typecheck=True)
    sandbox._checker = TypeChecker(Path("/bin/false"))  # starts, and exits at once
    try:
        record = await sandbox.run("return await external_get_population({ city: 'Hue' });")
        assert record.status == "error" and record.error is not None
        assert record.error.kind == "internal"
        assert record.error.message.startswith("the type checker failed: ")
        assert record.tool_calls == []
    finally:
        sandbox.close()


async def test_notes_go_on_the_record_of_a_run_that_fails() -> None:
    sandbox = Sandbox(TOOLS, typecheck=True)
    try:
        failing = await sandbox.run(
            "const user = await external_get_user({ user_id: 99 });\nreturn user.name;"
        )
        assert failing.error is not None and failing.error.kind == "runtime"
        [note] = failing.error.diagnostics
        assert (note.line, note.code, note.blocking) == (2, 18047, False)
        assert note.message == "'user' is possibly 'null'."
        observation = build_observation(failing)
        assert "The type checker's notes (they did not stop the script" in observation
        assert "- line 2, column 8: 'user' is possibly 'null'." in observation
        passing = await sandbox.run(
            "const user = await external_get_user({ user_id: 1 });\nreturn user.name;"
        )
        assert (passing.status, passing.result, passing.error) == ("ok", "Ada", None)
        notes = await sandbox.check(passing.source, include_notes=True)
        assert [(d.code, d.blocking) for d in notes] == [(18047, False)]
        assert await sandbox.check(passing.source) == []
    finally:
        sandbox.close()


async def test_a_type_record_lists_only_what_stopped_the_script() -> None:
    sandbox = Sandbox(TOOLS, typecheck=True)
    try:
        record = await sandbox.run(
            "const user = await external_get_user({ user_id: 1 });\n"
            "console.log(user.name);\n"
            "return await external_get_population({ town: 'Hue' });"
        )
        assert record.error is not None and record.error.kind == "type"
        assert [(d.line, d.blocking) for d in record.error.diagnostics] == [(3, True)]
        assert record.error.stack is not None
        assert record.error.stack.startswith("script.ts:3:")
    finally:
        sandbox.close()


async def test_a_fault_in_the_policy_is_an_internal_record(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("policy fault")

    monkeypatch.setattr(_checker, "classify", broken)
    sandbox = Sandbox(TOOLS, typecheck=True)
    try:
        record = await sandbox.run("return 1")
        assert record.error is not None and record.error.kind == "internal"
        assert record.error.message == "the type checker failed: ValueError: policy fault"
    finally:
        sandbox.close()

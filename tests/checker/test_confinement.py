"""The checker reads nothing but the declarations and the script.

Two walls: ``prepare`` refuses every import form before the compiler sees the script
(``test_check_limits``), and the compiler's process runs under Landlock, so even a
document that names a host file cannot read it or learn whether it exists. These tests
send such documents straight to the server, past the first wall.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsact._deno import find_deno
from tsact._errors import CheckerError
from tsact._scripts import checker as _checker
from tsact._scripts import landlock as _landlock
from tsact._scripts.checker import LIBRARY_DIRS, TypeChecker

SECRET = "TOKEN-8f3a61"
LANDLOCK = _landlock.abi_version() >= 1
needs_landlock = pytest.mark.skipif(not LANDLOCK, reason="this kernel has no Landlock")


@pytest.fixture
def secret_dir(tmp_path: Path) -> Path:
    (tmp_path / "secret.ts").write_text(f'export type Secret = "{SECRET}";\n')
    (tmp_path / "secret.d.ts").write_text(f'declare const leaked: "{SECRET}";\n')
    return tmp_path


def probes(directory: Path) -> dict[str, str]:
    """Documents that would quote the secret (or tell that the file exists) if read."""
    secret = directory / "secret.ts"
    return {
        "import type": f'const x: import("{secret}").Secret = 5;\nexport {{}};\n',
        "typeof import": (f'type M = typeof import("{secret}");\nconst y: M = 5;\nexport {{}};\n'),
        "file url": f'const x: import("{secret.as_uri()}").Secret = 5;\nexport {{}};\n',
        "through /proc": (
            f'const x: import("/proc/self/root{secret}").Secret = 5;\nexport {{}};\n'
        ),
        "reference": (
            f'/// <reference path="{directory / "secret.d.ts"}" />\n'
            "const z: number = leaked;\nexport {};\n"
        ),
        "static import": f'import type {{ Secret }} from "{secret}";\nconst x: Secret = 5;\n',
    }


def messages(checker: TypeChecker, document: str) -> str:
    """The diagnostics' messages, or the error of a server that gave up on the document."""
    try:
        report = checker.diagnose_document(document)
    except CheckerError as exc:  # deno's LSP answers a reference it cannot read so
        return str(exc)
    return json.dumps([item["message"] for item in report["items"]])


@pytest.fixture(scope="module")
def confined() -> Iterator[TypeChecker]:
    checker = TypeChecker(find_deno())
    yield checker
    checker.close()


@needs_landlock
@pytest.mark.parametrize("form", list(probes(Path("/x"))))
def test_a_confined_checker_cannot_read_a_host_file(
    confined: TypeChecker, secret_dir: Path, form: str
) -> None:
    found = messages(confined, probes(secret_dir)[form])
    assert confined.confined is True
    assert SECRET not in found


@needs_landlock
def test_without_landlock_the_same_documents_leak(secret_dir: Path) -> None:
    """What the confinement prevents: the unconfined server quotes the file."""
    checker = TypeChecker(find_deno(), confine=False)
    try:
        assert SECRET in messages(checker, probes(secret_dir)["import type"])
        assert SECRET in messages(checker, probes(secret_dir)["static import"])
        assert checker.confined is False
    finally:
        checker.close()


@needs_landlock
def test_a_confined_checker_cannot_tell_whether_a_file_exists(
    confined: TypeChecker, secret_dir: Path
) -> None:
    real = secret_dir / "secret.ts"
    missing = secret_dir / "missing.ts"
    seen = [
        messages(confined, f'const x: import("{path}").Secret = 5;\nexport {{}};\n')
        for path in (real, missing)
    ]
    assert seen[0].replace(str(real), "PATH") == seen[1].replace(str(missing), "PATH")


@needs_landlock
def test_the_launcher_confines_any_program(secret_dir: Path) -> None:
    """The mechanism itself: a program started through the launcher reads only what it is
    given, whatever it is."""
    cat = "/usr/bin/cat" if Path("/usr/bin/cat").exists() else "/bin/cat"
    base = [sys.executable, "-I", "-S", _landlock.__file__, "--exec", cat]
    base += [part for directory in LIBRARY_DIRS for part in ("--exec", directory)]
    base += ["--read", "/etc/ld.so.cache"]
    secret = str(secret_dir / "secret.ts")
    denied = subprocess.run([*base, "--", cat, secret], capture_output=True, text=True)
    assert denied.returncode != 0 and SECRET not in denied.stdout
    assert "Permission denied" in denied.stderr
    allowed = subprocess.run(
        [*base, "--read", str(secret_dir), "--", cat, secret], capture_output=True, text=True
    )
    assert allowed.returncode == 0 and SECRET in allowed.stdout


def test_without_landlock_the_checker_still_works_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_landlock, "abi_version", lambda: 0)
    monkeypatch.setattr(_checker, "_warned", set())
    checker = TypeChecker(find_deno())
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            verdict = checker.check("", "const n: number = 1;\nreturn n;")
        assert verdict.blocking == []
        assert checker.confined is False
        [warning] = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        assert "without Landlock" in str(warning.message)
    finally:
        checker.close()


@needs_landlock
def test_a_deno_that_cannot_start_confined_runs_unconfined_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deno whose files lie outside what the launcher allows (here a shell wrapper, whose
    interpreter it may not execute) is started again without Landlock, with a warning."""
    monkeypatch.setattr(_checker, "_warned", set())
    wrapper = tmp_path / "deno"
    wrapper.write_text(f'#!/bin/sh\nexec "{find_deno()}" "$@"\n')
    wrapper.chmod(0o755)
    checker = TypeChecker(wrapper)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert checker.check("", "return 1;").blocking == []
        assert checker.confined is False
        [warning] = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        assert "the launcher exited with 127" in str(warning.message)
    finally:
        checker.close()

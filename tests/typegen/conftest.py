"""Fixtures for typegen tests: type-checking TypeScript with the real Deno binary."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

DENO_TIMEOUT_S = 240


@dataclass(frozen=True)
class Diagnostic:
    """One TypeScript error reported by ``deno check``."""

    code: str
    message: str
    line: int
    column: int


_HEADER = re.compile(r"^(TS\d+) \[ERROR\]: (.*)$")
_AT = re.compile(r"^\s+at file://(.+):(\d+):(\d+)$")


def parse_diagnostics(output: str, filename: str) -> list[Diagnostic]:
    """Parse ``deno check`` output (without colours) into diagnostics located in ``filename``."""
    found: list[Diagnostic] = []
    header: tuple[str, str] | None = None
    for line in output.splitlines():
        m = _HEADER.match(line)
        if m:
            header = (m.group(1), m.group(2))
            continue
        m = _AT.match(line)
        if m and header is not None:
            if m.group(1).endswith(filename):
                found.append(Diagnostic(header[0], header[1], int(m.group(2)), int(m.group(3))))
            header = None
    return found


TsCheck = Callable[[str], list[Diagnostic]]


@pytest.fixture(scope="session")
def deno_bin() -> str:
    """Path of the deno binary shipped by the ``deno`` PyPI package (skip if missing)."""
    deno = pytest.importorskip("deno", reason="the deno PyPI package is not installed")
    return str(deno.find_deno_bin())


@pytest.fixture
def ts_check(deno_bin: str, tmp_path: Path) -> TsCheck:
    """Return a function that runs ``deno check`` on TypeScript source and lists its errors."""
    counter = iter(range(1_000_000))

    def check(source: str) -> list[Diagnostic]:
        name = f"check_{next(counter)}.ts"
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "DENO_DIR": str(tmp_path / "deno_dir"),
            "NO_COLOR": "1",
            "DENO_NO_UPDATE_CHECK": "1",
        }
        proc = subprocess.run(
            [deno_bin, "check", "--no-config", "--no-lock", "--quiet", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=DENO_TIMEOUT_S,
            check=False,
        )
        output = proc.stdout + proc.stderr
        diagnostics = parse_diagnostics(output, name)
        if proc.returncode != 0 and not diagnostics:
            raise AssertionError(f"deno check failed without diagnostics:\n{output}")
        if proc.returncode == 0 and diagnostics:
            raise AssertionError(f"deno check succeeded but printed errors:\n{output}")
        return diagnostics

    return check

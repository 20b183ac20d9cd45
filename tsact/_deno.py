"""Where Deno is, what version it is, and the exact command line of a sandbox."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tsact._errors import DenoNotFound
from tsact._records.limits import Limits


def find_deno(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The deno binary: ``explicit``, else ``$TSACT_DENO``, else the ``deno`` PyPI package's."""
    candidate = explicit or os.environ.get("TSACT_DENO")
    if candidate:
        path = Path(candidate)
        if not path.is_file() or not os.access(path, os.X_OK):
            raise DenoNotFound(f"deno binary {str(path)!r} does not exist or is not executable")
        return path
    try:
        import deno

        path = Path(deno.find_deno_bin())
    except (ImportError, FileNotFoundError, OSError):
        found = shutil.which("deno")
        if found is None:
            raise DenoNotFound(
                "no deno binary found: `pip install deno`, or set TSACT_DENO to its path"
            ) from None
        path = Path(found)
    if not path.is_file():
        raise DenoNotFound(f"deno binary {str(path)!r} does not exist")
    return path


@dataclass(frozen=True)
class DenoVersion:
    """Versions printed by ``deno --version``."""

    deno: str
    v8: str | None
    typescript: str | None


@functools.cache
def deno_version(binary: Path) -> DenoVersion:
    """Ask the binary once per process; raise ``DenoNotFound`` if it does not run."""
    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise DenoNotFound(f"deno binary {str(binary)!r} does not run: {exc}") from None
    found = dict(re.findall(r"^(deno|v8|typescript) (\S+)", out, re.MULTILINE))
    if "deno" not in found:
        raise DenoNotFound(f"{str(binary)!r} is not deno: {out[:200]!r}")
    return DenoVersion(found["deno"], found.get("v8"), found.get("typescript"))


@functools.cache
def runtime_dir() -> Path:
    """The folder of the TypeScript that runs inside Deno (installed copy, else the repo's).

    Sandboxes run its bundles in ``bundled/`` (built by ``deno task bundle``): plain
    JavaScript that Deno need not transpile again in every fresh process. Found once per
    process (resolving and checking the path took 40-100 µs of every spawn); a folder
    that is missing is looked for again.
    """
    here = Path(__file__).resolve().parent  # the tsact package
    for candidate in (here / "_deno_runtime", here.parent / "deno_runtime"):
        if (candidate / "bundled" / "prelude.js").is_file():
            return candidate
    raise DenoNotFound(
        f"tsact's deno_runtime folder (with bundled/prelude.js) is missing next to {here}"
    )


def run_flags(limits: Limits, *, compile_ahead: bool = False) -> list[str]:
    """The ``deno run`` flags of every execution, before its permissions and arguments.

    ``compile_ahead`` (a pool's spare) has V8 compile every function as its script loads
    (``--no-lazy``), during the boot that no run waits for; otherwise each function the
    run calls for the first time compiles then: 0.7 ms of a prewarmed start here (2.77
    -> 2.08 ms, medians of 54, interleaved). A process started for the run at hand stays
    lazy: compiling ahead costs it 2 ms (43.9 -> 46.0 ms).
    """
    v8_flags = f"--disallow-code-generation-from-strings,--max-old-space-size={limits.memory_mb}"
    if compile_ahead:
        v8_flags += ",--no-lazy"
    return [
        "run",
        "--quiet",
        "--no-prompt",
        "--no-remote",
        "--no-npm",
        "--no-config",
        "--no-lock",
        "--no-code-cache",
        f"--v8-flags={v8_flags}",
    ]


def prelude_path() -> Path:
    """The bundled prelude. Each execution runs it through a link in its private
    directory: the link's path is what a script sees of the host in a stack trace through
    the prelude (Deno names the module by it), not where tsact is installed. A link, not
    a copy: writing 47 KB to a disk-backed temp folder took 0.2 ms of every spawn."""
    return runtime_dir() / "bundled" / "prelude.js"


def sandbox_command(
    binary: Path, limits: Limits, *, spare: bool = False, main: Path | None = None
) -> list[str]:
    """The full ``deno run`` command of one execution (see DESIGN.md, "Deno command line");
    a ``spare`` compiles ahead (``run_flags``). No permission at all: the main module (the
    prelude, or its link at ``main``) is the one file Deno reads, and it is told the host's
    pid, to end when the host is gone."""
    prelude = main if main is not None else prelude_path()
    return [
        str(binary),
        *run_flags(limits, compile_ahead=spare),
        str(prelude),
        str(os.getpid()),
    ]


def cache_root() -> str:
    """Where each execution's private ``DENO_DIR`` goes: ``$TSACT_CACHE_TMPDIR``, else RAM.

    Deno's caches are SQLite files written with fsync; on a disk that costs tens of
    milliseconds per execution, in RAM (``/dev/shm``) nearly nothing. Nothing a sandbox
    is allowed to read may live there: Deno asks for ``--allow-all`` for anything under
    ``/dev``.
    """
    explicit = os.environ.get("TSACT_CACHE_TMPDIR")
    if explicit:
        return explicit
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return tempfile.gettempdir()


def sandbox_environment(home: Path, deno_dir: Path) -> dict[str, str]:
    """A minimal environment: nothing of the host's leaks in, caches stay private."""
    return {
        "HOME": str(home),
        "DENO_DIR": str(deno_dir),
        "NO_COLOR": "1",
        "DENO_NO_UPDATE_CHECK": "1",
        "DENO_NO_PROMPT": "1",
        "PATH": "/usr/bin:/bin",
        "TZ": "UTC",
        "LANG": "C.UTF-8",
    }

"""Private temp directories (``tsact-<pid>-*``), and the sweep of those a dead process left.

Every sandbox and the checker get their own directories, removed when they close however
the execution ends. Only a host killed outright (SIGKILL, the OOM killer, a power cut)
cannot remove them; its Deno processes exit on their own once it is gone, but the
directories stay. So the first directory a process makes sweeps the ones whose owning
process is gone: named for a pid that is no longer alive, owned by this user, and not
touched for ``STALE_AFTER_S`` (a guard for another pid namespace sharing the same root).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

LOGGER = logging.getLogger("tsact")

STALE_AFTER_S = 600.0
_NAME = re.compile(r"tsact-(\d+)-")
_swept: set[str] = set()
_sweep_lock = threading.Lock()


def private_temp_dir(root: str | None = None, *, kind: str = "") -> Path:
    """A new ``0o700`` directory named ``tsact-<pid>-[kind-]*`` under ``root`` (the temp dir
    by default); the first one per root in this process sweeps dead processes' leftovers."""
    directory = root or tempfile.gettempdir()
    with _sweep_lock:
        first = directory not in _swept
        _swept.add(directory)
    if first:
        sweep_leftovers(directory)
    return Path(tempfile.mkdtemp(prefix=prefix(os.getpid(), kind), dir=directory))


def prefix(pid: int, kind: str = "") -> str:
    """The start of the name of every private directory process ``pid`` makes."""
    return f"tsact-{pid}-{kind + '-' if kind else ''}"


def sweep_leftovers(root: str, *, now: float | None = None) -> list[str]:
    """Remove ``root``'s tsact directories whose process is gone; return their paths."""
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or _is_alive(int(match.group(1))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or info.st_uid != os.getuid():
            continue
        if now - info.st_mtime < STALE_AFTER_S:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    if removed:
        LOGGER.info("removed %d temp directories left by dead processes", len(removed))
    return removed


def _is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OverflowError:
        return False
    return True

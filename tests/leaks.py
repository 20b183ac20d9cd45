"""What an execution may leave behind, and a check that it left nothing: child processes,
temp directories (in the temp dir and the DENO_DIR root) and file descriptors."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tsact._deno import cache_root
from tsact._tempdirs import prefix


def child_pids(parent: int | None = None) -> set[int]:
    """Live (or zombie) processes whose parent is ``parent`` (this test process)."""
    me = os.getpid() if parent is None else parent
    children: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me:
            children.add(int(entry))
    return children


def tsact_temp_dirs(pid: int | None = None, *, any_process: bool = False) -> set[str]:
    """Temp directories the executions of process ``pid`` (this one by default; every
    process with ``any_process``) create (``tsact-<pid>-*``), in both roots: sandbox
    workdirs and private DENO_DIRs."""
    start = "tsact-" if any_process else prefix(os.getpid() if pid is None else pid)
    found: set[str] = set()
    for root in {tempfile.gettempdir(), cache_root()}:
        found |= {f"{root}/{name}" for name in os.listdir(root) if name.startswith(start)}
    return found


def open_fds() -> set[int]:
    """File descriptors open in this process."""
    return {int(fd) for fd in os.listdir("/proc/self/fd")}


class LeakCheck:
    """Snapshot before, compare after: processes, temp dirs, file descriptors."""

    def __init__(self) -> None:
        self.children = child_pids()
        self.dirs = tsact_temp_dirs()
        self.fds = open_fds()

    def assert_clean(self) -> None:
        assert child_pids() - self.children == set(), "a sandbox process was left behind"
        assert tsact_temp_dirs() - self.dirs == set(), "a temp directory was left behind"
        leaked = open_fds() - self.fds
        assert leaked == set(), f"file descriptors left open: {sorted(leaked)}"

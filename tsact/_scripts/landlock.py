"""Start a program that can read only the paths it is given: Linux Landlock, via ctypes.

The type checker runs a TypeScript compiler on text a model wrote. It needs nothing
from the host but its own binary, the system's shared libraries and a private
directory, so it starts through this module: ``python -I -S _landlock.py --read P
--write D --exec deno -- deno lsp``. The launcher creates a Landlock ruleset that
handles every filesystem right this kernel knows (plus TCP bind/connect and, from ABI 6,
abstract unix sockets and signals), allows exactly the listed paths, restricts itself
and execs the program, which inherits the domain and can never leave it. An ``open`` of
anything else fails with ``EACCES``, whatever the path (``/proc/1/root/...`` included:
Landlock checks the file reached, not the spelling).

Unprivileged (no capability needed, ``no_new_privs`` is set first) and available from
Linux 5.13 when the ``landlock`` LSM is enabled; ``abi_version`` says whether it is.
The module uses only the standard library, so the launcher starts in isolated mode.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys

_CREATE_RULESET = 444  # the same number on every architecture (unified syscall table)
_ADD_RULE = 445
_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14) | (1 << 15)
"""The rights that apply to a file itself (execute, write, read, truncate, ioctl)."""
_NET_TCP = (1 << 0) | (1 << 1)  # bind, connect (ABI 4)
_SCOPES = (1 << 0) | (1 << 1)  # abstract unix sockets, signals (ABI 6)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI version; 0 when Landlock is missing or disabled."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        libc = _libc()
        version = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    except (OSError, AttributeError):
        return 0
    return max(0, int(version))


def _fs_rights(abi: int) -> int:
    return _FS_RIGHTS_BY_ABI[max(level for level in _FS_RIGHTS_BY_ABI if level <= abi)]


def _fail(what: str) -> None:
    error = ctypes.get_errno()
    raise OSError(error, f"landlock: {what}: {os.strerror(error)}")


def restrict(read: list[str], write: list[str], execute: list[str]) -> int:
    """Confine this process (and what it execs) to the given paths; the ABI used.

    ``read``: files and directories readable (directories listable); ``write``:
    directories with every right beneath them; ``execute``: files readable and
    executable. A path that does not exist is skipped. Raises ``OSError`` when
    Landlock is unavailable or refuses.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError("landlock is not available on this kernel")
    libc = _libc()
    fs_rights = _fs_rights(abi)
    attr = _RulesetAttr(fs_rights, _NET_TCP if abi >= 4 else 0, _SCOPES if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        _fail("create_ruleset")
    try:
        grants = [(path, READ_FILE | READ_DIR) for path in read]
        grants += [(path, fs_rights) for path in write]
        grants += [(path, READ_FILE | EXECUTE) for path in execute]
        for path, rights in grants:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    rights &= _FILE_RIGHTS
                rule = _PathBeneathAttr(rights & fs_rights, fd)
                if libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0):
                    _fail(f"add_rule {path}")
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0):
            _fail("no_new_privs")
        if libc.syscall(_RESTRICT_SELF, ruleset, 0):
            _fail("restrict_self")
    finally:
        os.close(ruleset)
    return abi


def main(argv: list[str]) -> None:
    """``--read P``, ``--write D``, ``--exec F`` (repeatable), ``--``, then the program."""
    paths: dict[str, list[str]] = {"--read": [], "--write": [], "--exec": []}
    index = 0
    while index < len(argv) and argv[index] != "--":
        paths[argv[index]].append(argv[index + 1])
        index += 2
    program = argv[index + 1 :]
    try:
        restrict(paths["--read"], paths["--write"], paths["--exec"])
    except OSError as exc:
        sys.stderr.write(f"tsact: cannot confine {program[0]}: {exc}\n")
        sys.exit(126)
    try:
        os.execv(program[0], program)
    except OSError as exc:
        sys.stderr.write(f"tsact: cannot run {program[0]} confined: {exc}\n")
        sys.exit(127)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Reading the files a command is given: scripts and JSON documents.

Each failure is an ``InputError`` whose message names the file and the problem.
``-`` reads standard input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .errors import InputError


def read_bytes(path: str, what: str) -> bytes:
    """The bytes of ``path`` (``-`` for stdin); ``what`` names the file in errors."""
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path).expanduser()
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory, not a file: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def decode_utf8(data: bytes, path: str, what: str) -> str:
    """``data`` as text; a byte-order mark is dropped; anything not UTF-8 is an error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise InputError(
            f"{what} {path} is not UTF-8 text (byte 0x{byte:02x} at offset {exc.start})"
        ) from None


def read_script(path: str) -> str:
    """The text of a TypeScript script file."""
    return decode_utf8(read_bytes(path, "script"), path, "script")


def read_json(path: str, what: str = "file") -> Any:
    """The JSON value in ``path``; invalid JSON names the line and column."""
    text = decode_utf8(read_bytes(path, what), path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None

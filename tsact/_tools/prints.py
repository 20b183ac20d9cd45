"""What tools print: kept off the stream a program reads, and kept with the call that printed.

A tool is user code, and user code prints. In ``tsact exec --json`` that text would land
in the middle of the JSON; in a record it is useful evidence of what the tool did. So
``sys.stdout`` and ``sys.stderr`` are replaced, once, by routers. A router writes to
the buffer of the tool call running in the writer's context, if any, else to its
fallback (by default the stream it replaced).

The current call is a context variable, set around each call (``capturing_prints``):
a sync tool on a pool thread sets it in that thread, an async tool in its task on the
event loop, so calls that run at the same time each get their own text. Tasks a tool
starts inherit it (their prints count as the call's, while it runs); threads a tool
starts do not (their prints go to the fallback).
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

MAX_PRINTED_CHARS = 64 * 1024
"""Characters of one call's prints that are kept (the head, then a marker)."""

_CURRENT: contextvars.ContextVar[PrintBuffer | None] = contextvars.ContextVar(
    "tsact_printing_call", default=None
)
_INSTALL = threading.Lock()


class PrintBuffer:
    """The text one tool call printed, capped at ``limit`` characters."""

    def __init__(self, limit: int = MAX_PRINTED_CHARS) -> None:
        self._limit = limit
        self._parts: list[str] = []
        self._size = 0
        self._dropped = 0
        self._lock = threading.Lock()  # a tool's own threads may print through the call

    def write(self, text: str) -> None:
        """Keep ``text`` while there is room; count what there is no room for."""
        with self._lock:
            room = self._limit - self._size
            kept = text[: max(room, 0)]
            if kept:
                self._parts.append(kept)
                self._size += len(kept)
            self._dropped += len(text) - len(kept)

    def text(self) -> str:
        """Everything kept, with a marker for what was not."""
        with self._lock:
            text = "".join(self._parts)
            if self._dropped:
                text += f"\n… {self._dropped:,} more characters not kept\n"
            return text


class PrintRouter(io.TextIOBase):
    """Stands in for ``sys.stdout`` or ``sys.stderr``: a call's prints go to its buffer,
    everything else to ``fallback``."""

    def __init__(self, original: TextIO) -> None:
        super().__init__()
        self.original = original
        self.fallback: TextIO = original

    def write(self, text: str) -> int:
        """Route ``text`` to the printing call's buffer, or to the fallback."""
        buffer = _CURRENT.get()
        if buffer is not None:
            buffer.write(text)
            return len(text)
        return self.fallback.write(text)

    def flush(self) -> None:
        """Flush the fallback (a buffer needs none)."""
        if _CURRENT.get() is None:
            self.fallback.flush()

    def writable(self) -> bool:
        """Always: it is an output stream."""
        return True

    def isatty(self) -> bool:
        """Whether the fallback is a terminal (colour decisions follow it)."""
        return self.fallback.isatty()

    def fileno(self) -> int:
        """The fallback's file descriptor (for code that writes to it directly)."""
        return self.fallback.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The fallback's encoding."""
        return self.fallback.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        """The fallback's error handler."""
        return self.fallback.errors

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fallback, name)


def routers() -> tuple[PrintRouter, PrintRouter]:
    """The routers of ``sys.stdout`` and ``sys.stderr``, installed on first use.

    A stream someone replaced since (a test's capture, a notebook's) is routed anew.
    """
    with _INSTALL:
        found: list[PrintRouter] = []
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if not isinstance(stream, PrintRouter):
                stream = PrintRouter(stream)
                setattr(sys, name, stream)
            found.append(stream)
        return found[0], found[1]


class capturing_prints:
    """Within the block, what this thread (or task) prints goes to the buffer it yields.

    A class, not a generator: it is around every tool call, where a generator's
    context manager costs a sync call's round trip a few microseconds."""

    __slots__ = ("_buffer", "_token")

    def __init__(self, limit: int = MAX_PRINTED_CHARS) -> None:
        if not (isinstance(sys.stdout, PrintRouter) and isinstance(sys.stderr, PrintRouter)):
            routers()
        self._buffer = PrintBuffer(limit)
        self._token: contextvars.Token[PrintBuffer | None] | None = None

    def __enter__(self) -> PrintBuffer:
        self._token = _CURRENT.set(self._buffer)
        return self._buffer

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None


@contextlib.contextmanager
def stdout_kept_for_data() -> Iterator[TextIO]:
    """Within the block, nothing printed reaches the real stdout but what is written to
    the stream it yields: other prints (tools', outside a captured call too) go to
    stderr. For commands whose stdout is data (``--json``)."""
    stdout, stderr = routers()
    previous = stdout.fallback
    stdout.fallback = stderr.fallback
    try:
        yield stdout.original
    finally:
        stdout.fallback = previous

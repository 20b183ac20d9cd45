"""Capped capture: keep the head and the tail, count what was left out in between."""

from __future__ import annotations

from collections import deque

CUT_MARKER = ("\n[... ", " bytes omitted ...]\n")
"""What stands for the middle of a cut text, around the count of bytes left out: the one
spelling, used here and sent to the sandbox's runtime in the start parameters."""


def cut_marker(omitted: int) -> str:
    """The marker for ``omitted`` bytes left out."""
    return f"{CUT_MARKER[0]}{omitted}{CUT_MARKER[1]}"


class HeadTail:
    """Bytes from an untrusted stream, at most ``limit`` kept: half head, half tail."""

    def __init__(self, limit: int) -> None:
        self._head_limit = limit - limit // 2
        self._tail_limit = limit // 2
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self.omitted = 0

    def add(self, data: bytes) -> None:
        """Append data; once the head is full, the oldest tail bytes drop out."""
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if not data:
            return
        self._tail.append(data)
        self._tail_size += len(data)
        while self._tail_size > self._tail_limit and self._tail:
            excess = self._tail_size - self._tail_limit
            first = self._tail[0]
            if len(first) <= excess:
                self._tail.popleft()
                self._tail_size -= len(first)
                self.omitted += len(first)
            else:
                self._tail[0] = first[excess:]
                self._tail_size -= excess
                self.omitted += excess

    def text(self) -> str:
        """The kept text, with a marker where bytes were left out."""
        head = bytes(self._head).decode("utf-8", "replace")
        tail = b"".join(self._tail).decode("utf-8", "replace")
        if self.omitted:
            return f"{head}{cut_marker(self.omitted)}{tail}"
        return head + tail


def omitted_marker(size: int, limit_name: str) -> str:
    """What a record keeps in place of a value left out: its size and the limit."""
    return f"[... {size} bytes omitted: {limit_name} ...]"


class ToolDataBudget:
    """Keeps tool-call arguments and results in the record up to a byte budget.

    Sizes are those of the frames the values crossed in (already known: nothing is
    encoded again). Past the budget a value is replaced by a marker, and the host
    holds no copy of it once its call has been answered.
    """

    def __init__(self, limit: int) -> None:
        self._left = limit

    def keep(self, value: object, size: int) -> object:
        """``value`` if its ``size`` fits what is left, else a marker saying what went."""
        if value is None or size <= self._left:
            self._left -= size
            return value
        return omitted_marker(size, "max_tool_data_bytes")

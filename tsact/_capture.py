"""Capped capture: keep the head and the tail, count what was left out in between."""

from __future__ import annotations

from collections import deque


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
            return f"{head}\n[... {self.omitted} bytes omitted ...]\n{tail}"
        return head + tail

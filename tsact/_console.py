"""Console entries kept within ``max_output_bytes``: the head, the tail, and a marker."""

from __future__ import annotations

from collections import deque

from ._capture import HeadTail
from ._record import ConsoleEntry


def line_cap(limit: int) -> int:
    """The most UTF-8 bytes one console line keeps: the tail's half of ``limit``.

    The worker cuts longer lines (and error texts) to this before sending them
    (``cutText`` in ``deno_runtime/worker.ts``, same formula).
    """
    return max(limit // 2, 1)


class ConsoleCapture:
    """Keeps the first and the last entries within a byte budget, counting the rest."""

    def __init__(self, limit: int) -> None:
        self._head_budget = limit - limit // 2
        self._tail_budget = limit // 2
        self._line_cap = line_cap(limit)
        self._head: list[ConsoleEntry] = []
        self._head_size = 0
        self._tail: deque[tuple[ConsoleEntry, int]] = deque()
        self._tail_size = 0
        self.omitted_entries = 0
        self.omitted_bytes = 0
        self._first_omitted_ms: float | None = None

    def add(self, entry: ConsoleEntry) -> ConsoleEntry:
        """Keep an entry (its text cut if alone it exceeds the budget); return what was kept."""
        raw = entry.text.encode("utf-8")
        size = len(raw)
        if size > self._line_cap:  # the worker cuts long lines: only a rogue sandbox gets here
            cut = HeadTail(self._line_cap)
            cut.add(raw)
            entry = ConsoleEntry(level=entry.level, text=cut.text(), t_ms=entry.t_ms)
            size = self._line_cap  # what it keeps, the marker aside
        if not self._tail and self._head_size + size <= self._head_budget:
            self._head.append(entry)
            self._head_size += size
            return entry
        self._tail.append((entry, size))
        self._tail_size += size
        while self._tail_size > self._tail_budget and self._tail:
            dropped, dropped_size = self._tail.popleft()
            self._tail_size -= dropped_size
            self.omitted_entries += 1
            self.omitted_bytes += dropped_size
            if self._first_omitted_ms is None:
                self._first_omitted_ms = dropped.t_ms
        return entry

    def entries(self) -> list[ConsoleEntry]:
        """The kept entries in order, with an ``omitted`` marker where some were dropped."""
        kept = list(self._head)
        if self.omitted_entries:
            kept.append(
                ConsoleEntry(
                    level="omitted",
                    text=(
                        f"[... {self.omitted_entries} console entries "
                        f"({self.omitted_bytes} bytes) omitted: max_output_bytes ...]"
                    ),
                    t_ms=self._first_omitted_ms or 0.0,
                )
            )
        kept.extend(entry for entry, _ in self._tail)
        return kept

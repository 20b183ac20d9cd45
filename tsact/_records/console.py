"""Console entries kept within ``max_output_bytes``: the head, the tail, and a marker."""

from __future__ import annotations

from collections import deque

from tsact._records.capture import HeadTail
from tsact._records.record import ConsoleEntry

ENTRY_OVERHEAD = 256
"""Bytes of the budget each entry costs on top of its text (about what one kept entry
takes in host memory): a flood of empty lines is bounded by count too. Budgets under
64 KiB charge proportionally less, so tiny budgets still keep a few lines."""


def entry_overhead(limit: int) -> int:
    """What each entry costs on top of its text, for a budget of ``limit`` bytes."""
    return min(ENTRY_OVERHEAD, limit // 256)


def line_cap(limit: int) -> int:
    """The most UTF-8 bytes one console line keeps: what the tail's half of ``limit``
    holds of one entry.

    The prelude cuts longer lines to this before sending them (the host sends it in
    the start parameters).
    """
    return max(limit // 2 - entry_overhead(limit), 1)


class ConsoleCapture:
    """Keeps the first and the last entries within a byte budget, counting the rest.

    An entry costs its UTF-8 size plus a fixed overhead (``ENTRY_OVERHEAD``).
    """

    def __init__(self, limit: int) -> None:
        self._head_budget = limit - limit // 2
        self._tail_budget = limit // 2
        self._line_cap = line_cap(limit)
        self._overhead = entry_overhead(limit)
        self._head: list[ConsoleEntry] = []
        self._head_size = 0
        self._tail: deque[tuple[ConsoleEntry, int, int]] = deque()
        self._tail_size = 0
        self.omitted_entries = 0
        self.omitted_bytes = 0
        self._first_omitted_ms: float | None = None

    def add(self, entry: ConsoleEntry) -> ConsoleEntry:
        """Keep an entry (its text cut if alone it exceeds the budget); return what was kept."""
        raw = entry.text.encode("utf-8")
        size = len(raw)
        if size > self._line_cap:  # the prelude cuts long lines: only a rogue sandbox gets here
            cut = HeadTail(self._line_cap)
            cut.add(raw)
            entry = ConsoleEntry(level=entry.level, text=cut.text(), t_ms=entry.t_ms)
            size = self._line_cap  # what it keeps, the marker aside
        text_size = size
        size += self._overhead
        if not self._tail and self._head_size + size <= self._head_budget:
            self._head.append(entry)
            self._head_size += size
            return entry
        self._tail.append((entry, size, text_size))
        self._tail_size += size
        while self._tail_size > self._tail_budget and self._tail:
            dropped, dropped_size, dropped_text = self._tail.popleft()
            self._tail_size -= dropped_size
            self.omitted_entries += 1
            self.omitted_bytes += dropped_text
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
        kept.extend(entry for entry, _, _ in self._tail)
        return kept

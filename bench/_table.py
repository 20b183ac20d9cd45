"""Print benchmark rows as one aligned table: figure, floor, ratio, goal."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measured figure against the floor (or peer) measured in the same run."""

    name: str
    value: float
    floor: float | None
    unit: str
    goal: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None


def median(samples: Sequence[float]) -> float:
    """The median, the figure every benchmark reports."""
    return statistics.median(samples)


def print_table(rows: Sequence[Row], title: str) -> None:
    """Print the rows as a fixed-width table."""
    print(f"\n{title}")
    header = f"{'benchmark':<46} {'value':>12} {'floor':>12} {'ratio':>7}  goal"
    print(header)
    print("-" * len(header))
    for row in rows:
        floor = f"{row.floor:.3f} {row.unit}" if row.floor is not None else "-"
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        print(f"{row.name:<46} {row.value:>8.3f} {row.unit:<3} {floor:>12} {ratio:>7}  {row.goal}")

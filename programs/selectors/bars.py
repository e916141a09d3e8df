"""Bars and amounts shared by the staff's reports (the funder report, the intake dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> float:
    """Share of a bar, capped at 100 so a bar never overflows its track."""
    if whole <= 0:
        return 100.0 if part > 0 else 0.0
    return min(100.0, round(100 * part / whole, 1))


@dataclass
class Bar:
    label: str
    value: int
    total: int
    text: str  # the same information in words, for screen readers and for print

    @property
    def percent(self) -> float:
        return _percent(self.value, self.total)

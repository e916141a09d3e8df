"""A co-funder's statement as CSV: the statement page's figures (programs/selectors/
statement.py), one row per funding source, intake and term, then a total row per source and
intake. Amounts only, no student named. The same cells (BOM, formula escaping) as every other
export (cells.py); the staff download and the monthly email (send_statements) share it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..selectors.statement import Figures, IntakeStatement
from .cells import csv_chunks

STATEMENT_COLUMNS = [
    "Co-funder",
    "Funding source",
    "Programme",
    "Intake",
    "Share",
    "Students",
    "Term",
    "Term start date",
    "Currency",
    "Committed",
    "Scheduled",
    "Approved",
    "Paid",
    "Outstanding",
    "Cancelled",
]
# A month's statement (send_statements) adds what fell in the month itself.
MONTH_COLUMNS = ["Due this month", "Paid this month"]
TOTAL = "Total"


def statement_columns(*, month: bool = False) -> list[str]:
    return [*STATEMENT_COLUMNS, *(MONTH_COLUMNS if month else [])]


def _amounts(figures: Figures, month: bool) -> list[Decimal]:
    values = [
        figures.committed,
        figures.scheduled,
        figures.approved,
        figures.paid,
        figures.outstanding,
        figures.cancelled,
    ]
    if month:
        values += [figures.due_in_month, figures.paid_in_month]
    # Numbers, not text: a negative amount (an adjustment) is not escaped as a formula would
    # be, so a spreadsheet still sums it. Decimal(f"{v:f}") keeps the plain notation (100.00).
    return [Decimal(f"{value:f}") for value in values]


def statement_rows(lines: list[IntakeStatement], *, month: bool = False) -> Iterator[list[Any]]:
    for line in lines:
        source = line.share.funding_source
        share = line.share.share_percent
        common = [
            str(line.share.partner),
            source.name,
            line.intake.program.name,
            line.intake.name,
            f"{share:f}" if share is not None else "",
            line.students,
        ]
        for row in line.terms:
            yield [
                *common,
                row.name,
                row.start_date.isoformat() if row.start_date else "",
                source.currency,
                *_amounts(row.figures, month),
            ]
        yield [*common, TOTAL, "", source.currency, *_amounts(line.total, month)]


def statement_csv_bytes(
    lines: list[IntakeStatement], *, month: datetime.date | None = None
) -> bytes:
    """The whole file at once (for an email attachment). With `month`, the lines are that
    month's statement (funder_statement(month=...)) and the file has its two columns."""
    monthly = month is not None
    return b"".join(
        csv_chunks(statement_columns(month=monthly), statement_rows(lines, month=monthly))
    )

"""A co-funder's statement as CSV: the statement page's figures (programs/selectors/
statement.py), one row per funding source, intake and term, then a total row per source and
intake. Amounts only, no student named. The same cells (BOM, formula escaping) as every other
export (cells.py); the staff download and the monthly email (send_statements) share it."""

from __future__ import annotations

from collections.abc import Iterator
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
TOTAL = "Total"


def _amounts(figures: Figures) -> list[str]:
    return [
        f"{value:f}"
        for value in (
            figures.committed,
            figures.scheduled,
            figures.approved,
            figures.paid,
            figures.outstanding,
            figures.cancelled,
        )
    ]


def statement_rows(lines: list[IntakeStatement]) -> Iterator[list[Any]]:
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
                row.term.name,
                row.term.start_date.isoformat(),
                source.currency,
                *_amounts(row.figures),
            ]
        yield [*common, TOTAL, "", source.currency, *_amounts(line.total)]


def statement_csv_bytes(lines: list[IntakeStatement]) -> bytes:
    """The whole file at once (for an email attachment)."""
    return b"".join(csv_chunks(STATEMENT_COLUMNS, statement_rows(lines)))

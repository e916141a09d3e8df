"""The funder report as CSV (programs/selectors/funder_report.py): one row per funding source and
intake, so a sum of "Funded places" is the places; one column per co-funder with its committed
amount (the per-term detail is the co-funder's statement, exports/statement.py). Same cells
(BOM, formula escaping) as every other export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..selectors.funder_report import SourceReport

FUNDER_REPORT_COLUMNS = [
    "Funding source",
    "Programme",
    "Intake",
    "Intake start date",
    "Funded places",
    "Places filled",
    "Enrolled",
    "Completed",
    "Offered",
    "Places left",
    "Cost per place",
    "Currency",
    "Committed total",
    "Pending (offers)",
    "Co-funders",
    "Funded students",
]


def _amount(value: Any) -> str:
    return f"{value:f}" if value is not None else ""


def co_funder_columns(sources: list[SourceReport]) -> list[tuple[int, str]]:
    """(partner id, header) of every co-funder in the report, in the order first met."""
    columns: dict[int, str] = {}
    for report in sources:
        for share in report.shares:
            columns.setdefault(share.partner_id, f"Committed by {share.partner.display_name}")
    return list(columns.items())


def funder_report_header(sources: list[SourceReport]) -> list[str]:
    return [*FUNDER_REPORT_COLUMNS, *(name for _pk, name in co_funder_columns(sources))]


def funder_report_rows(sources: list[SourceReport]) -> Iterator[list[Any]]:
    """A co-funder's cell is empty where it does not co-fund the row's source, or where its
    share or the cost is not recorded ("Co-funders" says which)."""
    partners = [pk for pk, _name in co_funder_columns(sources)]
    for report in sources:
        co_funders = "; ".join(
            f"{share.partner.display_name} ({co.share_text})"
            for share, co in zip(report.shares, report.co_funder_totals, strict=True)
        )
        for line in report.lines:
            by_partner = {
                share.partner_id: co.amount
                for share, co in zip(report.shares, line.co_funders, strict=True)
            }
            costed = line.cost_per_place is not None
            yield [
                report.source.name,
                line.intake.program.name,
                line.intake.name,
                line.intake.start_date.isoformat(),
                line.places,
                line.filled,
                line.taken.enrolled,
                line.taken.completed,
                line.taken.offered,
                line.left,
                _amount(line.cost_per_place),
                line.currency if costed else "",
                _amount(line.committed_total),
                _amount(line.pending_total),
                co_funders,
                "; ".join(student.name for student in line.students),
                *(_amount(by_partner.get(pk)) for pk in partners),
            ]

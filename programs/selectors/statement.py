"""A co-funder's statement: for each funding source it co-funds and each intake the source
funds, per term, what its share commits it to and where its disbursements stand.

committed = (enrolled + completed students of the source in the intake) × the co-funder's
per-student amount for the term (the same split to the cent as disbursements_schedule);
scheduled = every disbursement not cancelled (paid or not); outstanding = scheduled − paid.
Six queries whatever the number of students, terms or intakes.

With `month` (its first day), the statement as at that month's last day (docs/exports.md,
"Monthly statements"): only terms begun by then (or paid early); scheduled, approved and
cancelled count the disbursements due by then, paid those paid by then (a payment made early
counts as scheduled too); and two columns of the month itself, due_in_month and paid_in_month.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from ..models import (
    Disbursement,
    Enrollment,
    FundingShare,
    Intake,
    IntakeFunding,
    Partner,
    Term,
)
from ..services.money import split_cents, term_costs

ZERO = Decimal("0.00")
COMMITTING = [Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED]
Money = Disbursement.Status


@dataclass
class Figures:
    committed: Decimal = ZERO
    scheduled: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    cancelled: Decimal = ZERO
    due_in_month: Decimal = ZERO
    paid_in_month: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.scheduled - self.paid

    def add(self, other: Figures) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


FIGURES = (
    "committed",
    "scheduled",
    "approved",
    "paid",
    "cancelled",
    "due_in_month",
    "paid_in_month",
)
SUMMED = FIGURES[1:]


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _sum_filters(month: datetime.date | None) -> dict[str, Q]:
    """What each summed column counts; as at the month's end when a month is given (the
    month's own columns only then)."""
    paid, cancelled = Q(status=Money.PAID), Q(status=Money.CANCELLED)
    if month is None:
        return {
            "scheduled": ~cancelled,
            "approved": Q(status=Money.APPROVED),
            "paid": paid,
            "cancelled": cancelled,
        }
    end = month_end(month)
    due, paid_by = Q(due_on__lte=end), paid & Q(paid_on__lte=end)
    return {
        "scheduled": ~cancelled & (due | paid_by),
        "approved": Q(status=Money.APPROVED) & due,
        "paid": paid_by,
        "cancelled": cancelled & due,
        "due_in_month": ~cancelled & Q(due_on__gte=month, due_on__lte=end),
        "paid_in_month": paid & Q(paid_on__gte=month, paid_on__lte=end),
    }


ADJUSTMENTS = "Adjustments (no single term)"


@dataclass
class TermLine:
    term: Term | None  # None: the adjustments of no single term
    figures: Figures

    @property
    def name(self) -> str:
        return self.term.name if self.term is not None else ADJUSTMENTS

    @property
    def start_date(self) -> datetime.date | None:
        return self.term.start_date if self.term is not None else None


@dataclass
class IntakeStatement:
    share: FundingShare
    intake: Intake
    students: int
    terms: list[TermLine] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def funder_statement(
    *, partner: Partner, intake: Intake | None = None, month: datetime.date | None = None
) -> list[IntakeStatement]:
    shares = list(
        FundingShare.objects.filter(partner=partner, share_percent__isnull=False)
        .select_related("funding_source", "partner")
        .order_by("funding_source__name")
    )
    sources = {share.funding_source_id: share for share in shares}
    fundings = IntakeFunding.objects.filter(funding_source_id__in=sources).select_related(
        "intake__program"
    )
    if intake is not None:
        fundings = fundings.filter(intake=intake)
    pairs = [(f.funding_source_id, f.intake) for f in fundings.order_by("intake__start_date")]
    intake_ids = {i.pk for _, i in pairs}
    terms: dict[int, list[Term]] = defaultdict(list)
    for term in Term.objects.filter(intake_id__in=intake_ids).order_by("number"):
        terms[term.intake_id].append(term)
    students = {
        (row["intake_id"], row["funding_source_id"]): row["n"]
        for row in Enrollment.objects.filter(
            intake_id__in=intake_ids, funding_source_id__in=sources, status__in=COMMITTING
        )
        .values("intake_id", "funding_source_id")
        .annotate(n=Count("pk"))
    }
    all_shares: dict[int, list[FundingShare]] = defaultdict(list)
    for other in FundingShare.objects.filter(funding_source_id__in=sources).order_by(
        "partner__name", "pk"
    ):
        all_shares[other.funding_source_id].append(other)
    filters = _sum_filters(month)
    # Keyed by (source, term); an adjustment of no single term by (source, None, intake).
    sums: dict[tuple[int, int | None, int], dict[str, Decimal | None]] = {}
    for row in (
        Disbursement.objects.filter(partner=partner, enrollment__intake_id__in=intake_ids)
        .values("enrollment__funding_source_id", "term_id", "enrollment__intake_id")
        .annotate(**{name: Sum("amount", filter=where) for name, where in filters.items()})
    ):
        term_id = row.pop("term_id")
        intake_id = row.pop("enrollment__intake_id")
        sums[(row.pop("enrollment__funding_source_id"), term_id, 0 if term_id else intake_id)] = row
    statements = []
    for source_id, line_intake in pairs:
        share = sources[source_id]
        source = share.funding_source
        count = students.get((line_intake.pk, source_id), 0)
        statement = IntakeStatement(share=share, intake=line_intake, students=count)
        costs = term_costs(source.cost_per_place or ZERO, terms[line_intake.pk])
        co_funders = all_shares[source_id]
        weights = [s.share_percent or ZERO for s in co_funders]
        mine = [s.pk for s in co_funders].index(share.pk)
        for term in terms[line_intake.pk]:
            per_student = (
                split_cents(costs[term.pk], weights)[mine] if source.cost_per_place else ZERO
            )

            found = sums.get((source_id, term.pk, 0), {})
            if month is not None and term.start_date > month_end(month) and not any(found.values()):
                continue  # not begun by the month's end, and nothing paid on it early
            _add_line(statement, term, found, committed=per_student * count)
        adjustments = sums.get((source_id, None, line_intake.pk))
        if adjustments and any(adjustments.values()):
            _add_line(statement, None, adjustments, committed=ZERO)
        statements.append(statement)
    return statements


def _add_line(
    statement: IntakeStatement, term: Term | None, found: dict, *, committed: Decimal
) -> None:
    figures = Figures(
        committed=committed,
        # SQLite's SUM of decimals comes back with more places than the column's.
        **{name: (found.get(name) or ZERO).quantize(ZERO) for name in SUMMED},
    )
    statement.terms.append(TermLine(term=term, figures=figures))
    statement.total.add(figures)

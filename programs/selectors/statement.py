"""A co-funder's statement: for each funding source it co-funds and each intake the source
funds, per term, what its share commits it to and where its disbursements stand.

committed = (enrolled + completed students of the source in the intake) × the co-funder's
per-student amount for the term (the same split to the cent as disbursements_schedule);
scheduled = every disbursement not cancelled (paid or not); outstanding = scheduled − paid.
Six queries whatever the number of students, terms or intakes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

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

    @property
    def outstanding(self) -> Decimal:
        return self.scheduled - self.paid

    def add(self, other: Figures) -> None:
        for name in ("committed", "scheduled", "approved", "paid", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TermLine:
    term: Term
    figures: Figures


@dataclass
class IntakeStatement:
    share: FundingShare
    intake: Intake
    students: int
    terms: list[TermLine] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def funder_statement(*, partner: Partner, intake: Intake | None = None) -> list[IntakeStatement]:
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
    sums: dict[tuple[int, int, str], Decimal] = {
        (row["enrollment__funding_source_id"], row["term_id"], row["status"]): row["total"]
        for row in Disbursement.objects.filter(partner=partner, term__intake_id__in=intake_ids)
        .values("enrollment__funding_source_id", "term_id", "status")
        .annotate(total=Sum("amount"))
    }
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

            def total(*statuses: str, term_pk: int = term.pk, src: int = source_id) -> Decimal:
                # SQLite's SUM of decimals comes back with more places than the column's.
                return sum((sums.get((src, term_pk, s), ZERO) for s in statuses), ZERO).quantize(
                    ZERO
                )

            figures = Figures(
                committed=per_student * count,
                scheduled=total(Money.SCHEDULED, Money.APPROVED, Money.PAID),
                approved=total(Money.APPROVED),
                paid=total(Money.PAID),
                cancelled=total(Money.CANCELLED),
            )
            statement.terms.append(TermLine(term=term, figures=figures))
            statement.total.add(figures)
        statements.append(statement)
    return statements

"""A costed, split scholarship with terms and enrolled students, for the money tests."""

from __future__ import annotations

from decimal import Decimal

from programs.models import Disbursement, FundingShare, FundingSource, Intake

from .cohort import make_terms
from .factories import EnrollmentFactory, IntakeFundingFactory


def cost_and_split(source: FundingSource, cost: str, *shares: str) -> list[FundingShare]:
    """Give the source a cost per place (RWF, per year) and its co-funders these shares."""
    source.cost_per_place, source.currency = Decimal(cost), "RWF"
    source.save()
    rows = list(source.shares.order_by("partner__name"))
    for row, share in zip(rows, shares or [None] * len(rows), strict=True):
        row.share_percent = None if share is None else Decimal(share)
        row.save()
    return rows


def costed_intake(intake: Intake, source: FundingSource, *, students: int, years: int = 1):
    terms = make_terms(intake, years=years)
    enrollments = EnrollmentFactory.create_batch(
        students, intake=intake, status="enrolled", funding_source=source
    )
    if not intake.fundings.filter(funding_source=source).exists():
        IntakeFundingFactory(intake=intake, funding_source=source, places=20)
    return terms, enrollments


def amounts(**filters) -> list[Decimal]:
    return list(Disbursement.objects.filter(**filters).values_list("amount", flat=True))

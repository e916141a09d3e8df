"""The demo's money (seed_demo): the September 2027 intake's first year of terms scheduled and
HEC's share of its first term paid, through the services, as finance staff would.

The real split between HEC and Alibaba and the real cost of a place are not public: the demo
records an invented cost (3,000,000 RWF a year of study) and an invented 50/50 split, and says
so in the scholarship's description, so that the statements have something to show.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from programs import services
from programs.models import Disbursement, FundingSource, Intake, Partner, Term

DEMO_COST_PER_YEAR = Decimal("3000000.00")
DEMO_CURRENCY = "RWF"
DEMO_SPLIT = Decimal("50")
PAID_ON = datetime.date(2027, 8, 30)  # a week before the first term begins
REFERENCE = "HEC-RWF-2027-T1-0001"  # invented bank reference
FIRST_YEAR = [
    ("Year 1, semester 1", datetime.date(2027, 9, 6), datetime.date(2028, 1, 28)),
    ("Year 1, semester 2", datetime.date(2028, 2, 14), datetime.date(2028, 7, 7)),
]
DESCRIPTION = (
    "Places jointly funded by the Higher Education Council of Rwanda and Alibaba. The real "
    "split of cost between the two co-funders is not public: the demo data records an "
    "invented 50/50 split and an invented cost per place."
)


def cost_and_split(scholarship: FundingSource, hec: Partner, alibaba: Partner) -> None:
    """Give the scholarship the demo's invented cost and split, unless they are recorded."""
    if scholarship.cost_per_place is None:
        scholarship.cost_per_place, scholarship.currency = DEMO_COST_PER_YEAR, DEMO_CURRENCY
        scholarship.description = DESCRIPTION
        scholarship.full_clean()
        scholarship.save()
    if any(share.share_percent is None for share in scholarship.shares.all()):
        services.funding_source_set_shares(
            funding_source=scholarship,
            shares=[(hec, DEMO_SPLIT), (alibaba, DEMO_SPLIT)],
            reason="Demo data: an invented split",
        )


def first_year_terms(intake: Intake) -> list[Term]:
    """The intake's two semesters of year 1 (later years are added as the cohort goes on)."""
    if not intake.terms.exists():
        for number, (name, start, end) in enumerate(FIRST_YEAR, start=1):
            term = Term(
                intake=intake, name=name, number=number, year=1, start_date=start, end_date=end
            )
            term.full_clean()
            term.save()
    return list(intake.terms.order_by("number"))


def schedule_and_pay_hec(intake: Intake, hec: Partner) -> None:
    """Schedule the intake (idempotent), then approve and pay HEC's share of its first term."""
    terms = first_year_terms(intake)
    services.disbursements_schedule(intake=intake)
    Status = Disbursement.Status
    rows = Disbursement.objects.filter(
        term=terms[0], partner=hec, status__in=[Status.SCHEDULED, Status.APPROVED]
    ).order_by("pk")
    for row in rows:
        if row.status == Status.SCHEDULED:
            row = services.disbursement_approve(disbursement=row, by=None)
        services.disbursement_mark_paid(disbursement=row, on=PAID_ON, reference=REFERENCE, by=None)

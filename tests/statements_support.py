"""A co-funder with a month's payments at its boundaries, for the monthly statement tests."""

from __future__ import annotations

import datetime

from programs import services
from programs.models import Disbursement, FundingSource, Intake, Partner

from .money import cost_and_split, costed_intake

SEPTEMBER, OCTOBER = datetime.date(2027, 9, 1), datetime.date(2027, 10, 1)


def pay(row: Disbursement, on: datetime.date) -> None:
    services.disbursement_approve(disbursement=row, by=None)
    services.disbursement_mark_paid(disbursement=row, on=on, reference="B", by=None)


def paid_hec(september_intake: Intake, joint_scholarship: FundingSource) -> Partner:
    """Two students, 1,000,000 a year, HEC 60 %: 300,000 per student and term. The first term
    starts on 30 September; one payment on 1 October, one on 31 October, and one for the
    second term (March) paid early, on 15 October."""
    september_intake.start_date = datetime.date(2027, 9, 30)
    september_intake.save()
    cost_and_split(joint_scholarship, "1000000", "40", "60")
    terms, _ = costed_intake(september_intake, joint_scholarship, students=2, years=1)
    services.disbursements_schedule(intake=september_intake)
    hec = Partner.objects.get(name="HEC")
    first, second = hec.disbursements.filter(term=terms[0]).order_by("pk")
    pay(first, datetime.date(2027, 10, 1))
    pay(second, datetime.date(2027, 10, 31))
    pay(hec.disbursements.filter(term=terms[1]).order_by("pk")[0], datetime.date(2027, 10, 15))
    return hec

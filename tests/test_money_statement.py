"""A co-funder's statement from scheduling to payment and an exit: exact figures that add up."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import services
from programs.models import Disbursement, Partner
from programs.selectors.statement import funder_statement

from .factories import IntakeFactory
from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db


def test_schedule_pay_hecs_first_term_exit_one_and_the_statement_adds_up(
    september_intake, joint_scholarship, staff
):
    cost_and_split(joint_scholarship, "1000000", "40", "60")  # Alibaba 40 %, HEC 60 %
    terms, students = costed_intake(september_intake, joint_scholarship, students=3, years=1)
    assert services.disbursements_schedule(intake=september_intake, by=staff) == 12
    hec = Partner.objects.get(name="HEC")
    for row in Disbursement.objects.filter(partner=hec, term=terms[0]):
        services.disbursement_approve(disbursement=row, by=staff)
        services.disbursement_mark_paid(
            disbursement=row, on=terms[0].start_date, reference="HEC-T1", by=staff
        )
    left_on = terms[0].start_date + datetime.timedelta(days=30)
    services.enrollment_exit(enrollment=students[0], reason="financial", on=left_on, by=staff)

    (line,) = funder_statement(partner=hec)
    assert (line.share.share_percent, line.intake, line.students) == (60, september_intake, 2)
    first, second = (term.figures for term in line.terms)
    k = Decimal(1000)
    assert (first.committed, first.scheduled, first.paid, first.outstanding) == (
        600 * k,
        900 * k,
        900 * k,
        0,
    )
    assert (second.committed, second.scheduled, second.approved, second.paid) == (
        600 * k,
        600 * k,
        0,
        0,
    )
    assert (second.outstanding, second.cancelled) == (600 * k, 300 * k)
    total = line.total
    assert (total.committed, total.scheduled, total.paid, total.outstanding, total.cancelled) == (
        1200 * k,
        1500 * k,
        900 * k,
        600 * k,
        300 * k,
    )
    assert total.scheduled == first.scheduled + second.scheduled
    (alibaba,) = funder_statement(partner=Partner.objects.get(name="Alibaba"))
    assert (alibaba.total.scheduled, alibaba.total.paid, alibaba.total.cancelled) == (
        1000 * k,
        0,
        200 * k,
    )
    # the co-funders' shares of a term add up to its cost (500,000 per student)
    assert first.committed + alibaba.terms[0].figures.committed == 2 * 500 * k


def test_the_statement_takes_the_same_queries_for_more_intakes_and_students(joint_scholarship):
    cost_and_split(joint_scholarship, "1000", "50", "50")
    hec = Partner.objects.get(name="HEC")
    counts = []
    for students in (1, 6):
        intake = IntakeFactory()
        costed_intake(intake, joint_scholarship, students=students, years=2)
        services.disbursements_schedule(intake=intake)
        with CaptureQueriesContext(connection) as queries:
            funder_statement(partner=hec)
        counts.append(len(queries))
    assert counts == [6, 6]

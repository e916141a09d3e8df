"""Scheduling, approving and paying each co-funder's share, and what an exit cancels."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from programs import services
from programs.models import Disbursement, Enrollment
from programs.services.money import split_cents, term_costs

from .factories import FundingShareFactory, FundingSourceFactory, PartnerFactory
from .money import amounts, cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
Status = Disbursement.Status


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("1000.00", ["333.30", "333.30", "333.40"]),
        ("0.01", ["0.00", "0.00", "0.01"]),
        ("0.05", ["0.02", "0.01", "0.02"]),
    ],
)
def test_three_co_funders_add_up_to_the_terms_cost(total, expected):
    parts = split_cents(Decimal(total), [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    assert parts == [Decimal(x) for x in expected]
    assert sum(parts) == Decimal(total)


cents = st.integers(min_value=1, max_value=10**12).map(lambda c: Decimal(c) / 100)
shares = st.lists(st.integers(min_value=1, max_value=10000), min_size=1, max_size=6).map(
    lambda raw: [Decimal(x) / 100 for x in raw]
)


@given(total=cents, weights=shares)
def test_any_split_adds_up_to_the_cent(total, weights):
    parts = split_cents(total, weights)
    assert sum(parts) == total
    assert all(part >= 0 and part == part.quantize(Decimal("0.01")) for part in parts)
    whole = sum(weights)
    assert all(
        abs(p - total * w / whole) < Decimal("0.01") for p, w in zip(parts, weights, strict=True)
    )


@settings(max_examples=50)
@given(cost=cents, terms_in_year=st.integers(min_value=1, max_value=4))
def test_a_years_terms_add_up_to_the_cost_per_year(cost, terms_in_year):
    class T:
        def __init__(self, pk):
            self.pk, self.year = pk, 1

    costs = term_costs(cost, [T(i) for i in range(terms_in_year)])
    assert sum(costs.values()) == cost


def test_schedule_per_co_funder_term_and_student_then_only_whats_missing(
    september_intake, joint_scholarship
):
    alibaba, hec = cost_and_split(joint_scholarship, "1000.00", "33.33", "66.67")
    terms, students = costed_intake(september_intake, joint_scholarship, students=3, years=1)
    assert services.disbursements_schedule(intake=september_intake) == 3 * 2 * 2
    for student in students:
        for term in terms:
            term_rows = amounts(enrollment=student, term=term)
            assert sum(term_rows) == Decimal("500.00")
    assert sorted(set(amounts(partner=hec.partner))) == [Decimal("333.35")]
    assert sorted(set(amounts(partner=alibaba.partner))) == [Decimal("166.65")]
    first = Disbursement.objects.filter(term=terms[0]).first()
    assert first.due_on == terms[0].start_date and first.status == Status.SCHEDULED
    assert services.disbursements_schedule(intake=september_intake) == 0
    newcomer = Enrollment.objects.create(
        student=students[0].student.__class__.objects.create(
            first_name="Eric", last_name="Nshuti", email="eric@example.rw"
        ),
        intake=september_intake,
        status="enrolled",
        funding_source=joint_scholarship,
    )
    assert services.disbursements_schedule(intake=september_intake) == 4
    assert sum(amounts(enrollment=newcomer)) == Decimal("1000.00")


def test_without_a_known_split_the_source_itself_pays(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "900.00")  # shares exist, percentages unknown
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    rows = Disbursement.objects.all()
    assert [(row.partner_id, row.amount) for row in rows] == [
        (None, Decimal("450.00")),
        (None, Decimal("450.00")),
    ]
    assert services.disbursements_schedule(intake=september_intake) == 0


def test_unfunded_and_not_enrolled_students_get_nothing(september_intake, joint_scholarship, fill):
    cost_and_split(joint_scholarship, "900.00", "50", "50")
    costed_intake(september_intake, joint_scholarship, students=0, years=1)
    fill(september_intake, 2)  # enrolled, not funded
    fill(september_intake, 2, status="offered", funding_source=joint_scholarship)
    assert services.disbursements_schedule(intake=september_intake) == 0


def test_approve_then_pay_once(september_intake, joint_scholarship, staff):
    cost_and_split(joint_scholarship, "900.00", "50", "50")
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    row = Disbursement.objects.first()
    with pytest.raises(ValidationError, match="is scheduled, not approved"):
        services.disbursement_mark_paid(
            disbursement=row, on=datetime.date(2027, 9, 5), reference="B1", by=staff
        )
    services.disbursement_approve(disbursement=row, by=staff)
    paid = services.disbursement_mark_paid(
        disbursement=row, on=datetime.date(2027, 9, 5), reference=" B1 ", by=staff
    )
    assert (paid.status, paid.paid_on, paid.reference) == (
        Status.PAID,
        datetime.date(2027, 9, 5),
        "B1",
    )
    assert paid.history.first().history_user == staff
    with pytest.raises(ValidationError, match="already paid"):
        services.disbursement_mark_paid(
            disbursement=row, on=datetime.date(2027, 9, 6), reference="B2", by=staff
        )
    with pytest.raises(ValidationError):
        services.disbursement_approve(disbursement=row, by=staff)
    row.refresh_from_db()
    assert (row.paid_on, row.reference) == (datetime.date(2027, 9, 5), "B1")


def test_an_exit_cancels_what_is_due_after_it_and_keeps_what_was_paid(
    september_intake, joint_scholarship
):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    terms, (student,) = costed_intake(september_intake, joint_scholarship, students=1, years=2)
    services.disbursements_schedule(intake=september_intake)
    first_term = list(Disbursement.objects.filter(term=terms[0]))
    services.disbursement_approve(disbursement=first_term[0], by=None)
    services.disbursement_mark_paid(
        disbursement=first_term[0], on=terms[0].start_date, reference="P", by=None
    )
    services.disbursement_approve(disbursement=first_term[1], by=None)
    second_term = Disbursement.objects.filter(term=terms[1]).first()
    services.disbursement_approve(disbursement=second_term, by=None)
    left_on = terms[0].start_date + datetime.timedelta(days=30)
    services.enrollment_exit(enrollment=student, reason="financial", on=left_on)
    by_term = {
        term.number: sorted(Disbursement.objects.filter(term=term).values_list("status", flat=True))
        for term in terms
    }
    assert by_term[1] == ["approved", "paid"]  # due before the exit: kept
    assert by_term[2] == by_term[3] == by_term[4] == ["cancelled", "cancelled"]


def test_a_refused_exit_cancels_nothing(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    terms, (student,) = costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    with pytest.raises(ValidationError):
        services.enrollment_exit(enrollment=student, reason="nonsense", on=terms[0].start_date)
    assert not Disbursement.objects.filter(status=Status.CANCELLED).exists()


def test_a_co_funder_of_another_source_never_pays_here(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    other = FundingSourceFactory(name="UNCTAD grant", cost_per_place=Decimal("5"), currency="RWF")
    FundingShareFactory(
        funding_source=other, partner=PartnerFactory(name="UNCTAD"), share_percent=Decimal(100)
    )
    costed_intake(september_intake, joint_scholarship, students=2, years=1)
    services.disbursements_schedule(intake=september_intake)
    assert not Disbursement.objects.filter(partner__name="UNCTAD").exists()


def test_scheduling_takes_a_constant_number_of_queries(september_intake, joint_scholarship):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import IntakeFactory

    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    counts = []
    for students in (1, 5):
        intake = IntakeFactory()
        costed_intake(intake, joint_scholarship, students=students, years=2)
        # savepoint, lock, terms, enrollments, shares, existing, one insert of the rows, one of
        # their history, release (inserts are batched only past the database's parameter limit)
        with CaptureQueriesContext(connection) as queries:
            assert services.disbursements_schedule(intake=intake) == students * 4 * 2
        counts.append(len(queries))
    assert counts == [9, 9]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Ce versement est déjà payé."), ("rw", "Ubu bwishyu bwamaze kwishyurwa.")],
)
def test_a_refusal_speaks_the_staff_members_language(
    september_intake, joint_scholarship, language, expected
):
    from django.utils import translation

    cost_and_split(joint_scholarship, "900.00", "50", "50")
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    row = services.disbursement_approve(disbursement=Disbursement.objects.first(), by=None)
    day = datetime.date(2027, 9, 5)
    services.disbursement_mark_paid(disbursement=row, on=day, reference="", by=None)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.disbursement_mark_paid(disbursement=row, on=day, reference="", by=None)
    assert refused.value.messages == [expected]

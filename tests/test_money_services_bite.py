"""Cancelling, adjusting and recording who did it, at the services (the admin tests press the
buttons; these pin each rule at its boundary, found unchecked by mutation testing)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Disbursement

from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
Status = Disbursement.Status
DAY = datetime.date(2027, 9, 5)


@pytest.fixture
def scheduled(september_intake, joint_scholarship):
    """One enrolled student, two co-funders at 50 %, one year of two terms: 4 rows scheduled."""
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    terms, (enrollment,) = costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    return enrollment, terms


def _first() -> Disbursement:
    return Disbursement.objects.order_by("pk")[0]


def _state(row: Disbursement) -> tuple:
    row.refresh_from_db()
    return row.status, row.history.count()


def test_scheduling_records_who_and_why_and_an_anonymous_user_is_nobody(
    september_intake, joint_scholarship, staff
):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake, by=staff)
    history = Disbursement.history.all()
    assert {(h.history_user, h.history_change_reason) for h in history} == {(staff, "Scheduled")}
    assert history.count() == 4

    extra = costed_intake(september_intake, joint_scholarship, students=1, years=0)[1][0]
    # No new terms (years=0): the newcomer gets the intake's existing two, by nobody.
    services.disbursements_schedule(intake=september_intake, by=AnonymousUser())
    rows = Disbursement.history.filter(enrollment_id=extra.pk)
    assert rows.count() == 4 and {h.history_user for h in rows} == {None}


def test_cancelling_needs_a_reason_and_says_so(scheduled, staff):
    row = _first()
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.disbursement_cancel(disbursement=row, reason=reason, by=staff)
        assert refused.value.message_dict == {"reason": ["Say why the payment is cancelled."]}
    assert _state(row) == (Status.SCHEDULED, 1)


@pytest.mark.parametrize("approved", [False, True], ids=["scheduled", "approved"])
def test_a_payment_not_made_is_cancelled_with_its_reason_and_who(scheduled, staff, approved):
    row = _first()
    if approved:
        services.disbursement_approve(disbursement=row, by=staff)
    services.disbursement_cancel(disbursement=row, reason="  Student deferred  ", by=staff)
    row.refresh_from_db()
    assert row.status == Status.CANCELLED
    latest = row.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Cancelled: Student deferred",
        staff,
    )
    # The others are untouched.
    assert set(Disbursement.objects.exclude(pk=row.pk).values_list("status", flat=True)) == {
        Status.SCHEDULED
    }


def test_a_long_cancellation_reason_is_kept_to_100_characters(scheduled, staff):
    row = _first()
    services.disbursement_cancel(disbursement=row, reason="x" * 150, by=staff)
    assert row.history.first().history_change_reason == "Cancelled: " + "x" * 89


def test_a_paid_or_cancelled_payment_is_not_cancelled(scheduled, staff):
    row = _first()
    services.disbursement_approve(disbursement=row, by=staff)
    services.disbursement_mark_paid(disbursement=row, on=DAY, reference="B1", by=staff)
    with pytest.raises(ValidationError) as refused:
        services.disbursement_cancel(disbursement=row, reason="Wrong", by=staff)
    assert refused.value.messages == [
        "This disbursement is paid and cannot be cancelled: record a correction as an "
        "adjustment (a negative amount with a reason)."
    ]
    assert _state(row) == (Status.PAID, 3)

    other = Disbursement.objects.exclude(pk=row.pk).order_by("pk").first()
    services.disbursement_cancel(disbursement=other, reason="Deferred", by=staff)
    with pytest.raises(ValidationError) as refused:
        services.disbursement_cancel(disbursement=other, reason="Again", by=staff)
    assert refused.value.messages == ["This disbursement is already cancelled."]
    assert _state(other) == (Status.CANCELLED, 2)


def test_paying_needs_the_day_and_keeps_100_characters_of_the_reference(scheduled, staff):
    row = services.disbursement_approve(disbursement=_first(), by=staff)
    with pytest.raises(ValidationError) as refused:
        services.disbursement_mark_paid(disbursement=row, on=None, reference="B1", by=staff)
    assert refused.value.message_dict == {"paid_on": ["Enter the day it was paid."]}
    assert _state(row) == (Status.APPROVED, 2)

    services.disbursement_mark_paid(disbursement=row, on=DAY, reference="R" * 120, by=staff)
    row.refresh_from_db()
    assert (row.status, row.reference) == (Status.PAID, "R" * 100)
    assert (row.history.first().history_change_reason, row.history.first().history_user) == (
        "Paid",
        staff,
    )


@pytest.mark.parametrize(
    ("amount", "reason", "errors"),
    [
        (Decimal("0"), "Refund", {"amount"}),
        (Decimal("0.01"), "Refund", {"amount"}),
        (Decimal("-0.01"), "  ", {"reason"}),
        (Decimal("5"), "", {"amount", "reason"}),
    ],
)
def test_an_adjustment_is_negative_with_a_reason_or_nothing_is_saved(
    scheduled, staff, amount, reason, errors
):
    enrollment, _terms = scheduled
    before = Disbursement.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.disbursement_adjust(
            enrollment=enrollment,
            partner=None,
            term=None,
            amount=amount,
            due_on=DAY,
            reason=reason,
            by=staff,
        )
    assert set(refused.value.message_dict) == errors
    messages = {
        "amount": ["An adjustment is a negative amount, such as -1500.00."],
        "reason": ["An adjustment (a negative amount) needs a reason."],
    }
    assert refused.value.message_dict == {key: messages[key] for key in errors}
    assert Disbursement.objects.count() == before


def test_an_adjustment_is_saved_in_the_sources_currency_with_who_and_why(scheduled, staff):
    enrollment, terms = scheduled
    partner = enrollment.funding_source.shares.order_by("partner__name").first().partner
    row = services.disbursement_adjust(
        enrollment=enrollment,
        partner=partner,
        term=terms[0],
        amount=Decimal("-0.01"),
        due_on=DAY,
        reason="  Overpaid by a cent  ",
        by=staff,
    )
    row.refresh_from_db()
    assert (row.amount, row.currency, row.reason, row.status, row.partner, row.term) == (
        Decimal("-0.01"),
        "RWF",
        "Overpaid by a cent",
        Status.SCHEDULED,
        partner,
        terms[0],
    )
    assert row.due_on == DAY
    latest = row.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("Adjustment", staff)


def test_an_exit_cancels_only_what_is_due_after_the_day_it_is_recorded(scheduled, staff):
    """Due on the exit day itself: still owed. Due the day after: cancelled, by whom it says."""
    enrollment, terms = scheduled
    second = terms[1].start_date
    assert services.disbursements_cancel_after(enrollment=enrollment, on=second, by=None) == 0
    cancelled = services.disbursements_cancel_after(
        enrollment=enrollment, on=second - datetime.timedelta(days=1), by=staff
    )
    assert cancelled == 2
    assert {
        (row.term_id, row.status) for row in Disbursement.objects.filter(enrollment=enrollment)
    } == {(terms[0].pk, Status.SCHEDULED), (terms[1].pk, Status.CANCELLED)}
    reasons = Disbursement.history.filter(status=Status.CANCELLED)
    assert {(h.history_change_reason, h.history_user) for h in reasons} == {
        ("Cancelled: the student left", staff)
    }

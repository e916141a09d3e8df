"""The schedule's edges at the services, each found unchecked by mutation testing: who gets a
leftover cent, a share that rounds to nothing, what counts as already scheduled, what an exit
cancels, and who approved."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Disbursement

from .factories import EnrollmentFactory
from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
Status = Disbursement.Status
DAY = datetime.date(2027, 9, 5)


def _rows(enrollment) -> list[tuple[int, str, Decimal]]:
    return [
        (row.term.number, row.partner.name, row.amount)
        for row in Disbursement.objects.filter(enrollment=enrollment)
        .select_related("term", "partner")
        .order_by("term__number", "partner__name")
    ]


def test_a_leftover_cent_goes_to_the_first_co_funder_by_name_and_nothing_is_owed_for_0_00(
    september_intake, joint_scholarship
):
    """3 cents a year, two terms, 50/50: the first term costs 2 cents (one each), the second 1
    cent, which goes to Alibaba (first by name, though HEC's share was made first); HEC owes
    0.00 that term, so no payment of 0.00 is scheduled for it."""
    cost_and_split(joint_scholarship, "0.03", "50", "50")
    _terms, (enrollment,) = costed_intake(september_intake, joint_scholarship, students=1)
    assert services.disbursements_schedule(intake=september_intake) == 3
    assert _rows(enrollment) == [
        (1, "Alibaba", Decimal("0.01")),
        (1, "HEC", Decimal("0.01")),
        (2, "Alibaba", Decimal("0.01")),
    ]


def test_an_adjustment_or_a_cancelled_payment_is_not_a_payment_that_exists(
    september_intake, joint_scholarship, staff
):
    """Scheduling skips what exists per student, term and payer: a cancelled payment stays
    the one payment of its term (nothing is scheduled again for it), but a negative
    adjustment on the same term and payer is a correction, not the payment itself."""
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    terms, (enrollment,) = costed_intake(september_intake, joint_scholarship, students=1)
    alibaba = joint_scholarship.shares.get(partner__name="Alibaba").partner
    services.disbursement_adjust(
        enrollment=enrollment,
        partner=alibaba,
        term=terms[0],
        amount=Decimal("-10.00"),
        due_on=DAY,
        reason="Paid twice last year",
        by=staff,
    )
    assert services.disbursements_schedule(intake=september_intake) == 4
    assert (1, "Alibaba", Decimal("250.00")) in _rows(enrollment)

    first = Disbursement.objects.filter(amount__gt=0).order_by("pk")[0]
    services.disbursement_cancel(disbursement=first, reason="Deferred", by=staff)
    assert services.disbursements_schedule(intake=september_intake) == 0
    assert Disbursement.objects.count() == 5


def test_an_exit_cancels_scheduled_and_approved_payments_and_leaves_paid_and_cancelled_ones(
    september_intake, joint_scholarship, staff
):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    terms, (enrollment,) = costed_intake(september_intake, joint_scholarship, students=1, years=2)
    services.disbursements_schedule(intake=september_intake)
    later = list(Disbursement.objects.filter(term__number__gte=2).order_by("term__number", "pk"))
    assert len(later) == 6
    approved, paid, cancelled = later[0], later[1], later[2]
    services.disbursement_approve(disbursement=approved, by=staff)
    services.disbursement_approve(disbursement=paid, by=staff)
    services.disbursement_mark_paid(disbursement=paid, on=DAY, reference="B1", by=staff)
    services.disbursement_cancel(disbursement=cancelled, reason="Deferred", by=staff)
    histories = {row.pk: row.history.count() for row in later}

    left = terms[1].start_date - datetime.timedelta(days=1)
    count = services.disbursements_cancel_after(enrollment=enrollment, on=left, by=AnonymousUser())
    assert count == 4  # approved + the three still scheduled
    status = dict(Disbursement.objects.filter(term__number__gte=2).values_list("pk", "status"))
    assert status[paid.pk] == Status.PAID
    assert status[cancelled.pk] == Status.CANCELLED
    assert {status[row.pk] for row in later if row not in (paid, cancelled)} == {Status.CANCELLED}
    assert paid.history.count() == histories[paid.pk]
    assert cancelled.history.count() == histories[cancelled.pk]
    # Signed out (an AnonymousUser) is nobody in the history, not an error.
    newest = Disbursement.history.filter(history_change_reason="Cancelled: the student left")
    assert newest.count() == 4 and {h.history_user for h in newest} == {None}
    assert Disbursement.objects.filter(term__number=1, status=Status.SCHEDULED).count() == 2


def test_approving_records_who_approved(september_intake, joint_scholarship, staff):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    costed_intake(september_intake, joint_scholarship, students=1)
    services.disbursements_schedule(intake=september_intake)
    row = Disbursement.objects.order_by("pk")[0]
    services.disbursement_approve(disbursement=row, by=staff)
    latest = row.history.first()
    assert (latest.status, latest.history_change_reason, latest.history_user) == (
        Status.APPROVED,
        "Approved",
        staff,
    )


def test_an_adjustment_takes_the_sources_currency_whatever_it_is(
    september_intake, joint_scholarship, staff
):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    joint_scholarship.currency = "USD"
    joint_scholarship.save()
    _terms, (enrollment,) = costed_intake(september_intake, joint_scholarship, students=1)
    hec = joint_scholarship.shares.get(partner__name="HEC").partner
    row = services.disbursement_adjust(
        enrollment=enrollment,
        partner=hec,
        term=None,
        amount=Decimal("-5.00"),
        due_on=DAY,
        reason="Bank fee refunded",
        by=staff,
    )
    row.refresh_from_db()
    assert row.currency == "USD"


def test_an_adjustment_for_a_student_without_a_funding_source_is_refused_and_says_why(
    september_intake, staff
):
    enrollment = EnrollmentFactory(intake=september_intake, status="enrolled")
    with pytest.raises(ValidationError) as refused:
        services.disbursement_adjust(
            enrollment=enrollment,
            partner=None,
            term=None,
            amount=Decimal("-5.00"),
            due_on=DAY,
            reason="Fee refunded",
            by=staff,
        )
    assert refused.value.message_dict == {
        "currency": ["This field cannot be blank."],
        "enrollment": ["This student holds no funded place: nobody pays for it here."],
    }
    assert not Disbursement.objects.exists()

"""Offers at the services, on the edges mutation testing found unchecked: the words a student
reads, the reasons and the staff member in the history, and which offers an expiry run
touches (only open offers past their day, in their own intake)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from programs import services
from programs.models import Enrollment

from .factories import EnrollmentFactory, IntakeFactory, StaffFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _last_change(enrollment: Enrollment) -> tuple[str | None, object]:
    row = Enrollment.objects.get(pk=enrollment.pk).history.first()
    return row.history_change_reason, row.history_user


def test_answering_what_is_not_an_open_offer_says_so_in_full(september_intake):
    applied = EnrollmentFactory(intake=september_intake, status=Status.APPLIED)
    with pytest.raises(ValidationError) as refused:
        services.offer_respond(enrollment=applied, accept=True)
    assert refused.value.messages == ["There is no open offer to answer for this application."]


def test_an_expired_offer_tells_its_date_in_full(september_intake):
    offer = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(-1)
    )
    with pytest.raises(ValidationError) as refused:
        services.offer_respond(enrollment=offer, accept=False)
    assert refused.value.messages == [f"This offer expired on {date_format(_days(-1))}."]


@pytest.mark.parametrize("accept, reason", [(True, "Offer accepted"), (False, "Offer declined")])
def test_an_answer_records_the_reason_and_who_answered(september_intake, accept, reason):
    staff = StaffFactory()
    offer = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(2)
    )
    services.offer_respond(enrollment=offer, accept=accept, by=staff)
    assert _last_change(offer) == (reason, staff)


def test_expiry_records_the_day_the_reason_and_who_ran_it_and_for_the_reoffer_too(
    september_intake, joint_scholarship, fill
):
    staff = StaffFactory()
    fill(september_intake, 19, funding_source=joint_scholarship)
    fill(september_intake, 2)
    expired = EnrollmentFactory(
        intake=september_intake,
        status=Status.OFFERED,
        funding_source=joint_scholarship,
        offer_expires_on=_days(-1),
    )
    # Asked for no source in particular: the freed funded place is offered *with* the source.
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    result = services.offers_expire(by=staff)
    assert [e.pk for e in result.offered] == [waiting.pk]
    expired.refresh_from_db()
    assert (expired.status, expired.exit_reason, expired.exit_date) == (
        Status.WITHDRAWN,
        "offer_expired",
        timezone.localdate(),
    )
    assert _last_change(expired) == ("Offer expired", staff)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.funding_source) == (Status.OFFERED, joint_scholarship)
    assert _last_change(waiting) == ("Offered from the waitlist after an offer expired", staff)


def test_expiry_reports_offers_oldest_deadline_first(september_intake):
    later = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(-1)
    )
    earlier = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(-5)
    )
    result = services.offers_expire()
    assert [e.pk for e in result.expired] == [earlier.pk, later.pk]


def test_expiry_touches_only_open_offers_past_their_day(september_intake):
    staff = StaffFactory()
    expired = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(-1)
    )
    still_open = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(1)
    )
    accepted = EnrollmentFactory(
        intake=september_intake, status=Status.ENROLLED, offer_expires_on=_days(-3)
    )
    declined = EnrollmentFactory(intake=september_intake, status=Status.OFFERED)
    declined.offer_expires_on = _days(3)
    declined.save()
    services.offer_respond(enrollment=declined, accept=False, by=staff)
    Enrollment.objects.filter(pk=declined.pk).update(offer_expires_on=_days(-2))

    result = services.offers_expire()
    assert [e.pk for e in result.expired] == [expired.pk]
    assert Enrollment.objects.get(pk=still_open.pk).status == Status.OFFERED
    assert Enrollment.objects.get(pk=accepted.pk).status == Status.ENROLLED
    declined.refresh_from_db()
    assert (declined.exit_reason, declined.exit_date) == ("declined_offer", timezone.localdate())
    assert _last_change(declined) == ("Offer declined", staff)


def test_each_intake_offers_its_own_freed_place(fill):
    waiting = {}
    for intake in (IntakeFactory(capacity=3), IntakeFactory(capacity=3)):
        fill(intake, intake.capacity - 1)
        EnrollmentFactory(intake=intake, status=Status.OFFERED, offer_expires_on=_days(-1))
        waiting[intake.pk] = EnrollmentFactory(intake=intake, status=Status.WAITLISTED)
    result = services.offers_expire()
    assert len(result.expired) == 2
    assert sorted(e.pk for e in result.offered) == sorted(e.pk for e in waiting.values())
    for enrollment in waiting.values():
        assert Enrollment.objects.get(pk=enrollment.pk).status == Status.OFFERED


def test_a_started_intake_still_expires_every_late_offer(september_intake):
    september_intake.start_date = _days(-10)
    september_intake.save()
    late = [
        EnrollmentFactory(intake=september_intake, status=Status.OFFERED, offer_expires_on=day)
        for day in (_days(-3), _days(-1))
    ]
    result = services.offers_expire()
    assert [e.pk for e in result.expired] == [e.pk for e in late]
    assert not Enrollment.objects.filter(status=Status.OFFERED).exists()


def test_an_expiry_run_for_a_day_after_the_start_offers_no_freed_seat(september_intake):
    """Whether the intake has started is judged on the run's day, not on today's."""
    day = september_intake.start_date + datetime.timedelta(days=1)
    late = EnrollmentFactory(
        intake=september_intake,
        status=Status.OFFERED,
        offer_expires_on=september_intake.start_date - datetime.timedelta(days=1),
    )
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    result = services.offers_expire(today=day)
    assert ([e.pk for e in result.expired], result.offered) == ([late.pk], [])
    assert Enrollment.objects.get(pk=waiting.pk).status == Status.WAITLISTED

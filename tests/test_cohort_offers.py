"""Offers with a deadline: made by every path, answered by the student, expired by the daily
command and re-offered once to the next eligible person, never once the intake has started."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from programs import services
from programs.models import Enrollment

from .factories import EnrollmentFactory, FundingSourceFactory, IntakeFundingFactory
from .outbox import deliver

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def test_every_offer_path_sets_the_deadline(september_intake, joint_scholarship):
    september_intake.offer_response_days = 10
    september_intake.save()
    applied, waiting, bulk = (
        EnrollmentFactory(intake=september_intake, status=s)
        for s in (Status.APPLIED, Status.WAITLISTED, Status.APPLIED)
    )
    services.enrollment_set_status(enrollment=applied, status=Status.OFFERED)
    services.waitlist_offer_next(intake=september_intake)
    services.enrollment_bulk_set_status(enrollments=[bulk], status=Status.OFFERED)
    for enrollment in (applied, waiting, bulk):
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.offer_expires_on) == (Status.OFFERED, _days(10))


def test_the_offer_email_tells_the_deadline(september_intake, django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(intake=september_intake)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_set_status(enrollment=enrollment, status=Status.OFFERED)
    (message,) = deliver()
    deadline = _days(14)
    assert f"Please accept or decline this offer by {deadline.day} " in message.body
    assert str(deadline.year) in message.body


def test_a_student_accepts_an_offer_on_its_last_day(september_intake):
    offer = EnrollmentFactory(intake=september_intake, status=Status.OFFERED)
    offer.offer_expires_on = TODAY()
    offer.save()
    services.offer_respond(enrollment=offer, accept=True)
    assert Enrollment.objects.get(pk=offer.pk).status == Status.ENROLLED


def test_an_offer_past_its_day_cannot_be_answered(september_intake):
    offer = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(-1)
    )
    with pytest.raises(ValidationError, match="This offer expired on"):
        services.offer_respond(enrollment=offer, accept=True)
    assert Enrollment.objects.get(pk=offer.pk).status == Status.OFFERED


def test_declining_withdraws_with_the_reason(september_intake):
    offer = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(3)
    )
    services.offer_respond(enrollment=offer, accept=False)
    offer.refresh_from_db()
    assert (offer.status, offer.exit_reason, offer.exit_date) == (
        Status.WITHDRAWN,
        "declined_offer",
        TODAY(),
    )


def test_only_an_open_offer_is_answered(september_intake):
    applied = EnrollmentFactory(intake=september_intake, status=Status.APPLIED)
    with pytest.raises(ValidationError, match="no open offer"):
        services.offer_respond(enrollment=applied, accept=True)


def test_an_expired_offer_is_freed_and_reoffered_once_funder_aware(
    september_intake, joint_scholarship, fill, django_capture_on_commit_callbacks
):
    fill(september_intake, 20, funding_source=joint_scholarship)
    fill(september_intake, 1)
    expired = EnrollmentFactory(
        intake=september_intake,
        status=Status.OFFERED,
        offer_expires_on=_days(-1),
    )
    other = FundingSourceFactory()
    IntakeFundingFactory(intake=september_intake, funding_source=other, places=0)
    EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED, funding_source=other)
    wants_none = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("expire_offers", stdout=out)
    assert "1 offer expired; 1 freed place offered" in out.getvalue()
    expired.refresh_from_db()
    wants_none.refresh_from_db()
    assert (expired.status, expired.exit_reason) == (Status.WITHDRAWN, "offer_expired")
    assert (wants_none.status, wants_none.offer_expires_on) == (Status.OFFERED, _days(14))
    assert sorted(m.to[0] for m in deliver()) == sorted(
        [expired.student.email, wants_none.student.email]
    )
    # Idempotent: a second run expires and offers nothing.
    call_command("expire_offers", stdout=StringIO())
    assert list(Enrollment.objects.filter(intake=september_intake, status=Status.OFFERED)) == [
        wants_none
    ]


def test_a_freed_funded_place_goes_past_those_who_asked_for_another_source(
    september_intake, joint_scholarship, fill
):
    fill(september_intake, 19, funding_source=joint_scholarship)
    expired = EnrollmentFactory(
        intake=september_intake,
        status=Status.OFFERED,
        funding_source=joint_scholarship,
        offer_expires_on=_days(-2),
    )
    other = FundingSourceFactory()
    IntakeFundingFactory(intake=september_intake, funding_source=other, places=1)
    EnrollmentFactory(
        intake=september_intake,
        status=Status.WAITLISTED,
        funding_source=other,
        waitlist_position=1,
    )
    wants_joint = EnrollmentFactory(
        intake=september_intake,
        status=Status.WAITLISTED,
        funding_source=joint_scholarship,
        waitlist_position=2,
    )
    result = services.offers_expire()
    assert [e.pk for e in result.expired] == [expired.pk]
    assert [e.pk for e in result.offered] == [wants_joint.pk]
    wants_joint.refresh_from_db()
    assert wants_joint.funding_source == joint_scholarship


def test_no_waitlist_offer_once_the_intake_has_started(september_intake, fill):
    september_intake.start_date = TODAY()
    september_intake.save()
    fill(september_intake, 21)
    expired = EnrollmentFactory(
        intake=september_intake, status=Status.OFFERED, offer_expires_on=_days(-1)
    )
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    result = services.offers_expire()
    assert [e.pk for e in result.expired] == [expired.pk]
    assert result.offered == []
    assert services.waitlist_openings(intake=september_intake) == []
    with pytest.raises(ValidationError, match="no longer offered to the waitlist"):
        services.waitlist_offer_next(intake=september_intake)
    assert Enrollment.objects.get(pk=waiting.pk).status == Status.WAITLISTED


def test_the_day_before_the_start_the_waitlist_is_still_offered(september_intake, fill):
    september_intake.start_date = _days(1)
    september_intake.save()
    fill(september_intake, 21)
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    services.waitlist_offer_next(intake=september_intake)
    assert Enrollment.objects.get(pk=waiting.pk).status == Status.OFFERED

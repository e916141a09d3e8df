"""The five rules through the services, at their boundaries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs import services
from programs.models import Enrollment, IntakeFunding

from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def test_enroll_takes_the_22nd_seat_and_refuses_the_23rd(september_intake, fill):
    fill(september_intake, 21)
    services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.ENROLLED
    )
    assert september_intake.enrollments.seat_holding().count() == 22

    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(
            student=StudentFactory(), intake=september_intake, status=Status.ENROLLED
        )
    assert refused.value.message_dict["status"] == [
        "This intake is full: 22 of 22 seats are taken."
    ]
    assert september_intake.enrollments.count() == 22


@pytest.mark.parametrize("status", [Status.OFFERED, Status.ENROLLED, Status.COMPLETED])
def test_every_seat_holding_status_counts_against_capacity(september_intake, fill, status):
    fill(september_intake, 22, status=status)
    with pytest.raises(ValidationError):
        services.enrollment_create(
            student=StudentFactory(), intake=september_intake, status=Status.OFFERED
        )


@pytest.mark.parametrize(
    "status", [Status.APPLIED, Status.WAITLISTED, Status.DEFERRED, Status.WITHDRAWN]
)
def test_a_full_intake_still_takes_statuses_that_hold_no_seat(september_intake, fill, status):
    fill(september_intake, 22)
    # A withdrawal is recorded with its reason and date (rule 6).
    exit = (
        {"exit_reason": "personal", "exit_date": date(2027, 9, 1)} if status == "withdrawn" else {}
    )
    enrollment = services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=status, **exit
    )
    assert enrollment.pk is not None


def test_funding_takes_the_20th_funded_place_and_refuses_the_21st(
    september_intake, joint_scholarship, fill
):
    fill(september_intake, 19, funding_source=joint_scholarship)
    services.enrollment_create(
        student=StudentFactory(),
        intake=september_intake,
        status=Status.ENROLLED,
        funding_source=joint_scholarship,
    )
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(
            student=StudentFactory(),
            intake=september_intake,
            status=Status.ENROLLED,
            funding_source=joint_scholarship,
        )
    assert refused.value.message_dict["funding_source"] == [
        "No funded place from HEC–Alibaba Joint Scholarship is left in this intake: "
        "20 of 20 funded places are taken."
    ]
    # The 21st student can still take one of the two seats that are not funded.
    services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.ENROLLED
    )
    assert september_intake.enrollments.seat_holding().count() == 21


def test_a_funding_source_without_places_in_the_intake_is_refused(september_intake):
    other = FundingSourceFactory(name="Mastercard Foundation")
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(
            student=StudentFactory(),
            intake=september_intake,
            status=Status.APPLIED,
            funding_source=other,
        )
    assert "Mastercard Foundation has no funded places in this intake" in str(refused.value)
    assert not september_intake.enrollments.exists()


def test_a_student_is_enrolled_only_once_per_intake(september_intake):
    student = StudentFactory(first_name="Aline", last_name="Uwase")
    services.enrollment_create(student=student, intake=september_intake)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(student=student, intake=september_intake)
    assert refused.value.message_dict["student"] == [
        "Aline Uwase is already enrolled in this intake (status: Applied). "
        "A student can be enrolled only once in the same intake."
    ]
    # The same student may join another intake.
    services.enrollment_create(student=student, intake=IntakeFactory())
    assert student.enrollments.count() == 2


def test_update_refusal_leaves_row_and_object_unchanged(september_intake, fill):
    fill(september_intake, 22)
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    with pytest.raises(ValidationError):
        services.enrollment_update(enrollment=waiting, status=Status.OFFERED)
    assert waiting.status == Status.WAITLISTED
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_withdrawal_frees_a_seat_for_the_next_offer(september_intake, fill):
    enrolled = fill(september_intake, 22)
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    services.enrollment_update(
        enrollment=enrolled[0],
        status=Status.WITHDRAWN,
        exit_reason="financial",
        exit_date=date(2027, 10, 1),
    )
    services.enrollment_update(enrollment=waiting, status=Status.OFFERED)
    assert september_intake.enrollments.seat_holding().count() == 22


def test_moving_to_a_full_intake_is_refused(september_intake, fill):
    fill(september_intake, 22)
    elsewhere = EnrollmentFactory(status=Status.ENROLLED)
    with pytest.raises(ValidationError):
        services.enrollment_update(enrollment=elsewhere, intake=september_intake)
    elsewhere.refresh_from_db()
    assert elsewhere.intake != september_intake


def test_status_change_is_dated_and_kept_in_history_with_reason(september_intake, staff):
    enrollment = services.enrollment_create(student=StudentFactory(), intake=september_intake)
    first_change = enrollment.status_changed_at
    services.enrollment_update(
        enrollment=enrollment, status=Status.OFFERED, by=staff, reason="Top of the interview list"
    )
    assert enrollment.status_changed_at > first_change
    latest = enrollment.history.first()
    assert latest.status == Status.OFFERED
    assert latest.history_user == staff
    assert latest.history_change_reason == "Top of the interview list"
    delta = latest.diff_against(latest.prev_record)
    # The offer carries its deadline: the intake's 14 days to answer.
    assert sorted((c.field, c.old, c.new) for c in delta.changes) == [
        ("offer_expires_on", None, timezone.localdate() + timedelta(days=14)),
        ("status", Status.APPLIED, Status.OFFERED),
    ]


def test_waitlist_positions_are_given_in_order(september_intake):
    first = services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.WAITLISTED
    )
    second = services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.WAITLISTED
    )
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    assert services.waitlist_next(intake=september_intake) == first


def test_bulk_status_applies_what_fits_and_names_who_was_refused(september_intake, fill):
    fill(september_intake, 21)
    applicants = EnrollmentFactory.create_batch(3, intake=september_intake)
    result = services.enrollment_bulk_set_status(enrollments=applicants, status=Status.OFFERED)
    assert len(result.changed) == 1
    assert [e.pk for e, _ in result.refused] == [a.pk for a in applicants[1:]]
    assert all("22 of 22 seats" in reason for _, reason in result.refused)
    assert september_intake.enrollments.seat_holding().count() == 22


# --- capacity and funded places ------------------------------------------------------------


def test_capacity_cannot_drop_below_seats_taken(september_intake, fill):
    fill(september_intake, 21)
    september_intake.capacity = 21
    services.intake_save(intake=september_intake)  # 20 funded places + 21 taken still fit
    september_intake.capacity = 20
    with pytest.raises(ValidationError) as refused:
        services.intake_save(intake=september_intake)
    assert (
        "This intake has 20 seats, but 21 would be taken by offers, enrollments and completions."
        in refused.value.messages
    )
    september_intake.refresh_from_db()
    assert september_intake.capacity == 21


def test_funded_places_cannot_add_up_to_more_than_capacity(september_intake):
    self_funded = FundingSourceFactory(name="Self-funded")
    services.intake_funding_set(intake=september_intake, funding_source=self_funded, places=2)
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_set(intake=september_intake, funding_source=self_funded, places=3)
    assert refused.value.messages == [
        "The funded places would add up to 23, more than the intake's 22 seats."
    ]
    assert IntakeFunding.objects.get(funding_source=self_funded).places == 2


def test_funded_places_cannot_drop_below_places_taken(september_intake, joint_scholarship, fill):
    fill(september_intake, 15, funding_source=joint_scholarship)
    services.intake_funding_set(
        intake=september_intake, funding_source=joint_scholarship, places=15
    )
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_set(
            intake=september_intake, funding_source=joint_scholarship, places=14
        )
    assert refused.value.messages == [
        "HEC–Alibaba Joint Scholarship pays for 14 places in this intake, but 15 enrollments "
        "would hold one."
    ]


def test_funding_in_use_cannot_be_removed(september_intake, joint_scholarship):
    EnrollmentFactory(
        intake=september_intake, status=Status.APPLIED, funding_source=joint_scholarship
    )
    funding = september_intake.fundings.get()
    with pytest.raises(ValidationError):
        services.intake_funding_delete(funding=funding)
    assert september_intake.fundings.exists()


# --- co-funder shares ------------------------------------------------------------------------


def test_shares_that_add_up_to_100_are_accepted():
    source = FundingSourceFactory()
    hec, alibaba = PartnerFactory(), PartnerFactory()
    services.funding_source_set_shares(
        funding_source=source, shares=[(hec, Decimal("55.5")), (alibaba, Decimal("44.5"))]
    )
    assert sorted(s.share_percent for s in source.shares.all()) == [
        Decimal("44.50"),
        Decimal("55.50"),
    ]


def test_shares_may_be_unknown():
    source = FundingSourceFactory()
    services.funding_source_set_shares(
        funding_source=source, shares=[(PartnerFactory(), None), (PartnerFactory(), None)]
    )
    assert source.shares.count() == 2


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (
            [Decimal("60"), Decimal("30")],
            "Co-funder shares must add up to 100%; these add up to 90%.",
        ),
        (
            [Decimal("60"), Decimal("40.01")],
            "Co-funder shares must add up to 100%; these add up to 100.01%.",
        ),
        (
            [Decimal("100"), None],
            "Give a share for every co-funder, or for none: 1 of 2 co-funders have a share.",
        ),
    ],
)
def test_shares_that_do_not_add_up_are_refused(shares, message):
    source = FundingSourceFactory()
    with pytest.raises(ValidationError) as refused:
        services.funding_source_set_shares(
            funding_source=source, shares=[(PartnerFactory(), share) for share in shares]
        )
    assert refused.value.messages == [message]
    assert not source.shares.exists()


def test_student_is_found_by_email_whatever_the_capitals():
    student = StudentFactory(email="Aline.Uwase@Example.rw")
    found, created = services.student_get_or_create(
        email="aline.uwase@example.RW", first_name="A", last_name="U"
    )
    assert (found, created) == (student, False)


def test_intake_funding_factory_is_consistent():
    funding = IntakeFundingFactory()
    assert funding.places <= funding.intake.capacity

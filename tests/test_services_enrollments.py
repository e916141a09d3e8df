"""An enrollment is checked against the seats and places of its own intake, leaving itself out."""

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Enrollment

from .factories import EnrollmentFactory, IntakeFactory, IntakeFundingFactory, StudentFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def test_a_source_funding_another_intake_only_is_refused_here(september_intake):
    elsewhere = IntakeFundingFactory(intake=IntakeFactory(name="January 2028"), places=5)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(
            student=StudentFactory(),
            intake=september_intake,
            funding_source=elsewhere.funding_source,
        )
    name = elsewhere.funding_source.name
    assert refused.value.message_dict == {
        "funding_source": [
            f"{name} has no funded places in this intake. Add it to the intake's funding "
            "first, or choose another funding source."
        ]
    }
    assert not september_intake.enrollments.exists()


def test_the_holder_of_the_last_seat_can_still_be_changed(september_intake, fill):
    *_, last = fill(september_intake, 22, status=Status.OFFERED)
    services.enrollment_set_status(enrollment=last, status=Status.ENROLLED)
    services.enrollment_update(enrollment=last, notes="Signed on Monday.")
    last.refresh_from_db()
    assert (last.status, last.notes) == (Status.ENROLLED, "Signed on Monday.")


def test_the_holder_of_the_last_funded_place_can_still_be_changed(
    september_intake, joint_scholarship, fill
):
    *_, last = fill(september_intake, 20, status=Status.OFFERED, funding_source=joint_scholarship)
    services.enrollment_set_status(enrollment=last, status=Status.ENROLLED)
    last.refresh_from_db()
    assert (last.status, last.funding_source) == (Status.ENROLLED, joint_scholarship)


def test_the_admin_forms_check_refuses_the_23rd_seat_and_accepts_the_22nd(september_intake, fill):
    *_, last = fill(september_intake, 22)
    last.status = Status.COMPLETED
    services.enrollment_check(enrollment=last)  # the 22nd seat, changed: fine
    extra = Enrollment(student=StudentFactory(), intake=september_intake, status=Status.ENROLLED)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_check(enrollment=extra)
    assert refused.value.message_dict == {
        "status": ["This intake is full: 22 of 22 seats are taken."]
    }


def test_the_admin_forms_check_checks_the_intake_it_moves_to(september_intake, fill):
    fill(september_intake, 22)
    moving = services.enrollment_create(
        student=StudentFactory(), intake=IntakeFactory(), status=Status.ENROLLED
    )
    moving.intake = september_intake
    with pytest.raises(ValidationError) as refused:
        services.enrollment_check(enrollment=moving)
    assert "This intake is full: 22 of 22 seats are taken." in refused.value.messages


def test_the_admin_forms_check_asks_for_an_intake():
    without = Enrollment(student=StudentFactory(), status=Status.APPLIED)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_check(enrollment=without)
    assert refused.value.message_dict == {"intake": ["Choose an intake."]}


def test_the_admin_forms_check_refuses_the_same_student_twice_in_an_intake(september_intake):
    first = services.enrollment_create(student=StudentFactory(), intake=september_intake)
    again = Enrollment(student=first.student, intake=september_intake, status=Status.APPLIED)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_check(enrollment=again)
    assert list(refused.value.message_dict) == ["student"]


def test_the_admin_forms_check_refuses_a_source_without_places_here(september_intake):
    elsewhere = IntakeFundingFactory(intake=IntakeFactory(name="January 2028"), places=5)
    unfunded = Enrollment(
        student=StudentFactory(),
        intake=september_intake,
        status=Status.APPLIED,
        funding_source=elsewhere.funding_source,
    )
    with pytest.raises(ValidationError) as refused:
        services.enrollment_check(enrollment=unfunded)
    assert list(refused.value.message_dict) == ["funding_source"]


# --- decisions: what each reports, and who made them and why --------------------------------


def test_a_bulk_decision_reports_each_enrollment_and_records_who_and_why(staff):
    """Oldest first: one already offered is skipped, the next two take the last seats, the
    fourth is refused with the reason; the one left as it was does not stop the rest."""
    intake = IntakeFactory(capacity=3)
    applied_first = EnrollmentFactory(intake=intake)
    already = EnrollmentFactory(intake=intake, status=Status.OFFERED)
    applied_next, applied_last = EnrollmentFactory.create_batch(2, intake=intake)

    result = services.enrollment_bulk_set_status(
        enrollments=[applied_last, already, applied_next, applied_first],
        status=Status.OFFERED,
        by=staff,
        reason="Committee of 12 May",
    )
    assert (result.changed, result.unchanged) == ([applied_first, applied_next], [already])
    assert result.refused == [(applied_last, "This intake is full: 3 of 3 seats are taken.")]
    latest = applied_next.history.first()
    assert (latest.status, latest.history_user) == (Status.OFFERED, staff)
    assert latest.history_change_reason == "Committee of 12 May"


def test_a_decision_records_who_and_why_and_can_carry_a_funded_place(
    september_intake, joint_scholarship, staff
):
    enrollment = EnrollmentFactory(intake=september_intake)
    services.enrollment_set_status(
        enrollment=enrollment,
        status=Status.OFFERED,
        funding_source=joint_scholarship,
        by=staff,
        reason="Scholarship interview passed",
    )
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.funding_source) == (Status.OFFERED, joint_scholarship)
    latest = enrollment.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        staff,
        "Scholarship interview passed",
    )


def test_a_change_without_a_reason_records_none(september_intake):
    enrollment = EnrollmentFactory(intake=september_intake)
    services.enrollment_set_status(enrollment=enrollment, status=Status.WAITLISTED)
    services.enrollment_update(enrollment=enrollment, notes="Called back on Tuesday.")
    services.enrollment_bulk_set_status(enrollments=[enrollment], status=Status.OFFERED)
    reasons = [row.history_change_reason for row in enrollment.history.all()[:3]]
    assert reasons == [None, None, None]


# --- waitlist positions -----------------------------------------------------------------------


def test_a_waitlist_position_can_be_set_by_hand(september_intake):
    waiting = services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.WAITLISTED
    )
    services.enrollment_update(enrollment=waiting, waitlist_position=7)
    waiting.refresh_from_db()
    assert waiting.waitlist_position == 7


def test_the_next_waitlist_position_counts_only_this_intakes_waitlist(september_intake):
    """Another intake's waitlist, and a position left on someone no longer waiting, do not
    push a newcomer down the list."""
    EnrollmentFactory(intake=IntakeFactory(), status=Status.WAITLISTED, waitlist_position=9)
    EnrollmentFactory(intake=september_intake, status=Status.APPLIED, waitlist_position=5)
    EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED, waitlist_position=2)
    newcomer = services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.WAITLISTED
    )
    assert newcomer.waitlist_position == 3

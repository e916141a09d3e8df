"""An enrollment is checked against the seats and places of its own intake, leaving itself out."""

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Enrollment

from .factories import IntakeFactory, IntakeFundingFactory, StudentFactory

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

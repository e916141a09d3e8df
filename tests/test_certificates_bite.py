"""Certificates at the service, on the edges mutation testing found unchecked: the refusals
in the words staff read, and the reason in the certificate's history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.erasure import student_erase
from programs.models import Enrollment

from .factories import EnrollmentFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_a_certificate_for_an_enrollment_not_completed_is_refused_in_full(september_intake):
    enrollment = EnrollmentFactory(
        intake=september_intake,
        student=StudentFactory(first_name="Nadine", last_name="Umutoni"),
        status=Enrollment.Status.ENROLLED,
    )
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(enrollment=enrollment)
    assert refused.value.messages == [
        "A certificate is issued only for a completed enrollment; "
        "Nadine Umutoni's enrollment is Enrolled."
    ]


def test_an_erased_student_is_refused_in_full(september_intake):
    enrollment = EnrollmentFactory(
        intake=september_intake,
        status=Enrollment.Status.COMPLETED,
        completed_on=datetime.date(2026, 11, 20),
    )
    student_erase(student=enrollment.student, by=StaffFactory(), reason="Request 3")
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(enrollment=enrollment)
    assert refused.value.messages == ["This student's personal data was erased: no certificate."]


def test_the_certificate_history_says_issued_and_by_whom(september_intake):
    staff = StaffFactory()
    enrollment = EnrollmentFactory(
        intake=september_intake,
        status=Enrollment.Status.COMPLETED,
        completed_on=datetime.date(2026, 11, 20),
    )
    certificate = services.certificate_issue(enrollment=enrollment, by=staff)
    row = certificate.history.get()
    assert (row.history_change_reason, row.history_user) == ("Issued", staff)

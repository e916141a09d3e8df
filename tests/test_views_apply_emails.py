"""Applying online: the emails an applicant receives, in her language, for each decision."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from programs import emails, services
from programs.models import Enrollment, Student

from .apply_support import application, apply_url
from .factories import (
    EnrollmentFactory,
    StudentFactory,
)
from .outbox import deliver

Status = Enrollment.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


# --- emails --------------------------------------------------------------------------------


def test_the_applicant_receives_a_confirmation(
    client, september_intake, django_capture_on_commit_callbacks
):
    source = september_intake.fundings.get().funding_source
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(september_intake), application(funding_source=source.pk))
    (message,) = deliver()
    assert message.to == ["claudine@example.rw"]
    assert message.subject == (
        f"We have received your application: {september_intake.program.name}"
    )
    assert message.body.startswith("Hello Claudine,\n\n")
    assert f"Thank you for applying to {september_intake.program.name}, September 2027" in (
        message.body
    )
    assert "You asked for a funded place from HEC–Alibaba Joint Scholarship." in message.body
    assert "http://127.0.0.1:8000/accounts/claim/" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body


def test_the_confirmation_is_in_the_language_of_the_application(
    september_intake, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(september_intake), application())
    (message,) = deliver()
    assert message.subject.startswith("Nous avons bien reçu votre candidature")
    assert message.body.startswith("Bonjour Claudine,")


def test_a_bot_and_a_refusal_send_no_email(
    client, september_intake, django_capture_on_commit_callbacks
):
    known = StudentFactory(email="claudine@example.rw")
    EnrollmentFactory(student=known, intake=september_intake)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(september_intake), application(website="spam"))
        client.post(apply_url(september_intake), application())
    assert deliver() == []


def test_each_decision_is_emailed_in_every_language(
    september_intake, joint_scholarship, django_capture_on_commit_callbacks
):
    student = StudentFactory(first_name="Olivier", email="olivier@example.rw")
    enrollment = EnrollmentFactory(
        student=student, intake=september_intake, funding_source=joint_scholarship
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_set_status(enrollment=enrollment, status=Status.OFFERED)
    (message,) = deliver()
    assert message.to == ["olivier@example.rw"]
    program = september_intake.program.name
    assert message.subject == f"Your application to {program}: Offered"
    body = message.body
    assert "is now: Offered." in body
    assert "Your place is funded by HEC–Alibaba Joint Scholarship." in body
    assert "Bonjour Olivier," in body  # French
    assert "Muraho Olivier," in body  # Kinyarwanda
    assert body.index("Hello Olivier") < body.index("Bonjour Olivier") < body.index("Muraho")


@pytest.mark.parametrize(
    "status",
    [
        Status.WAITLISTED,
        Status.ENROLLED,
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.DEFERRED,
        Status.COMPLETED,
    ],
)
def test_every_later_status_change_is_emailed(
    september_intake, django_capture_on_commit_callbacks, status
):
    enrollment = EnrollmentFactory(intake=september_intake)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_set_status(enrollment=enrollment, status=status)
    (message,) = deliver()
    assert message.subject.endswith(f": {Status(status).label}")


def test_no_email_when_the_status_does_not_change_or_is_refused(
    september_intake, joint_scholarship, fill, django_capture_on_commit_callbacks
):
    enrollment = EnrollmentFactory(intake=september_intake)
    fill(september_intake, 22)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_update(enrollment=enrollment, notes="Called on Monday")
        with pytest.raises(ValidationError):
            services.enrollment_set_status(enrollment=enrollment, status=Status.OFFERED)
    assert deliver() == []


def test_an_erased_student_is_never_emailed(september_intake, django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(intake=september_intake)
    Student.objects.filter(pk=enrollment.student_id).update(erased_at=timezone.now())
    enrollment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)
    assert deliver() == []


def test_emails_can_be_suppressed_for_bulk_loading(
    september_intake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), emails.suppressed():
        services.enrollment_create(student=StudentFactory(), intake=september_intake)
    assert deliver() == []

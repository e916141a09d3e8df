"""A decision made for many applicants at once is emailed to each of them, as a single one is.

Emails are read through `emails_sent`, the one place that knows how a sent email is observed
(today Django's outbox after the on-commit callbacks ran); if sending moves to a queue, only
that helper changes.
"""

from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from programs import services
from programs.models import Enrollment

from .factories import EnrollmentFactory, StudentFactory
from .outbox import deliver

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def emails_sent(django_capture_on_commit_callbacks) -> Callable[[Callable[[], object]], list]:
    """emails_sent(action): run `action` as one committed change, deliver the queue as the
    worker would; the emails it sent."""

    def run(action: Callable[[], object]) -> list[EmailMessage]:
        before = len(deliver())
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return list(deliver()[before:])

    return run


@pytest.fixture
def three_applicants(september_intake):
    return [
        EnrollmentFactory(intake=september_intake, student=StudentFactory(email=email))
        for email in ("ange@example.rw", "bosco@example.rw", "chantal@example.rw")
    ]


def test_a_bulk_offer_emails_each_applicant_once(september_intake, three_applicants, emails_sent):
    sent = emails_sent(
        lambda: services.enrollment_bulk_set_status(
            enrollments=three_applicants, status=Status.OFFERED
        )
    )
    assert sorted(message.to[0] for message in sent) == [
        "ange@example.rw",
        "bosco@example.rw",
        "chantal@example.rw",
    ]
    program = september_intake.program.name
    assert {message.subject for message in sent} == {f"Your application to {program}: Offered"}


def test_a_bulk_decision_emails_only_those_it_changed(
    september_intake, three_applicants, fill, emails_sent
):
    """The third is already offered and one seat is left: the oldest applicant gets it and
    its email; the refused second and the unchanged third get none."""
    fill(september_intake, 20)
    first, second, third = three_applicants
    services.enrollment_set_status(enrollment=third, status=Status.OFFERED)
    sent = emails_sent(
        lambda: services.enrollment_bulk_set_status(
            enrollments=three_applicants, status=Status.OFFERED
        )
    )
    assert [message.to for message in sent] == [[first.student.email]]
    second.refresh_from_db()
    assert second.status == Status.APPLIED


def test_the_admins_bulk_action_emails_each_applicant(staff_client, three_applicants, emails_sent):
    sent = emails_sent(
        lambda: staff_client.post(
            reverse("admin:programs_enrollment_changelist"),
            {"action": "mark_offered", "_selected_action": [e.pk for e in three_applicants]},
        )
    )
    assert sorted(message.to[0] for message in sent) == [
        "ange@example.rw",
        "bosco@example.rw",
        "chantal@example.rw",
    ]

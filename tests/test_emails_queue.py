"""The outbox (issue 11): email never blocks a decision and is never lost.

The mail server is a backend of this module: `HungServer` answers every delivery with the
timeout an SMTP connection raises after EMAIL_TIMEOUT seconds, and counts how often it was
called. Tests that run `send_queued_mail` itself are transactional: the command closes the
database connection between batches.
"""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from programs import emails
from programs.erasure import student_erase
from programs.models import Enrollment
from programs.services import enrollment_set_status

from .factories import EnrollmentFactory, StaffFactory, StudentFactory
from .outbox import deliver

Status = Enrollment.Status
HUNG = "tests.test_emails_queue.HungServer"


class HungServer(BaseEmailBackend):
    """A mail server that never answers: each attempt ends in the socket's timeout."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise TimeoutError("timed out")


@pytest.fixture
def mail_server_hangs(settings):
    HungServer.calls = 0
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": HUNG}}


@pytest.fixture
def mail_server_works(settings):
    def switch() -> None:
        settings.POST_OFFICE = {
            **settings.POST_OFFICE,
            "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
        }

    return switch


def _bulk_offer(client, applicants):
    return client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "mark_offered", "_selected_action": [a.pk for a in applicants]},
    )


@pytest.mark.django_db(transaction=True)
def test_a_bulk_offer_completes_while_the_mail_server_hangs_and_each_email_goes_once(
    client, september_intake, mail_server_hangs, mail_server_works
):
    client.force_login(StaffFactory())
    applicants = EnrollmentFactory.create_batch(3, intake=september_intake)

    response = _bulk_offer(client, applicants)

    assert response.status_code == HTTPStatus.FOUND
    assert HungServer.calls == 0  # nothing waited for the mail server
    assert {e.status for e in Enrollment.objects.filter(pk__in=[a.pk for a in applicants])} == {
        Status.OFFERED
    }
    addresses = sorted(a.student.email for a in applicants)
    assert sorted(e.to[0] for e in Email.objects.filter(status=STATUS.queued)) == addresses

    mail_server_works()
    call_command("send_queued_mail")
    assert sorted(message.to[0] for message in mail.outbox) == addresses
    assert all(message.subject.endswith(": Offered") for message in mail.outbox)
    call_command("send_queued_mail")
    assert len(mail.outbox) == 3  # a second run delivers nothing more
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


@pytest.mark.django_db(transaction=True)
def test_a_failed_delivery_is_logged_retried_later_then_marked_failed(
    settings, september_intake, mail_server_hangs, mail_server_works
):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 1}
    enrollment = EnrollmentFactory(intake=september_intake)
    enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)

    call_command("send_queued_mail")
    email = Email.objects.get()
    assert (email.status, email.number_of_retries) == (STATUS.requeued, 1)
    assert email.scheduled_time > timezone.now()  # not before the retry interval
    (attempt,) = Log.objects.filter(email=email)
    assert (attempt.status, attempt.exception_type) == (STATUS.failed, "TimeoutError")

    call_command("send_queued_mail")
    assert HungServer.calls == 1  # too early for the retry

    Email.objects.update(scheduled_time=timezone.now() - datetime.timedelta(seconds=1))
    call_command("send_queued_mail")
    email.refresh_from_db()
    assert email.status == STATUS.failed  # out of retries: it waits for staff to requeue it
    assert Log.objects.filter(email=email, status=STATUS.failed).count() == 2
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_is_queued(september_intake):
    enrollment = EnrollmentFactory(intake=september_intake)
    enrollment_set_status(enrollment=enrollment, status=Status.WAITLISTED)
    call_command("mail_worker", runs=1, interval=0)
    (message,) = mail.outbox
    assert message.to == [enrollment.student.email]


def test_a_rolled_back_or_refused_decision_queues_nothing(september_intake, fill):
    enrollment = EnrollmentFactory(intake=september_intake)
    with pytest.raises(RuntimeError), transaction.atomic():
        enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)
        raise RuntimeError("something later in the same change failed")
    fill(september_intake, 22)
    with pytest.raises(Exception, match="full"):
        enrollment_set_status(enrollment=enrollment, status=Status.OFFERED)
    assert not Email.objects.exists()
    assert deliver() == []


def test_a_status_changed_twice_in_one_transaction_sends_only_the_last(september_intake):
    enrollment, other = EnrollmentFactory.create_batch(2, intake=september_intake)
    with transaction.atomic():
        enrollment_set_status(enrollment=enrollment, status=Status.WAITLISTED)
        enrollment_set_status(enrollment=other, status=Status.WAITLISTED)
        enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)
    subjects = sorted((m.to[0], m.subject.rsplit(": ", 1)[1]) for m in deliver())
    assert subjects == sorted(
        [(enrollment.student.email, "Rejected"), (other.student.email, "Waitlisted")]
    )


def test_a_change_undone_by_its_savepoint_keeps_the_email_of_the_one_before(september_intake):
    enrollment = EnrollmentFactory(intake=september_intake)
    with transaction.atomic():
        enrollment_set_status(enrollment=enrollment, status=Status.WAITLISTED)
        with pytest.raises(RuntimeError), transaction.atomic():
            enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)
            raise RuntimeError("undo the rejection")
    (message,) = deliver()
    assert message.subject.endswith(": Waitlisted")


def test_a_name_that_looks_like_template_code_is_sent_as_typed(september_intake):
    student = StudentFactory(first_name="{% debug %}{{", email="odd@example.rw")
    enrollment = EnrollmentFactory(intake=september_intake, student=student)
    enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)
    (message,) = deliver()
    assert "Hello {% debug %}{{," in message.body


def test_development_delivers_each_email_as_its_change_commits(
    settings, september_intake, django_capture_on_commit_callbacks
):
    settings.EMAIL_SEND_ON_COMMIT = True
    enrollment = EnrollmentFactory(intake=september_intake)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_set_status(enrollment=enrollment, status=Status.WAITLISTED)
    (message,) = mail.outbox  # no worker ran
    assert message.subject.endswith(": Waitlisted")
    assert Email.objects.get().status == STATUS.sent


@pytest.mark.parametrize("known", [True, False])
def test_the_claim_page_answers_the_same_whatever_the_mail_server_does(
    client, september_intake, mail_server_hangs, known
):
    if known:
        EnrollmentFactory(intake=september_intake, student__email="known@example.rw")
    response = client.post(reverse("programs:account-claim"), {"email": "known@example.rw"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("programs:account-claim-sent")
    assert HungServer.calls == 0
    assert Email.objects.filter(to="known@example.rw").count() == (1 if known else 0)


def test_erasure_deletes_every_email_to_the_student_and_keeps_the_others(september_intake):
    aimee = StudentFactory(first_name="Aimée", email="Aimee.Uwase@example.rw")
    other = StudentFactory(email="naimee.uwase@example.rw")  # contains her address
    sent, queued = EnrollmentFactory(intake=september_intake, student=aimee), None
    enrollment_set_status(enrollment=sent, status=Status.WAITLISTED)
    deliver()
    queued = EnrollmentFactory(intake=september_intake, student=other)
    enrollment_set_status(enrollment=queued, status=Status.WAITLISTED)
    emails.send_claim_link(student=aimee, url="http://x/claim/t/", valid_days=7)
    assert Email.objects.count() == 3 and Log.objects.count() == 1

    student_erase(student=aimee, by=StaffFactory(), reason="Request DP-2027-014")

    (left,) = Email.objects.all()
    assert left.to == ["naimee.uwase@example.rw"]
    assert not Log.objects.exists()
    assert not Email.objects.filter(message__contains="Aimée").exists()


def test_a_manager_sees_a_failed_email_and_requeues_it(client, manager, viewer, september_intake):
    enrollment = EnrollmentFactory(intake=september_intake, student__email="late@example.rw")
    enrollment_set_status(enrollment=enrollment, status=Status.REJECTED)
    Email.objects.update(status=STATUS.failed, number_of_retries=6)
    email = Email.objects.get()

    client.force_login(viewer)
    assert client.get(reverse("admin:post_office_email_changelist")).status_code == 403

    client.force_login(manager)
    page = client.get(reverse("admin:post_office_email_change", args=[email.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "late@example.rw" in page.content.decode()
    assert "is now: Rejected." in page.content.decode()
    response = client.post(
        reverse("admin:post_office_email_changelist"),
        {"action": "requeue", "_selected_action": [email.pk]},
        follow=True,
    )
    assert "1 email is back in the queue." in response.content.decode()
    (message,) = deliver()
    assert message.to == ["late@example.rw"]

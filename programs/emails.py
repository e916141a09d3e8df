"""Emails to applicants and students, as plain text, through Django's email framework.

Language: nothing about a student's language is stored. The confirmation of a new application
is written in the language active when it was recorded (for an online application, the language
the applicant was reading the site in). Later decisions are made by staff, in whatever language
the admin happens to be in, so their emails carry the text in every language of the site
(English, French, Kinyarwanda), one after the other.

Emails are sent after the transaction commits (a refused or rolled-back change sends nothing),
and a failure to send is logged without undoing the change.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Enrollment, Student

logger = logging.getLogger(__name__)

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "programs_emails_suppressed", default=False
)


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Send no status email for changes made inside this block (demo data, imports)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def site_url(path: str = "") -> str:
    return f"{settings.SITE_URL}{path}"


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _send(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def _can_write_to(student: Student) -> bool:
    return bool(student.email) and student.erased_at is None


def _enrollment_context(enrollment: Enrollment) -> dict:
    return {
        "enrollment": enrollment,
        "student": enrollment.student,
        "intake": enrollment.intake,
        "program": enrollment.intake.program,
        "program_url": site_url(enrollment.intake.program.get_absolute_url()),
        "my_applications_url": site_url(reverse("programs:my-applications")),
        "claim_url": site_url(reverse("programs:account-claim")),
        "has_account": enrollment.student.user_id is not None,
    }


def _enrollment(pk: int) -> Enrollment | None:
    return (
        Enrollment.objects.select_related("student", "intake__program", "funding_source")
        .filter(pk=pk)
        .first()
    )


def send_application_received(*, enrollment: Enrollment, language: str | None = None) -> None:
    """Confirm a new application, in the language it was made in."""
    if not _can_write_to(enrollment.student):
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = _render("application_received", _enrollment_context(enrollment))
    _send(to=enrollment.student.email, subject=subject, body=body)


def send_status_changed(*, enrollment: Enrollment) -> None:
    """Tell the student about a decision, in every language of the site."""
    if not _can_write_to(enrollment.student):
        return
    context = _enrollment_context(enrollment)
    subjects, bodies = [], []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            subject, body = _render("status_changed", context)
        subjects.append(subject)
        bodies.append(body)
    separator = "\n" + "-" * 60 + "\n\n"
    _send(to=enrollment.student.email, subject=subjects[0], body=separator.join(bodies))


def _send_for_status(pk: int, status: str, is_new: bool, language: str | None) -> None:
    enrollment = _enrollment(pk)
    if enrollment is None or enrollment.status != status:
        # Changed again in the same transaction: the later change sends its own email.
        return
    if is_new and status == Enrollment.Status.APPLIED:
        send_application_received(enrollment=enrollment, language=language)
    else:
        send_status_changed(enrollment=enrollment)


def notify_status_change(*, enrollment: Enrollment, is_new: bool) -> None:
    """Send the confirmation or decision email once the current transaction commits.

    Called by services.enrollment_save when an enrollment is created or its status changes.
    """
    if _suppressed.get():
        return
    pk, status, language = enrollment.pk, enrollment.status, translation.get_language()

    def send() -> None:
        _send_for_status(pk, status, is_new, language)

    transaction.on_commit(send, robust=True)


def send_claim_link(
    *, student: Student, url: str, valid_days: int, language: str | None = None
) -> None:
    """The link that lets a student create an account for their record."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = _render(
            "account_claim", {"student": student, "url": url, "valid_days": valid_days}
        )
    _send(to=student.email, subject=subject, body=body)


def send_account_exists(*, student: Student, language: str | None = None) -> None:
    """Someone asked to create an account for a record that already has one."""
    assert student.user is not None, "send_account_exists is for a record with an account."
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = _render(
            "account_exists",
            {
                "student": student,
                "username": student.user.get_username(),
                "login_url": site_url(reverse("login")),
                "reset_url": site_url(reverse("password_reset")),
            },
        )
    _send(to=student.email, subject=subject, body=body)

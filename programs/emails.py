"""Emails to applicants and students, as plain text, queued in the outbox (programs/outbox.py).

Language: an online application records the language the applicant was reading the site in
(Student.language; staff can change it). Every email to her, subject included, is written in
that language, and so are the programme, intake and funding source names in it (their
translations, programs/translation.py). The confirmation of a new application is written in the
language active when it was recorded. A student with no language (an imported record) gets
decisions in every language of the site, one after the other, under the English subject.

An email is queued in the same transaction as the change that causes it: a refused or
rolled-back change queues nothing, a committed one cannot lose its email, and the mail server is
never contacted inside a request (the worker delivers, with retries: docs/deploy.md).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from post_office.models import STATUS, Email

from . import outbox
from .models import Enrollment, Student

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
    """`path` on the site's public address (DJANGO_SITE_URL): every link in an email is built
    here, since the worker sends it outside the request that caused it."""
    return f"{settings.SITE_URL}{path}"


def site_language(code: str | None) -> str:
    """`code` if it is one of the site's languages (settings.LANGUAGES), else ""."""
    return code if code in dict(settings.LANGUAGES) else ""


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _send(*, to: str, subject: str, body: str) -> Email:
    return outbox.queue(to=[to], subject=subject, body=body)


def _can_write_to(student: Student) -> bool:
    return bool(student.email) and student.erased_at is None


def _address(student: Student) -> str:
    """The student's address, for an email only sent to someone who has one (a decision after
    _can_write_to, a claim link to the address typed)."""
    if not student.email:
        raise ValueError(f"Student {student.pk} has no email address.")
    return student.email


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


def _status_email(enrollment: Enrollment, *, is_new: bool, language: str | None) -> tuple[str, str]:
    """The confirmation of a new application, or the email of a decision, as (subject, body)."""
    context = _enrollment_context(enrollment)
    if is_new and enrollment.status == Enrollment.Status.APPLIED:
        # The confirmation, in the language the application was made in.
        with translation.override(language or settings.LANGUAGE_CODE):
            return _render("application_received", context)
    if enrollment.student.language:
        # A decision, in her language: subject, body and the names of what she applied to.
        with translation.override(enrollment.student.language):
            return _render("status_changed", context)
    # A decision for a student whose language is not known, in every language of the site.
    subjects, bodies = [], []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            subject, body = _render("status_changed", context)
        subjects.append(subject)
        bodies.append(body)
    separator = "\n" + "-" * 60 + "\n\n"
    return subjects[0], separator.join(bodies)


# The status email queued for each enrollment in the current transaction, per thread (a
# transaction belongs to one thread): {enrollment pk: (email pk, Message-ID)}. An entry left by
# a rolled-back transaction names a row that no longer exists, and the Message-ID (unique)
# stops it from ever matching another row that reuses the pk.
_queued_here = threading.local()


def _queued_in_transaction() -> dict[int, tuple[int, str]]:
    if not hasattr(_queued_here, "emails"):
        _queued_here.emails = {}
    return _queued_here.emails


def notify_status_change(*, enrollment: Enrollment, is_new: bool) -> None:
    """Queue the confirmation or decision email, in the current transaction.

    Called by services.enrollment_save when an enrollment is created or its status changes.
    A status changed twice in one transaction sends only the email of the last change.
    """
    if _suppressed.get():
        return
    current = _enrollment(enrollment.pk)
    if current is None or not _can_write_to(current.student):
        return
    queued = _queued_in_transaction()
    earlier = queued.get(current.pk)
    if earlier is not None:
        # Superseded before anyone could see it: the worker only reads committed rows.
        pk, message_id = earlier
        Email.objects.filter(pk=pk, message_id=message_id, status=STATUS.queued).delete()
    subject, body = _status_email(current, is_new=is_new, language=translation.get_language())
    email = _send(to=_address(current.student), subject=subject, body=body)
    entry = queued[current.pk] = (email.pk, email.message_id)

    def forget() -> None:
        if queued.get(current.pk) == entry:
            del queued[current.pk]

    transaction.on_commit(forget)


def send_claim_link(
    *, student: Student, url: str, valid_days: int, language: str | None = None
) -> None:
    """The link that lets a student create an account for their record."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = _render(
            "account_claim", {"student": student, "url": url, "valid_days": valid_days}
        )
    _send(to=_address(student), subject=subject, body=body)


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
    _send(to=_address(student), subject=subject, body=body)


def purge_for(student: Student) -> int:
    """Delete every email to the student, queued or sent, with its delivery log (erasure).

    Called before her address is replaced. Returns how many emails were deleted.
    """
    addresses = {(student.email or "").lower()}
    if student.user is not None and student.user.email:
        addresses.add(student.user.email.lower())
    addresses.discard("")
    candidates = Email.objects.none()
    for address in addresses:
        candidates |= Email.objects.filter(to__icontains=address)
    # `to` is stored as one comma-separated text: match whole addresses, not parts of others.
    doomed = [
        email.pk
        for email in candidates.only("pk", "to")
        if addresses & {recipient.lower() for recipient in email.to}
    ]
    Email.objects.filter(pk__in=doomed).delete()
    return len(doomed)

"""Erasure of a student's personal data on request (Rwanda's data-protection law of 2021).

The student row stays, with its enrollments, statuses and funded places, so intake counts and
funder reports keep adding up; what identifies the person goes, here and in the records that
copied it: her enrollments' notes and their history, the admin's log of changes, other
records' notes that name her, the export log's filters and django-axes' sign-in attempts
(how text is matched: erasure_text.py; the records that are not hers: erasure_traces.py).

The country is kept: funder reports count places by country, and on its own a country does not
identify anyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import emails, erasure_impact, erasure_traces, ratelimit
from .erasure_text import ERASED, PersonalValues, Scrub
from .models import Enrollment, Student, TermRecord
from .personal import STUDENT_PERSONAL_FIELDS, STUDENT_PROFILE_FIELDS

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["ERASED", "erased_email", "student_erase"]


def erased_email(pk: int) -> str:
    """A unique address that belongs to nobody (.invalid can never be registered)."""
    return f"erased-{pk}@invalid.example"


def student_erase(*, student: Student, by: User, reason: str) -> Student:
    """Replace the student's personal data, and scrub it from the records that copied it.

    Keeps: the row and its pk, country, enrollments (intake, status, funding, dates), outcomes'
    kinds and figures. Replaces: names, email; blanks phone, national ID, date of birth,
    gender, job title and the organisation link; unlinks and closes the sign-in account;
    blanks her outcomes' descriptions, deletes her testimonials, revokes her certificates
    (erasure_impact.py). Scrubs the old values from her enrollments' notes and their history, from
    the admin log (hers, her account's, and entries that name her), from other records' notes
    and every history's change reasons, from the export log's filters and from django-axes'
    sign-in attempts; deletes her rate-limit counters. Records who erased, when and why in the
    admin log.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for the erasure, e.g. the request's reference.")
    with transaction.atomic():
        student = (
            Student.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=student.pk)
        )
        if student.erased_at is not None:
            raise ValidationError(
                f"This student's personal data was already erased on "
                f"{timezone.localtime(student.erased_at):%Y-%m-%d}."
            )
        values = PersonalValues.of(student)
        scrub = values.scrubber(about_her=True)
        user = student.user
        emails.purge_for(student)  # every email to her, queued or sent, while her address is known

        for name, replacement in _replacements(student).items():
            setattr(student, name, replacement)
        for name in STUDENT_PROFILE_FIELDS:  # gender, job title, organisation link
            setattr(student, name, None if name == "organisation" else "")
        student.user = None
        student.language = ""  # not identifying, but nothing of her choices is kept
        student.erased_at = timezone.now()
        student.save()

        _scrub_enrollments(student, scrub)
        erasure_impact.forget_impact(student, by=by)
        handled = _scrub_admin_log(student, scrub)
        if user is not None:
            _close_account(user)
            if not (user.is_staff or user.is_superuser):
                handled += erasure_traces.scrub_account_log(user, values)
        erasure_traces.scrub_admin_log(values, handled=handled)
        erasure_traces.scrub_free_text(values)
        erasure_traces.scrub_export_logs(values)
        erasure_traces.forget_sign_in_attempts(values)
        ratelimit.forget(values.identifying)  # her hashed address in the rate limits' counters

        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[student],
            action_flag=CHANGE,
            change_message=f"Personal data erased on request. Reason: {scrub(reason)}",
            single_object=True,
        )
    return student


def _replacements(student: Student) -> dict[str, object]:
    """What each personal field becomes: a name that says what happened, a unique address
    (the email is unique), and nothing for the others."""
    known = {
        "first_name": "Erased",
        "last_name": f"Student #{student.pk}",
        "email": erased_email(student.pk),
    }
    fields = {field.name: field for field in Student._meta.concrete_fields}
    return {
        name: known.get(name, None if fields[name].null else "") for name in STUDENT_PERSONAL_FIELDS
    }


def _scrub_enrollments(student: Student, scrub: Scrub) -> None:
    enrollments = list(Enrollment.objects.filter(student=student).only("pk", "notes"))
    for enrollment in enrollments:
        notes = scrub(enrollment.notes)
        if notes != enrollment.notes:
            # update(): no new history row, and updated_at keeps its meaning.
            Enrollment.objects.filter(pk=enrollment.pk).update(notes=notes)
    _scrub_term_records(student, scrub)
    history = Enrollment.history.model.objects.filter(student_id=student.pk)
    for row in history.only("history_id", "notes", "history_change_reason"):
        notes, reason = scrub(row.notes), scrub(row.history_change_reason)
        if (notes, reason) != (row.notes, row.history_change_reason):
            history.filter(history_id=row.history_id).update(
                notes=notes, history_change_reason=reason
            )


def _scrub_term_records(student: Student, scrub: Scrub) -> None:
    """Her term records' notes (staff's words about her studies) and their history."""
    records = TermRecord.objects.filter(enrollment__student=student)
    for record in records.only("pk", "note"):
        note = scrub(record.note)
        if note != record.note:
            TermRecord.objects.filter(pk=record.pk).update(note=note)
    history = TermRecord.history.model.objects.filter(
        enrollment_id__in=Enrollment.objects.filter(student=student).values("pk")
    )
    for row in history.only("history_id", "note", "history_change_reason"):
        note, reason = scrub(row.note), scrub(row.history_change_reason)
        if (note, reason) != (row.note, row.history_change_reason):
            history.filter(history_id=row.history_id).update(
                note=note, history_change_reason=reason
            )


def _scrub_admin_log(student: Student, scrub: Scrub) -> list[int]:
    """The entries about her and her enrollments: titled by her name, messages may quote her.
    Returns their ids; entries elsewhere that name her are erasure_traces.scrub_admin_log's."""
    student_type = ContentType.objects.get_for_model(Student)
    enrollment_type = ContentType.objects.get_for_model(Enrollment)
    enrollments = {str(e.pk): str(e) for e in student.enrollments.select_related("intake__program")}
    entries = list(
        LogEntry.objects.filter(content_type=student_type, object_id=str(student.pk))
        | LogEntry.objects.filter(content_type=enrollment_type, object_id__in=list(enrollments))
    )
    for entry in entries:
        if entry.content_type_id == student_type.pk:
            object_repr = str(student)
        else:
            object_repr = enrollments[entry.object_id]
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=object_repr[:200], change_message=scrub(entry.change_message)
        )
    return [entry.pk for entry in entries]


def _close_account(user) -> None:
    """A student's own sign-in account goes too; a staff account is only unlinked."""
    if user.is_staff or user.is_superuser:
        return
    user.username = f"erased-student-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()

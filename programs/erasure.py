"""Erasure of a student's personal data on request (Rwanda's data-protection law of 2021).

The student row stays, with its enrollments, statuses and funded places, so intake counts and
funder reports keep adding up; what identifies the person goes, here and in the records that
copied it: the enrollments' notes and their history, and the admin's log of changes.

The country is kept: funder reports count places by country, and on its own a country does not
identify anyone.
"""

from __future__ import annotations

import json
import re

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Enrollment, Student

ERASED = "[erased]"


def erased_email(pk: int) -> str:
    """A unique address that belongs to nobody (.invalid can never be registered)."""
    return f"erased-{pk}@invalid.example"


def _personal_values(student: Student, *, identifying_only: bool = False) -> list[str]:
    """The student's personal values as they may appear in text.

    identifying_only leaves out a first or last name alone and the date of birth, which in a
    record about someone else more likely mean that other person.
    """
    values = [
        student.full_name,
        f"{student.last_name} {student.first_name}",
        student.email,
        student.phone,
        student.national_id,
    ]
    if student.user is not None:
        values += [student.user.username, student.user.email]
    if not identifying_only:
        values += [student.first_name, student.last_name]
        if student.date_of_birth:
            values += [
                student.date_of_birth.isoformat(),
                student.date_of_birth.strftime("%d/%m/%Y"),
            ]
    # Longest first, so that "Aline Uwase" goes as a whole before "Aline" alone.
    kept = {value.strip() for value in values if value and len(value.strip()) > 1}
    return sorted(kept, key=len, reverse=True)


def _with_json_forms(values: list[str]) -> list[str]:
    # The admin log stores JSON with non-ASCII letters escaped ("Aim\\u00e9e"): match that too.
    forms = {form for value in values for form in (value, json.dumps(value)[1:-1])}
    return sorted(forms, key=len, reverse=True)


def _scrubber(values: list[str]):
    if not values:
        return lambda text: text
    values = _with_json_forms(values)
    # Whole words only, whatever the capitals: "Ann" goes, "Annual" stays.
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(value) for value in values) + r")(?!\w)",
        re.IGNORECASE,
    )
    return lambda text: pattern.sub(ERASED, text) if text else text


def student_erase(*, student: Student, by, reason: str) -> Student:
    """Replace the student's personal data, and scrub it from the records that copied it.

    Keeps: the row and its pk, country, enrollments (intake, status, funding, dates).
    Replaces: names, email; blanks phone, national ID, date of birth; unlinks and closes the
    sign-in account. Scrubs the old values from enrollment notes (and their history, including
    change reasons) and from the admin log. Records who erased, when and why in the admin log.
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
        scrub = _scrubber(_personal_values(student))
        scrub_mentions = _scrubber(_personal_values(student, identifying_only=True))
        mentions = _with_json_forms(_personal_values(student, identifying_only=True))
        user = student.user

        student.first_name = "Erased"
        student.last_name = f"Student #{student.pk}"
        student.email = erased_email(student.pk)
        student.phone = ""
        student.national_id = ""
        student.date_of_birth = None
        student.user = None
        student.erased_at = timezone.now()
        student.save()

        _scrub_history(Student, pk=student.pk, scrub=scrub, replacement=student)
        _scrub_enrollments(student, scrub)
        _scrub_admin_log(student, scrub, mentions=mentions, scrub_mentions=scrub_mentions)
        if user is not None:
            _close_account(user)

        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[student],
            action_flag=CHANGE,
            change_message=f"Personal data erased on request. Reason: {scrub(reason)}",
            single_object=True,
        )
    return student


def _scrub_enrollments(student: Student, scrub) -> None:
    enrollments = list(Enrollment.objects.filter(student=student).only("pk", "notes"))
    for enrollment in enrollments:
        notes = scrub(enrollment.notes)
        if notes != enrollment.notes:
            # update(): no new history row, and updated_at keeps its meaning.
            Enrollment.objects.filter(pk=enrollment.pk).update(notes=notes)
    history = Enrollment.history.model.objects.filter(student_id=student.pk)
    for row in history.only("history_id", "notes", "history_change_reason"):
        notes, reason = scrub(row.notes), scrub(row.history_change_reason)
        if (notes, reason) != (row.notes, row.history_change_reason):
            history.filter(history_id=row.history_id).update(
                notes=notes, history_change_reason=reason
            )


def _scrub_history(model, *, pk: int, scrub, replacement) -> None:
    """Overwrite the personal fields of a model's history rows, when it keeps a history."""
    manager = getattr(model, "history", None)
    if manager is None:
        return
    rows = manager.model.objects.filter(id=pk)
    fields = {
        name: getattr(replacement, name)
        for name in ("first_name", "last_name", "email", "phone", "national_id", "date_of_birth")
        if any(f.name == name for f in manager.model._meta.fields)
    }
    if any(f.name == "user" for f in manager.model._meta.fields):
        fields["user"] = None
    rows.update(**fields)
    for row in rows.only("history_id", "history_change_reason"):
        reason = scrub(row.history_change_reason)
        if reason != row.history_change_reason:
            rows.filter(history_id=row.history_id).update(history_change_reason=reason)


def _scrub_admin_log(student: Student, scrub, *, mentions: list[str], scrub_mentions) -> None:
    """Admin log entries name the student (object_repr) and may quote values in messages.

    Entries about other objects can mention the student too: adding an enrollment inline on
    the intake page logs "Aline Uwase in September 2027" against the intake.
    """
    student_type = ContentType.objects.get_for_model(Student)
    enrollment_type = ContentType.objects.get_for_model(Enrollment)
    enrollments = {str(e.pk): str(e) for e in student.enrollments.select_related("intake__program")}
    entries = LogEntry.objects.filter(
        content_type=student_type, object_id=str(student.pk)
    ) | LogEntry.objects.filter(content_type=enrollment_type, object_id__in=list(enrollments))
    for entry in entries:
        if entry.content_type_id == student_type.pk:
            object_repr = str(student)
        else:
            object_repr = enrollments[entry.object_id]
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=object_repr[:200], change_message=scrub(entry.change_message)
        )
    if not mentions:
        return
    mentioning = Q()
    for value in mentions:
        mentioning |= Q(change_message__icontains=value)
    for entry in LogEntry.objects.filter(mentioning).exclude(pk__in=[e.pk for e in entries]):
        change_message = scrub_mentions(entry.change_message)
        if change_message != entry.change_message:
            LogEntry.objects.filter(pk=entry.pk).update(change_message=change_message)


def _close_account(user) -> None:
    """A student's own sign-in account goes too; a staff account is only unlinked."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.get_username()).delete()
    if user.is_staff or user.is_superuser:
        return
    user.username = f"erased-student-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()

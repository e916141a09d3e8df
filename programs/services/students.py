"""Students, found by email whatever the capitals."""

from __future__ import annotations

from django.db import transaction

from ..models import (
    Student,
)

# --- students ------------------------------------------------------------------------------


def student_find_by_email(email: str) -> Student | None:
    return Student.objects.filter(email__iexact=email.strip()).first()


def student_get_or_create(*, email: str, **details) -> tuple[Student, bool]:
    """Find a student by email (whatever the capitals) or create one with `details`."""
    with transaction.atomic():
        student = student_find_by_email(email)
        if student is not None:
            return student, False
        student = Student(email=email.strip(), **details)
        student.full_clean()
        student.save()
        return student, True

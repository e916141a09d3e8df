"""Students, found by email whatever the capitals."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import Student


def student_find_by_email(email: str) -> Student | None:
    """The student with this address, whatever the capitals; never an erased record."""
    return Student.objects.filter(email__iexact=email.strip(), erased_at__isnull=True).first()


def student_get_or_create(*, email: str, **details) -> tuple[Student, bool]:
    """Find a student by email (whatever the capitals) or create one with `details`.

    Two requests with a new address at the same moment (a double click, a retry on a slow
    phone) both find nobody; on PostgreSQL the second insert then waits on the unique email
    index until the first commits and fails. It runs in a savepoint, so that request reads
    the first one's student instead of answering 500.
    """
    with transaction.atomic():
        student = student_find_by_email(email)
        if student is not None:
            return student, False
        student = Student(email=email.strip(), **details)
        student.full_clean()
        try:
            with transaction.atomic():
                student.save()
        except IntegrityError:
            found = student_find_by_email(email)
            if found is None:
                raise
            return found, False
        return student, True

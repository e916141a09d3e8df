"""Students found or created by email: the apply form's lookup, at the service."""

import datetime

import pytest
from django.db import IntegrityError

from programs import services
from programs.models import Student
from programs.services import students

from .factories import StudentFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "first_name": "Claudine",
    "last_name": "Mukamana",
    "phone": "+250788123456",
    "date_of_birth": datetime.date(2001, 9, 30),
    "country": "RW",
}


def test_a_new_address_creates_the_student_with_the_details_given():
    student, created = services.student_get_or_create(email="  claudine@example.rw ", **DETAILS)
    assert created is True
    student.refresh_from_db()
    assert student.email == "claudine@example.rw"
    assert (student.first_name, student.last_name, student.phone) == (
        "Claudine",
        "Mukamana",
        "+250788123456",
    )
    assert (student.date_of_birth, student.country) == (datetime.date(2001, 9, 30), "RW")


def test_a_known_address_finds_the_student_and_changes_nothing():
    known = StudentFactory(email="claudine@example.rw", first_name="Claudine")
    found, created = services.student_get_or_create(
        email="Claudine@Example.rw", **{**DETAILS, "first_name": "Someone else"}
    )
    assert (found, created) == (known, False)
    known.refresh_from_db()
    assert known.first_name == "Claudine"
    assert Student.objects.count() == 1


def test_the_lookup_finds_only_that_address():
    StudentFactory(email="eric@example.rw")
    aline = StudentFactory(email="aline@example.rw")
    assert services.student_find_by_email(" ALINE@example.rw ") == aline
    assert services.student_find_by_email("nobody@example.rw") is None


def test_an_address_taken_between_lookup_and_insert_reads_the_other_requests_student(
    monkeypatch,
):
    """The race of two requests with one new address: this one found nobody, the other one's
    insert got there first. The unique index refuses the second insert; the student is read."""
    other = StudentFactory(email="claudine@example.rw", first_name="Claudine")
    lookups: list[str] = []
    lookup = students.student_find_by_email

    def first_finds_nobody(email: str):
        lookups.append(email)
        return None if len(lookups) == 1 else lookup(email)

    monkeypatch.setattr(students, "student_find_by_email", first_finds_nobody)
    # In the race full_clean cannot see the other row yet (not committed); only the index can.
    monkeypatch.setattr(Student, "validate_constraints", lambda self, exclude=None: None)
    found, created = services.student_get_or_create(email="claudine@example.rw", **DETAILS)
    assert (found, created) == (other, False)
    assert lookups == ["claudine@example.rw", "claudine@example.rw"]
    assert Student.objects.count() == 1


def test_an_insert_refused_for_another_reason_is_not_hidden(monkeypatch):
    """An IntegrityError with nobody to read afterwards is a real error, not the race."""
    StudentFactory(email="claudine@example.rw")
    monkeypatch.setattr(students, "student_find_by_email", lambda email: None)
    monkeypatch.setattr(Student, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(IntegrityError):
        services.student_get_or_create(email="claudine@example.rw", **DETAILS)

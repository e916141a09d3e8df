"""The same application sent twice at the same moment (a double click, a retry on a slow
phone) with a new address: both get a normal answer, and one student and one enrollment exist.

On PostgreSQL both requests looked the address up before either committed, and the second
insert hit the unique email index (a 500). SQLite's write lock hides the race, so the lookups
are held at a barrier until both have found nobody.

Whatever path the second one takes, its answer shows nothing of another enrollment: anyone can
type anyone's address.
"""

from __future__ import annotations

import contextlib
import threading
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client

from programs.erasure import student_erase
from programs.models import Enrollment, Student
from programs.services import students

from .apply_support import application, apply_url
from .factories import StaffFactory, StudentFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
def test_the_same_application_sent_twice_at_once_is_recorded_once(september_intake, monkeypatch):
    found_nobody = threading.Barrier(2, timeout=30)
    lookup = students.student_find_by_email

    def slow_lookup(email: str):
        student = lookup(email)
        if student is None:
            with contextlib.suppress(threading.BrokenBarrierError):
                found_nobody.wait()
        return student

    monkeypatch.setattr(students, "student_find_by_email", slow_lookup)
    url = apply_url(september_intake)
    answers: list[int] = []

    def apply() -> None:
        try:
            answers.append(Client().post(url, application()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [HTTPStatus.OK, HTTPStatus.FOUND]  # the form says "already applied"
    assert Student.objects.filter(email__iexact="claudine@example.rw").count() == 1
    assert Enrollment.objects.filter(intake=september_intake).count() == 1


def test_an_erased_records_address_attaches_nothing_to_it(client, september_intake):
    erased = StudentFactory(email="placeholder@example.rw")
    student_erase(student=erased, by=StaffFactory(), reason="Request 12")
    erased.refresh_from_db()
    url = apply_url(september_intake)
    response = client.post(url, {**application(), "email": erased.email})
    assert response.status_code == HTTPStatus.OK
    assert "Enter your own email address." in response.content.decode()
    assert not Enrollment.objects.filter(student=erased).exists()
    assert students.student_find_by_email(erased.email) is None


# --- a second POST of the same form shows nobody else's record -------------------------------


@pytest.fixture
def aline_offered(september_intake):
    """Another applicant of the same intake, already offered a funded place."""
    from programs.models import Enrollment as E

    aline = StudentFactory(first_name="Aline", last_name="Uwase", email="aline@example.rw")
    funding = september_intake.fundings.get()
    return E.objects.create(
        student=aline,
        intake=september_intake,
        status=E.Status.OFFERED,
        funding_source=funding.funding_source,
    )


ALREADY_APPLIED = "You have already applied to this intake with this email address"


def _shows_nothing_of(page: str, enrollment: Enrollment) -> None:
    student = enrollment.student
    for value in (student.first_name, student.last_name, student.email or "", "Offered"):
        assert value not in page, value


def test_sending_the_form_twice_shows_no_other_applicants_record(
    client, september_intake, aline_offered, fresh_cache
):
    url = apply_url(september_intake)
    first = client.post(url, application(), follow=True)
    assert first.redirect_chain[-1][1] == HTTPStatus.FOUND
    _shows_nothing_of(first.content.decode(), aline_offered)

    second = client.post(url, application(), follow=True)
    page = second.content.decode()
    assert ALREADY_APPLIED in page
    _shows_nothing_of(page, aline_offered)
    assert Enrollment.objects.filter(intake=september_intake).count() == 2


def test_typing_another_applicants_address_shows_nothing_of_her(
    client, september_intake, aline_offered, fresh_cache
):
    response = client.post(apply_url(september_intake), application(email="ALINE@EXAMPLE.RW"))
    page = response.content.decode()
    assert ALREADY_APPLIED in page
    for value in ("Aline", "Uwase", "Offered"):
        assert value not in page, value
    assert Enrollment.objects.filter(intake=september_intake).count() == 1


def test_the_second_of_two_at_once_shows_nothing_of_the_record_it_met(
    client, september_intake, aline_offered, fresh_cache, monkeypatch
):
    """The second of two requests sent at once meets the first one's enrollment only when it
    saves (the intake lock's duplicate check), not in the view's own check. SQLite serialises
    requests, so the lookup is made to answer as it would in that race."""
    from programs import services

    monkeypatch.setattr(
        services, "student_get_or_create", lambda **kwargs: (aline_offered.student, True)
    )
    response = client.post(apply_url(september_intake), application(email="aline@example.rw"))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert ALREADY_APPLIED in page
    for value in ("Aline", "Uwase", "Offered", "status:"):
        assert value not in page, value
    assert Enrollment.objects.filter(intake=september_intake).count() == 1

"""The same application sent twice at the same moment (a double click, a retry on a slow
phone) with a new address: both get a normal answer, and one student and one enrollment exist.

On PostgreSQL both requests looked the address up before either committed, and the second
insert hit the unique email index (a 500). SQLite's write lock hides the race, so the lookups
are held at a barrier until both have found nobody.
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

from .factories import StaffFactory, StudentFactory
from .test_views_apply import application, apply_url

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

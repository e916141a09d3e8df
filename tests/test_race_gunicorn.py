"""End to end: 30 staff members post the admin's enrollment form for the last seat at once.

The app runs as in production: gunicorn with 4 worker processes, DEBUG off, on the test
database (PostgreSQL, or the SQLite file that all workers share). Sessions are made here and
handed to the HTTP clients as cookies; each client fetches the add form for its CSRF token,
then all of them post at the same instant.
"""

from __future__ import annotations

import re
import secrets
import threading
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from programs.models import Enrollment

from .factories import EnrollmentFactory, IntakeFactory, StaffFactory, StudentFactory
from .gunicorn_server import GUNICORN, TIMEOUT, WORKERS, Server, database_url

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

SESSIONS = 30
ADD_URL = "/admin/programs/enrollment/add/"
FULL = "This intake is full: 22 of 22 seats are taken."


@pytest.fixture
def server(tmp_path, settings):
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed at {GUNICORN}")
    # The sessions made here must be readable by gunicorn, so both use one production key.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    database = database_url()
    if database is None:
        pytest.skip(f"no way to point gunicorn at a {connection.vendor} test database")
    server = Server(tmp_path, settings.SECRET_KEY, database=database)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _staff_session(server: Server, index: int) -> dict[str, str]:
    """A signed-in staff member's cookies and the CSRF token of the add form."""
    client = Client()
    client.force_login(StaffFactory.create(username=f"staff-{index}"))
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    status, content, new_cookies = server.request("GET", ADD_URL, cookies=cookies)
    assert status == HTTPStatus.OK, content[:500]
    cookies.update(new_cookies)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert match, "no CSRF token in the add form"
    cookies["csrfmiddlewaretoken"] = match.group(1)
    return cookies


def _enroll_body(token: str, student, intake) -> str:
    """The admin's add-enrollment form, filled in to enroll `student` in `intake`."""
    return urlencode(
        {
            "csrfmiddlewaretoken": token,
            "student": student.pk,
            "intake": intake.pk,
            "status": Enrollment.Status.ENROLLED,
            "funding_source": "",
            "waitlist_position": "",
            "notes": "",
            "change_reason": "",
            "_save": "Save",
        }
    )


def test_thirty_staff_posting_for_the_last_seat_at_once_one_wins(server):
    intake = IntakeFactory(capacity=22)
    EnrollmentFactory.create_batch(21, intake=intake, status=Enrollment.Status.ENROLLED)
    students = StudentFactory.create_batch(SESSIONS)
    sessions = [_staff_session(server, i) for i in range(SESSIONS)]

    barrier = threading.Barrier(SESSIONS)
    answers: list[tuple[int, str] | BaseException | None] = [None] * SESSIONS

    def post(index: int) -> None:
        cookies = dict(sessions[index])
        token = cookies.pop("csrfmiddlewaretoken")
        body = _enroll_body(token, students[index], intake)
        try:
            barrier.wait(timeout=TIMEOUT)
            status, content, _cookies = server.request("POST", ADD_URL, body, cookies)
            answers[index] = (status, content)
        except BaseException as error:
            answers[index] = error

    threads = [threading.Thread(target=post, args=(i,), daemon=True) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a request did not finish"

    failures = [a for a in answers if not isinstance(a, tuple)]
    assert failures == [], failures
    statuses = sorted(status for status, _content in answers)
    won = [i for i, (status, _c) in enumerate(answers) if status == HTTPStatus.FOUND]
    refused = [i for i, (status, c) in enumerate(answers) if status == HTTPStatus.OK and FULL in c]
    assert len(won) == 1, f"statuses: {statuses}\n{server.log()}"
    assert len(refused) == SESSIONS - 1, f"statuses: {statuses}\n{server.log()}"

    assert intake.enrollments.seat_holding().count() == 22
    assert Enrollment.objects.filter(intake=intake, student=students[won[0]]).exists()
    print(f"\n{connection.vendor}: {len(won)} saved (302), {len(refused)} refused (200, full)")


def test_a_write_through_one_worker_shows_on_every_worker_at_once(server):
    """The workers keep nothing of their own: after a seat is taken through one worker, every
    worker shows it."""
    intake = IntakeFactory(capacity=22)
    EnrollmentFactory.create_batch(5, intake=intake, status=Enrollment.Status.ENROLLED)
    student = StudentFactory()
    staff = _staff_session(server, 0)
    token = staff.pop("csrfmiddlewaretoken")

    def seats_left_everywhere() -> set[str]:
        seen = set()
        for _ in range(WORKERS * 6):  # connections go to whichever worker accepts first
            status, content, _cookies = server.request("GET", "/")
            assert status == HTTPStatus.OK, content[:500]
            seen |= set(re.findall(r"Seats left: \d+ of 22", content))
        return seen

    assert seats_left_everywhere() == {"Seats left: 17 of 22"}
    body = _enroll_body(token, student, intake)
    status, content, _cookies = server.request("POST", ADD_URL, body, staff)
    assert status == HTTPStatus.FOUND, content[:500]
    assert seats_left_everywhere() == {"Seats left: 16 of 22"}

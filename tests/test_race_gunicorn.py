"""End to end: 30 staff members post the admin's enrollment form for the last seat at once.

The app runs as in production: gunicorn with 4 worker processes, DEBUG off, on the test
database (PostgreSQL, or the SQLite file that all workers share). Sessions are made here and
handed to the HTTP clients as cookies; each client fetches the add form for its CSRF token,
then all of them post at the same instant.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from programs.models import Enrollment

from .factories import EnrollmentFactory, IntakeFactory, StaffFactory, StudentFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SESSIONS = 30
WORKERS = 4
TIMEOUT = 60  # seconds, for any one wait
ADD_URL = "/admin/programs/enrollment/add/"
FULL = "This intake is full: 22 of 22 seats are taken."


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.skip(f"no way to point gunicorn at a {connection.vendor} test database")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the project on 127.0.0.1, production settings, the test database."""

    def __init__(self, tmp_path: Path, secret_key: str) -> None:
        self.port = _free_port()
        self.log_path = tmp_path / "gunicorn.log"
        self.env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("DJANGO_") and name != "DATABASE_URL"
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tracker.settings",
            DATABASE_URL=_database_url(),
            DJANGO_DEBUG="False",
            DJANGO_SECRET_KEY=secret_key,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="False",
            DJANGO_SECURE_COOKIES="False",
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            timeout=TIMEOUT,
        )
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "tracker.wsgi",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={WORKERS}",
                    f"--timeout={TIMEOUT}",
                    # The default control socket is one per user: a second gunicorn (make
                    # serve, a parallel test run) would take it over.
                    "--no-control-socket",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            try:
                if self.request("GET", "/admin/login/")[0] == HTTPStatus.OK:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def request(self, method: str, path: str, body: str | None = None, cookies=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", errors="replace")
            set_cookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                set_cookie.load(header)
            return response.status, content, {k: m.value for k, m in set_cookie.items()}
        finally:
            conn.close()


@pytest.fixture
def server(tmp_path, settings):
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed at {GUNICORN}")
    # The sessions made here must be readable by gunicorn, so both use one production key.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    server = Server(tmp_path, settings.SECRET_KEY)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _staff_session(server: Server, index: int) -> dict[str, str]:
    """A signed-in staff member's cookies and the CSRF token of the add form."""
    client = Client()
    client.force_login(StaffFactory(username=f"staff-{index}"))
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

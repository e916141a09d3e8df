"""Rate limits that stop a script, not a classroom (issue 11).

A few attempts an hour per email address; per client address a ceiling a school lab or a
carrier's NAT does not reach. Counted exactly, in the database, by every process at once.
"""

from __future__ import annotations

import datetime
import threading
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs import ratelimit, views
from programs.erasure import student_erase
from programs.models import Enrollment, Student
from programs.ratelimit import RateCounter, RateLimit

from .apply_support import application, apply_url
from .factories import StudentFactory
from .outbox import deliver

pytestmark = pytest.mark.django_db

CLAIM = reverse("programs:account-claim")


def apply(client: Client, intake, email: str):
    return client.post(apply_url(intake), application(email=email))


# --- applications ---------------------------------------------------------------------------


def test_a_school_lab_sends_thirty_applications_from_one_address(client, september_intake):
    for n in range(30):
        assert apply(client, september_intake, f"pupil{n}@example.rw").status_code == 302
    assert Enrollment.objects.count() == 30


def test_the_sixth_application_with_one_email_in_an_hour_is_refused(client, september_intake):
    assert apply(client, september_intake, "grace@example.rw").status_code == HTTPStatus.FOUND
    for _ in range(4):  # sent again: "already applied", and counted
        assert apply(client, september_intake, "Grace@Example.rw").status_code == HTTPStatus.OK
    response = apply(client, september_intake, "grace@example.rw")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts with this email address" in response.content.decode()
    assert Enrollment.objects.count() == 1
    # Another address typed at the same computer is not affected.
    assert apply(client, september_intake, "eric@example.rw").status_code == HTTPStatus.FOUND


def test_one_address_is_stopped_at_its_ceiling(client, september_intake, monkeypatch):
    assert views.APPLY_ADDRESS_LIMIT.allowed >= 300  # the real ceiling; 12 below keeps it quick
    monkeypatch.setattr(views, "APPLY_ADDRESS_LIMIT", RateLimit(12, 3600))
    for n in range(12):
        assert apply(client, september_intake, f"a{n}@example.rw").status_code == HTTPStatus.FOUND
    response = apply(client, september_intake, "a12@example.rw")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts from your connection" in response.content.decode()
    assert Enrollment.objects.count() == 12
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert apply(other, september_intake, "b@example.rw").status_code == HTTPStatus.FOUND


def test_a_bot_filling_the_honeypot_is_not_counted(client, september_intake):
    for _ in range(6):
        client.post(apply_url(september_intake), application(website="http://spam.example"))
    assert not RateCounter.objects.exists()
    assert apply(client, september_intake, "claudine@example.rw").status_code == HTTPStatus.FOUND


# --- account claims ------------------------------------------------------------------------


def test_claims_from_one_address_with_many_emails_pass_below_the_ceiling(client):
    for n in range(20):
        assert client.post(CLAIM, {"email": f"p{n}@example.rw"}).status_code == HTTPStatus.FOUND


def test_claims_from_one_address_stop_at_its_ceiling(client, monkeypatch):
    monkeypatch.setattr(views, "CLAIM_ADDRESS_LIMIT", RateLimit(3, 3600))
    for n in range(3):
        assert client.post(CLAIM, {"email": f"p{n}@example.rw"}).status_code == HTTPStatus.FOUND
    response = client.post(CLAIM, {"email": "p3@example.rw"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts from your connection" in response.content.decode()


def test_the_sixth_claim_for_one_email_sends_nothing(client, september_intake):
    StudentFactory(email="grace@example.rw")
    for _ in range(5):
        assert client.post(CLAIM, {"email": "grace@example.rw"}).status_code == HTTPStatus.FOUND
    other = Client(REMOTE_ADDR="10.9.9.9")  # from another address too
    response = other.post(CLAIM, {"email": "GRACE@example.rw"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(deliver()) == 5


# --- the counter ---------------------------------------------------------------------------


def test_counters_hold_no_address_in_clear(client, september_intake):
    apply(client, september_intake, "grace@example.rw")
    keys = set(RateCounter.objects.values_list("key", flat=True))
    assert keys == {ratelimit.hashed("grace@example.rw"), ratelimit.hashed("127.0.0.1")}
    assert not any("grace" in key or "127.0" in key for key in keys)
    assert ratelimit.hashed(" Grace@EXAMPLE.rw") == ratelimit.hashed("grace@example.rw")
    assert ratelimit.hashed("grace@example.rw") != ratelimit.hashed("eric@example.rw")


def test_a_new_hour_starts_from_zero_and_clears_the_past_hours(monkeypatch):
    limit = RateLimit(2, 3600)
    now = timezone.now()
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: now)
    assert [ratelimit.hit(scope="t", value="x", limit=limit) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    ratelimit.hit(scope="t", value="y", limit=limit)
    later = now + datetime.timedelta(hours=1)
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: later)
    assert ratelimit.hit(scope="t", value="x", limit=limit) is False
    # Only this hour's counter is left: the two of the past hour went with the first new hit.
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


def test_erasure_forgets_the_students_counters(client, september_intake, staff):
    apply(client, september_intake, "grace@example.rw")
    apply(client, september_intake, "eric@example.rw")
    student = Student.objects.get(email="grace@example.rw")
    student_erase(student=student, by=staff, reason="Request DP-2027-020")
    keys = set(RateCounter.objects.values_list("key", flat=True))
    assert ratelimit.hashed("grace@example.rw") not in keys
    assert ratelimit.hashed("eric@example.rw") in keys


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_forty_hits_at_the_same_instant_are_counted_exactly():
    """Each hit in its own thread and connection, released together: exactly `allowed` pass."""
    attempts, limit = 40, RateLimit(10, 3600)
    barrier = threading.Barrier(attempts)
    results: list[object] = [None] * attempts

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = ratelimit.hit(scope="race", value="10.0.0.1", limit=limit)
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [r for r in results if not isinstance(r, bool)] == []
    assert results.count(False) == limit.allowed
    assert RateCounter.objects.get(scope="race").count == attempts


def test_the_counter_is_one_statement_on_this_database():
    """SQLite before 3.35 has no RETURNING: the deployment docs ask for 3.35 or later."""
    if connection.vendor == "sqlite":
        import sqlite3

        assert sqlite3.sqlite_version_info >= (3, 35)
    assert settings.DATABASES["default"]["ENGINE"].endswith(("sqlite3", "postgresql"))

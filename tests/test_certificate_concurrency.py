"""Two staff members issue the same certificate at the same moment: one certificate exists
and both get it. On PostgreSQL the intake's row lock orders them; without it both would find
none and the second insert would hit the one-to-one column (a 500). SQLite's write lock hides
the race, so these run on PostgreSQL only."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from programs import services
from programs.models import Certificate, Enrollment
from programs.services import base, certificates

from .factories import EnrollmentFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises the writers"
)


def _race(enrollment: Enrollment) -> tuple[list[str], list[BaseException]]:
    codes: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            codes.append(services.certificate_issue(enrollment=enrollment).code)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes, errors


@pytest.fixture
def completed(db):
    return EnrollmentFactory(status="completed", completed_on="2026-11-20")


@postgres_only
def test_two_issuers_at_once_make_one_certificate(completed, monkeypatch):
    both_inside = threading.Barrier(2, timeout=30)
    lock = base.lock_intakes

    def lock_together(*ids):
        # Both transactions are open and about to lock: the lock alone decides.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_inside.wait()
        return lock(*ids)

    monkeypatch.setattr(base, "lock_intakes", lock_together)
    codes, errors = _race(completed)
    assert errors == []
    assert len(codes) == 2 and codes[0] == codes[1]
    assert Certificate.objects.filter(enrollment=completed).count() == 1


@postgres_only
def test_without_the_lock_the_same_race_fails(completed, monkeypatch):
    """The test above has power: take the lock away and hold both after their lookup."""
    found_none = threading.Barrier(2, timeout=30)
    lookup = certificates.certificate_for

    def slow_lookup(enrollment_id: int):
        found = lookup(enrollment_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            found_none.wait()
        return found

    monkeypatch.setattr(base, "lock_intakes", lambda *ids: {})
    monkeypatch.setattr(certificates, "certificate_for", slow_lookup)
    codes, errors = _race(completed)
    assert len(codes) == 1 and len(errors) == 1  # the second insert hit the unique column
    assert Certificate.objects.filter(enrollment=completed).count() == 1

"""Nothing is ever overbooked when many people take the last places at the same moment.

Each attempt runs in its own thread with its own database connection, all released together by
a barrier, so the services' locking (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on
SQLite) is what keeps the rules, as it is in production.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programs import services
from programs.models import Enrollment, Intake

from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    StudentFactory,
)

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 40
TIMEOUT = 120  # seconds, for the whole race


@dataclass
class Outcome:
    saved: list[Enrollment]
    refused: list[ValidationError]
    crashed: list[BaseException | None]  # None: an attempt that recorded nothing


def race(attempts: int, attempt: Callable[[int], Enrollment]) -> Outcome:
    """Run attempt(0..attempts-1) in as many threads, released at the same instant."""
    barrier = threading.Barrier(attempts)
    results: list[Enrollment | BaseException | None] = [None] * attempts

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = attempt(index)
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "an attempt did not finish in time"
    return Outcome(
        saved=[r for r in results if isinstance(r, Enrollment)],
        refused=[r for r in results if isinstance(r, ValidationError)],
        crashed=[r for r in results if not isinstance(r, Enrollment | ValidationError)],
    )


def test_forty_people_racing_for_the_last_3_seats_leave_exactly_3_taken():
    intake = IntakeFactory(capacity=22)
    EnrollmentFactory.create_batch(19, intake=intake, status=Enrollment.Status.ENROLLED)
    students = StudentFactory.create_batch(ATTEMPTS)

    def attempt(index: int) -> Enrollment:
        return services.enrollment_create(
            student=students[index],
            intake=Intake.objects.get(pk=intake.pk),
            status=Enrollment.Status.ENROLLED,
        )

    outcome = race(ATTEMPTS, attempt)

    assert outcome.crashed == []
    assert len(outcome.saved) == 3
    assert len(outcome.refused) == ATTEMPTS - 3
    for error in outcome.refused:
        assert error.message_dict == {"status": ["This intake is full: 22 of 22 seats are taken."]}
    assert intake.enrollments.seat_holding().count() == 22
    assert intake.enrollments.count() == 22  # the refusals wrote nothing


def test_forty_people_racing_for_the_last_2_funded_places_leave_exactly_2_taken():
    intake = IntakeFactory(capacity=22)
    source = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    IntakeFundingFactory(intake=intake, funding_source=source, places=20)
    EnrollmentFactory.create_batch(
        18, intake=intake, status=Enrollment.Status.ENROLLED, funding_source=source
    )
    students = StudentFactory.create_batch(ATTEMPTS)

    def attempt(index: int) -> Enrollment:
        return services.enrollment_create(
            student=students[index],
            intake=Intake.objects.get(pk=intake.pk),
            status=Enrollment.Status.ENROLLED,
            funding_source=source,
        )

    outcome = race(ATTEMPTS, attempt)

    assert outcome.crashed == []
    assert len(outcome.saved) == 2
    assert len(outcome.refused) == ATTEMPTS - 2
    for error in outcome.refused:
        assert error.message_dict == {
            "funding_source": [
                "No funded place from HEC–Alibaba Joint Scholarship is left in this intake: "
                "20 of 20 funded places are taken."
            ]
        }
    funded = intake.enrollments.seat_holding().filter(funding_source=source)
    assert funded.count() == 20
    assert intake.enrollments.count() == 20  # seats were free; only the funding ran out


# --- the race's power: without the intake lock it overbooks ----------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transactions lock the whole database whatever lock_intakes does",
)
def test_without_the_intake_lock_the_same_race_overbooks(monkeypatch):
    """The tests above pass because of base.lock_intakes, not by luck: take its FOR UPDATE away
    and the same race puts more people in the intake than it has seats.

    Each attempt is held after it counted the seats until every attempt has counted, so the
    overbooking happens on every run, not only when the threads happen to interleave.
    """
    from programs.selectors import occupancy
    from programs.services import base

    attempts = 5
    counted = threading.Barrier(attempts, timeout=30)
    count_seats = occupancy.seats_taken

    def unlocked(*intake_ids):
        return {i.pk: i for i in Intake.objects.filter(pk__in=[p for p in intake_ids if p])}

    def seats_taken_then_wait(*args, **kwargs):
        taken = count_seats(*args, **kwargs)
        counted.wait()
        return taken

    monkeypatch.setattr(base, "lock_intakes", unlocked)
    monkeypatch.setattr(occupancy, "seats_taken", seats_taken_then_wait)
    intake = IntakeFactory(capacity=22)
    EnrollmentFactory.create_batch(19, intake=intake, status=Enrollment.Status.ENROLLED)
    students = StudentFactory.create_batch(attempts)

    outcome = race(
        attempts,
        lambda index: services.enrollment_create(
            student=students[index],
            intake=Intake.objects.get(pk=intake.pk),
            status=Enrollment.Status.ENROLLED,
        ),
    )

    assert outcome.crashed == []
    assert len(outcome.saved) == attempts  # all 5 saved for 3 free seats
    assert intake.enrollments.seat_holding().count() == 19 + attempts > intake.capacity

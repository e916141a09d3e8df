"""The same survey imported by two staff members at the same moment: each outcome once. The
student's row lock makes the second wait for the first, then find its outcome and refuse."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Outcome

from .concurrency_support import at_once
from .factories import StudentFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_at_once_record_the_outcome_once():
    student = StudentFactory()
    results = at_once(
        lambda: services.outcome_record(
            student=student,
            kind=Outcome.Kind.JOB,
            recorded_on=datetime.date(2026, 11, 30),
            source=Outcome.Source.SURVEY,
        ),
        n=3,
    )
    assert sorted(type(result).__name__ for result in results) == [
        "Outcome",
        "ValidationError",
        "ValidationError",
    ], results
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert all("already recorded" in r.messages[0] for r in refusals)
    assert Outcome.objects.count() == 1

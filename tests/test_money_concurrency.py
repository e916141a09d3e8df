"""Two staff members schedule the same intake at once, or pay the same disbursement at once:
each disbursement is made once and paid once.

On PostgreSQL both would read what exists before either wrote; the intake's row lock (and for
payment the disbursement's) makes the second wait and find the first's work, and the unique
constraint stands behind the lock. SQLite's write lock serialises them anyway, so these run on
both databases.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs import services
from programs.models import Disbursement

from .concurrency_support import at_once
from .money import cost_and_split, costed_intake

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scheduled_intake(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    costed_intake(september_intake, joint_scholarship, students=5, years=1)
    return september_intake


def test_the_same_intake_scheduled_twice_at_once_makes_each_disbursement_once(scheduled_intake):
    results = at_once(lambda: services.disbursements_schedule(intake=scheduled_intake))
    assert sorted(results) == [0, 5 * 2 * 2], results
    assert Disbursement.objects.count() == 20


def test_behind_the_lock_the_database_refuses_a_duplicate(scheduled_intake):
    services.disbursements_schedule(intake=scheduled_intake)
    row = Disbursement.objects.first()
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    assert Disbursement.objects.count() == 20


def test_one_disbursement_paid_twice_at_once_is_paid_once(scheduled_intake):
    services.disbursements_schedule(intake=scheduled_intake)
    row = services.disbursement_approve(disbursement=Disbursement.objects.first(), by=None)
    results = at_once(
        lambda: services.disbursement_mark_paid(
            disbursement=row, on=datetime.date(2027, 9, 1), reference="B", by=None
        )
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "already paid" in refused[0].messages[0], results
    assert row.history.filter(history_change_reason="Paid").count() == 1

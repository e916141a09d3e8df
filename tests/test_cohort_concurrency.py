"""Two staff members promote the same term at the same moment: each record is made once.

On PostgreSQL both read the term's records before either wrote; the intake's row lock makes
the second wait and find the records made (the unique constraint stands behind it). SQLite's
write lock serialises them anyway.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from programs import services
from programs.models import Enrollment, TermRecord

from .cohort import make_terms, record

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
def test_the_same_term_promoted_twice_at_once_makes_each_record_once(september_intake, fill):
    terms = make_terms(september_intake, years=1)
    students = fill(september_intake, 10)
    for student in students:
        record(student, terms[0], result=TermRecord.Result.PASSED)
    together = threading.Barrier(2, timeout=30)
    results: list[object] = []

    def promote() -> None:
        try:
            together.wait()
            results.append(services.cohort_promote(from_term=terms[0], to_term=terms[1]))
        except Exception as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=promote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.promoted for r in results) == [0, 10], results
    assert TermRecord.objects.filter(term=terms[1]).count() == 10
    assert set(
        TermRecord.objects.filter(term=terms[1]).values_list("enrollment_id", flat=True)
    ) == {s.pk for s in Enrollment.objects.filter(intake=september_intake)}

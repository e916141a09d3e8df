"""Erasure scrubs her term records' notes and their history, and keeps the records (counts)."""

from __future__ import annotations

import pytest

from programs.erasure import student_erase
from programs.models import TermRecord

from .cohort import make_terms, record
from .factories import EnrollmentFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_her_term_records_keep_no_trace_of_her(september_intake):
    aline = StudentFactory(first_name="Aline", last_name="Uwase", email="aline@example.rw")
    enrollment = EnrollmentFactory(student=aline, intake=september_intake, status="enrolled")
    (term, *_rest) = make_terms(september_intake, years=1)
    kept = record(enrollment, term, note="Aline asked for extra tutoring")
    kept.note = "Aline Uwase on probation after aline@example.rw wrote"
    kept.save()
    student_erase(student=aline, by=StaffFactory(), reason="Request 7")
    kept.refresh_from_db()
    assert "Aline" not in kept.note and "aline@" not in kept.note
    for row in TermRecord.history.filter(id=kept.pk):
        assert "Aline" not in row.note
    assert TermRecord.objects.filter(enrollment=enrollment).count() == 1


def test_her_term_records_change_reasons_lose_her_first_name(september_intake):
    """Her first name alone is no trace the whole-database scan looks for: the term records'
    own scrub takes it out of each history row's reason."""
    aline = StudentFactory(first_name="Aline", last_name="Uwase", email="aline@example.rw")
    enrollment = EnrollmentFactory(student=aline, intake=september_intake, status="enrolled")
    (term, *_rest) = make_terms(september_intake, years=1)
    kept = record(enrollment, term, note="Passed")
    kept.note = "Passed, with a deferral"
    kept._change_reason = "Aline asked for a deferral"
    kept.save()
    student_erase(student=aline, by=StaffFactory(), reason="Request 7")
    reasons = TermRecord.history.filter(id=kept.pk).values_list("history_change_reason", flat=True)
    assert "[erased] asked for a deferral" in reasons
    assert not any("Aline" in (reason or "") for reason in reasons)

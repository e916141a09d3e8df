"""A cohort's life at its edges, each found unchecked by mutation testing: who opened or
moved a record, the exact refusals, every row counted (not just the first), and a withdrawn
or already-moved student in the middle of the list."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Term, TermRecord

from .cohort import Result, Status, record
from .factories import EnrollmentFactory, IntakeFactory

pytestmark = pytest.mark.django_db


def _who(row) -> tuple:
    latest = row.history.first()
    return latest.history_user, latest.history_change_reason


def test_the_first_term_opens_records_by_whom_and_only_in_its_own_intake(
    september_intake, terms, fill, staff
):
    (ours,) = fill(september_intake, 1)
    other_intake = IntakeFactory(name="January 2028")
    EnrollmentFactory(intake=other_intake, status=Status.ENROLLED)
    assert services.term_start(term=terms[0], by=staff) == 1
    (opened,) = TermRecord.objects.all()
    assert opened.enrollment_id == ours.pk
    assert _who(opened) == (staff, None)


def test_a_promotion_to_another_intakes_term_or_backwards_says_why(september_intake, terms):
    with pytest.raises(ValidationError) as refused:
        services.cohort_promote(from_term=terms[1], to_term=terms[0])
    assert refused.value.messages == [
        f"Students are promoted to a later term of the same intake: {terms[0]} is not one."
    ]


def test_records_still_in_progress_are_counted_in_the_refusal(september_intake, terms, fill):
    students = fill(september_intake, 3)
    for student in students:
        record(student, terms[0], result=Result.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.cohort_promote(from_term=terms[0], to_term=terms[1])
    assert refused.value.messages == [
        "3 records of Year 1, semester 1 are still in progress: record each student's result "
        "before promoting."
    ]
    TermRecord.objects.filter(enrollment__in=students[1:]).update(result=Result.PASSED)
    with pytest.raises(ValidationError) as refused:
        services.cohort_promote(from_term=terms[0], to_term=terms[1])
    assert refused.value.messages == [
        "1 record of Year 1, semester 1 is still in progress: record each student's result "
        "before promoting."
    ]


def test_a_withdrawn_or_already_moved_student_does_not_stop_the_others(
    september_intake, terms, fill, staff
):
    """Records are read in enrollment order: the first is withdrawn, the second already has
    its next record, the rest still move on, by whom it says."""
    left, moved, *rest = fill(september_intake, 5)
    record(left, terms[1], result=Result.WITHDRAWN)
    record(moved, terms[1], result=Result.PASSED)
    record(moved, terms[2], year=2)
    passed, repeat_one, repeat_two = rest
    record(passed, terms[1], result=Result.PASSED)
    record(repeat_one, terms[1], result=Result.REPEAT)
    record(repeat_two, terms[1], result=Result.REPEAT)
    result = services.cohort_promote(from_term=terms[1], to_term=terms[2], by=staff)
    assert (result.promoted, result.repeating, result.finished) == (1, 2, 0)
    made = TermRecord.objects.filter(term=terms[2]).exclude(enrollment=moved)
    assert sorted(r.enrollment_id for r in made) == sorted(e.pk for e in rest)
    assert {_who(r) for r in made} == {(staff, None)}


def test_every_student_who_passed_the_final_year_is_counted_finished(september_intake, terms, fill):
    students = fill(september_intake, 3)
    for student in students:
        record(student, terms[7], year=4, result=Result.PASSED)
    # A term after the final year's last (a programme taught longer than planned).
    after = terms[7].start_date + datetime.timedelta(days=182)
    later = Term.objects.create(
        intake=september_intake,
        name="Extra term",
        number=9,
        year=5,
        start_date=after,
        end_date=after + datetime.timedelta(days=150),
    )
    result = services.cohort_promote(from_term=terms[7], to_term=later)
    assert (result.promoted, result.repeating, result.finished) == (0, 0, 3)


def test_completing_says_who_and_refuses_a_student_not_enrolled(september_intake, fill, staff):
    (student,) = fill(september_intake, 1)
    done = services.enrollment_complete(enrollment=student, on=datetime.date(2031, 7, 1), by=staff)
    assert _who(done) == (staff, "Completed")
    with pytest.raises(ValidationError) as refused:
        services.enrollment_complete(enrollment=done, on=datetime.date(2031, 7, 2))
    assert refused.value.message_dict == {
        "status": ["Only an enrolled student completes; this one is completed."]
    }


def test_a_refused_completion_is_keyed_to_the_status(september_intake, terms, fill):
    (student,) = fill(september_intake, 1)
    record(student, terms[3], year=2, result=Result.PASSED)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_complete(enrollment=student, on=terms[3].end_date)
    assert set(refused.value.message_dict) == {"status"}

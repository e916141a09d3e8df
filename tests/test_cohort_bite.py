"""A cohort's life at its edges, each found unchecked by mutation testing: who opened or
moved a record, the exact refusals, every row counted (not just the first), and a withdrawn
or already-moved student in the middle of the list."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Disbursement, Enrollment, ExitReason, Term, TermRecord
from programs.services.cohort import _create_record

from .cohort import Result, Status, record
from .factories import EnrollmentFactory, IntakeFactory
from .money import cost_and_split, costed_intake

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


def test_an_exit_without_a_reason_or_a_day_from_a_finished_enrollment_says_each(september_intake):
    completed = EnrollmentFactory(intake=september_intake, status=Status.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_exit(enrollment=completed, reason="bored", on=None)
    assert refused.value.message_dict == {
        "exit_reason": ["Choose one of the exit reasons."],
        "exit_date": ["Enter the day the student left."],
        "status": ["This enrollment is already completed."],
    }
    assert Enrollment.objects.get(pk=completed.pk).status == Status.COMPLETED


@pytest.mark.parametrize("note", ["", "Moved to Nairobi with her family"])
def test_an_exit_says_why_and_by_whom_and_cancels_her_payments_in_that_name(
    september_intake, joint_scholarship, staff, note
):
    cost_and_split(joint_scholarship, "1000.00", "50", "50")
    terms, (student,) = costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    on = terms[0].start_date - datetime.timedelta(days=1)
    left = services.enrollment_exit(
        enrollment=student, reason=ExitReason.FINANCIAL, on=on, by=staff, note=note
    )
    assert (left.status, left.exit_reason, left.exit_date) == (
        Status.WITHDRAWN,
        ExitReason.FINANCIAL,
        on,
    )
    assert _who(left) == (staff, note or "Left: Financial")
    cancelled = Disbursement.history.filter(history_change_reason="Cancelled: the student left")
    assert cancelled.count() == 4 and {row.history_user for row in cancelled} == {staff}


def test_a_record_made_twice_for_one_term_is_made_once(september_intake, terms, fill):
    """Two promotions at once: the second insert meets the unique record and says so."""
    (student,) = fill(september_intake, 1)
    made = [
        _create_record(enrollment=student, term=terms[0], year=1, standing="good", by=None)
        for _ in range(2)
    ]
    assert made == [True, False]
    assert TermRecord.objects.filter(enrollment=student, term=terms[0]).count() == 1


def test_a_finished_or_no_longer_enrolled_student_first_does_not_stop_the_others(
    september_intake, terms, fill
):
    finished, completed, passed, repeat = fill(september_intake, 4)
    record(finished, terms[5], year=4, result=Result.PASSED)  # a final-year record in year 3
    record(completed, terms[5], year=3, result=Result.PASSED)
    Enrollment.objects.filter(pk=completed.pk).update(status=Status.COMPLETED)
    record(passed, terms[5], year=3, result=Result.PASSED)
    record(repeat, terms[5], year=3, result=Result.REPEAT)
    result = services.cohort_promote(from_term=terms[5], to_term=terms[7])
    assert (result.promoted, result.repeating, result.finished) == (1, 1, 1)
    moved = dict(
        TermRecord.objects.filter(term=terms[7]).values_list("enrollment_id", "year_of_study")
    )
    assert moved == {passed.pk: 4, repeat.pk: 3}


def test_the_next_term_is_the_next_by_number_in_the_same_intake(september_intake, terms):
    other = IntakeFactory(name="January 2028", start_date=september_intake.start_date)
    Term.objects.create(
        intake=other,
        name="Their semester",
        number=2,
        year=1,
        start_date=terms[0].start_date,
        end_date=terms[0].end_date,
    )
    assert services.next_term(terms[0]) == terms[1]
    assert services.next_term(terms[6]) == terms[7]
    assert services.next_term(terms[7]) is None

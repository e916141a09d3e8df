"""A cohort's life: term records, promotion, exits and completion, each rule at its boundary."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Enrollment, TermRecord

from .cohort import Result, Status, make_terms, record
from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_the_first_term_opens_a_record_for_each_enrolled_student_only(
    september_intake, terms, fill
):
    enrolled = fill(september_intake, 3)
    EnrollmentFactory(intake=september_intake, status=Status.OFFERED)
    assert services.term_start(term=terms[0]) == 3
    assert services.term_start(term=terms[0]) == 0  # again: nothing more
    records = TermRecord.objects.filter(term=terms[0])
    assert sorted(r.enrollment_id for r in records) == sorted(e.pk for e in enrolled)
    assert {(r.year_of_study, r.standing, r.result) for r in records} == {
        (1, "good", "in_progress")
    }


def test_promotion_is_refused_while_one_record_is_in_progress(september_intake, terms, fill):
    first, second = fill(september_intake, 2)
    record(first, terms[0], result=Result.PASSED)
    record(second, terms[0], result=Result.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.cohort_promote(from_term=terms[0], to_term=terms[1])
    assert "1 record of Year 1, semester 1 is still in progress" in refused.value.messages[0]
    assert not TermRecord.objects.filter(term=terms[1]).exists()


def test_promotion_moves_passed_up_keeps_repeat_and_drops_withdrawn(september_intake, terms, fill):
    passed, repeating, left = fill(september_intake, 3)
    # The last term of year 1 to the first of year 2.
    record(passed, terms[1], result=Result.PASSED, standing="probation")
    record(repeating, terms[1], result=Result.REPEAT)
    record(left, terms[1], result=Result.WITHDRAWN)
    result = services.cohort_promote(from_term=terms[1], to_term=terms[2])
    assert (result.promoted, result.repeating, result.finished) == (1, 1, 0)
    made = {r.enrollment_id: r for r in TermRecord.objects.filter(term=terms[2])}
    assert set(made) == {passed.pk, repeating.pk}
    assert made[passed.pk].year_of_study == 2
    assert made[passed.pk].standing == "probation"  # carried until staff change it
    assert made[repeating.pk].year_of_study == 1
    assert made[passed.pk].result == Result.IN_PROGRESS


def test_semester_one_to_semester_two_keeps_the_year_of_study(september_intake, terms, fill):
    (student,) = fill(september_intake, 1)
    record(student, terms[0], result=Result.PASSED)
    services.cohort_promote(from_term=terms[0], to_term=terms[1])
    assert TermRecord.objects.get(term=terms[1]).year_of_study == 1


def test_promoting_twice_changes_nothing_more(september_intake, terms, fill):
    students = fill(september_intake, 4)
    for student in students:
        record(student, terms[0], result=Result.PASSED)
    first = services.cohort_promote(from_term=terms[0], to_term=terms[1])
    second = services.cohort_promote(from_term=terms[0], to_term=terms[1])
    assert (first.promoted, second.promoted) == (4, 0)
    assert TermRecord.objects.filter(term=terms[1]).count() == 4


def test_a_student_who_passed_the_final_year_gets_no_new_record(september_intake, fill):
    # An intake with a fifth year of terms, for those who repeat.
    terms = make_terms(september_intake, years=5)
    finished, repeater = fill(september_intake, 2)
    record(finished, terms[7], year=4, result=Result.PASSED)
    record(repeater, terms[7], year=3, result=Result.PASSED)
    result = services.cohort_promote(from_term=terms[7], to_term=terms[8])
    assert (result.promoted, result.repeating, result.finished) == (1, 0, 1)
    assert [r.enrollment_id for r in TermRecord.objects.filter(term=terms[8])] == [repeater.pk]


@pytest.mark.parametrize("later", [False, True])
def test_promotion_goes_to_a_later_term_of_the_same_intake(september_intake, terms, later):
    from .factories import IntakeFactory

    other = make_terms(IntakeFactory(start_date=september_intake.start_date))
    target = other[1] if later else terms[0]
    with pytest.raises(ValidationError, match="later term of the same intake"):
        services.cohort_promote(from_term=terms[0], to_term=target)


def test_only_an_enrolled_student_gets_a_new_record(september_intake, terms, fill):
    (student,) = fill(september_intake, 1, status=Status.OFFERED)
    with pytest.raises(ValidationError, match="Only an enrolled student"):
        TermRecord(enrollment=student, term=terms[0], year_of_study=1).full_clean()


def test_an_exit_records_reason_date_and_withdraws_the_terms_record(september_intake, terms, fill):
    (student,) = fill(september_intake, 1)
    record(student, terms[0], result=Result.PASSED)
    current = record(student, terms[1])
    on = terms[1].start_date + datetime.timedelta(days=10)
    services.enrollment_exit(enrollment=student, reason="financial", on=on)
    student.refresh_from_db()
    current.refresh_from_db()
    assert (student.status, student.exit_reason, student.exit_date) == (
        Status.WITHDRAWN,
        "financial",
        on,
    )
    assert current.result == Result.WITHDRAWN
    assert TermRecord.objects.get(term=terms[0]).result == Result.PASSED


@pytest.mark.parametrize(
    ("reason", "on"), [("", datetime.date(2027, 10, 1)), ("financial", None), ("gone", None)]
)
def test_an_exit_without_a_reason_or_a_date_is_refused(september_intake, fill, reason, on):
    (student,) = fill(september_intake, 1)
    with pytest.raises(ValidationError):
        services.enrollment_exit(enrollment=student, reason=reason, on=on)
    student.refresh_from_db()
    assert (student.status, student.exit_reason) == (Status.ENROLLED, "")


def test_withdrawing_an_enrolled_student_through_a_status_change_needs_reason_and_date(
    september_intake, fill
):
    (student,) = fill(september_intake, 1)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_set_status(enrollment=student, status=Status.WITHDRAWN)
    assert "never leaves without a reason and a date" in refused.value.messages[0]
    services.enrollment_set_status(
        enrollment=student,
        status=Status.WITHDRAWN,
        exit_reason="health",
        exit_date=datetime.date(2027, 10, 2),
    )
    assert Enrollment.objects.get(pk=student.pk).exit_reason == "health"


def test_an_applicant_withdraws_without_a_reason(september_intake):
    applicant = EnrollmentFactory(intake=september_intake, status=Status.APPLIED)
    services.enrollment_set_status(enrollment=applicant, status=Status.WITHDRAWN)
    assert Enrollment.objects.get(pk=applicant.pk).status == Status.WITHDRAWN


def test_back_from_a_withdrawal_the_exit_is_cleared(september_intake, fill):
    (student,) = fill(september_intake, 1)
    services.enrollment_exit(enrollment=student, reason="health", on=datetime.date(2027, 10, 2))
    services.enrollment_set_status(enrollment=student, status=Status.ENROLLED)
    student.refresh_from_db()
    assert (student.exit_reason, student.exit_date) == ("", None)


def test_completion_needs_a_passed_final_year_where_the_intake_has_terms(
    september_intake, terms, fill
):
    done, behind = fill(september_intake, 2)
    record(done, terms[7], year=4, result=Result.PASSED)
    record(behind, terms[7], year=3, result=Result.PASSED)
    on = terms[7].end_date
    services.enrollment_complete(enrollment=done, on=on)
    with pytest.raises(ValidationError, match="passed the final year"):
        services.enrollment_complete(enrollment=behind, on=on)
    done.refresh_from_db()
    behind.refresh_from_db()
    assert (done.status, done.completed_on) == (Status.COMPLETED, on)
    assert (behind.status, behind.completed_on) == (Status.ENROLLED, None)


def test_completion_in_the_final_year_not_yet_passed_is_refused(september_intake, terms, fill):
    (student,) = fill(september_intake, 1)
    record(student, terms[7], year=4, result=Result.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.enrollment_complete(enrollment=student, on=terms[7].end_date)
    # The same rule through a plain status change (the admin's form, a script).
    with pytest.raises(ValidationError):
        services.enrollment_set_status(enrollment=student, status=Status.COMPLETED)


def test_an_intake_without_terms_completes_as_before(september_intake, fill):
    (student,) = fill(september_intake, 1)
    services.enrollment_complete(enrollment=student, on=datetime.date(2031, 7, 1))
    assert Enrollment.objects.get(pk=student.pk).completed_on == datetime.date(2031, 7, 1)

"""Which year is final, and what a refused completion or exit says, at the services (found
unchecked by mutation testing: every programme in the other tests lasts 4 years and has 4
years of terms, so the two ways of knowing the final year always agreed)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Enrollment, TermRecord
from programs.services.lifecycle import withdrawal_message

from .cohort import make_terms, record
from .factories import EnrollmentFactory

Status = Enrollment.Status
Result = TermRecord.Result

pytestmark = pytest.mark.django_db


def _programme_months(intake, months):
    intake.program.duration_months = months
    intake.program.save()


def test_without_a_programme_length_the_intakes_last_year_of_terms_is_final(september_intake, fill):
    _programme_months(september_intake, None)
    terms = make_terms(september_intake, years=2)
    early, done = fill(september_intake, 2)
    early.student.first_name, early.student.last_name = "Aline", "Mukamana"
    early.student.save()
    record(early, terms[1], year=1, result=Result.PASSED)
    record(done, terms[3], year=2, result=Result.PASSED)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_complete(enrollment=early, on=terms[1].end_date)
    assert refused.value.messages == [
        "Only a student who passed the final year (year 2) completes: "
        "Aline Mukamana's last term record is Passed in year 1."
    ]
    services.enrollment_complete(enrollment=done, on=terms[3].end_date)
    assert Enrollment.objects.get(pk=early.pk).status == Status.ENROLLED
    assert Enrollment.objects.get(pk=done.pk).status == Status.COMPLETED


def test_the_programmes_length_wins_over_the_terms_entered_so_far(september_intake, fill):
    """A two-year programme whose intake has only its first year of terms entered: passing
    year 1 does not complete it; the final year is 2."""
    _programme_months(september_intake, 24)
    terms = make_terms(september_intake, years=1)
    (student,) = fill(september_intake, 1)
    record(student, terms[1], year=1, result=Result.PASSED)
    with pytest.raises(ValidationError, match=r"final year \(year 2\)"):
        services.enrollment_complete(enrollment=student, on=terms[1].end_date)
    assert Enrollment.objects.get(pk=student.pk).status == Status.ENROLLED


def test_a_completion_with_no_term_record_says_it_is_missing(september_intake, fill):
    make_terms(september_intake, years=4)
    (student,) = fill(september_intake, 1)
    student.student.first_name, student.student.last_name = "Eric", "Habimana"
    student.student.save()
    with pytest.raises(ValidationError) as refused:
        services.enrollment_complete(enrollment=student, on=datetime.date(2031, 7, 1))
    assert refused.value.messages == [
        "Only a student who passed the final year (year 4) completes: "
        "Eric Habimana's last term record is missing."
    ]


def test_a_withdrawal_without_its_date_says_what_to_do(september_intake, fill):
    (student,) = fill(september_intake, 1)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_set_status(
            enrollment=student, status=Status.WITHDRAWN, exit_reason="health"
        )
    assert refused.value.message_dict == {
        "exit_date": [
            "An enrolled student never leaves without a reason and a date: choose the exit "
            "reason and enter the exit date to record this withdrawal."
        ]
    }


def test_a_bulk_withdrawal_records_the_reason_and_day_on_each_or_refuses_each(september_intake):
    students = EnrollmentFactory.create_batch(2, intake=september_intake, status=Status.ENROLLED)
    refused = services.enrollment_bulk_set_status(enrollments=students, status=Status.WITHDRAWN)
    assert [(e.pk, why) for e, why in refused.refused] == [
        (e.pk, withdrawal_message()) for e in sorted(students, key=lambda e: (e.created_at, e.pk))
    ]
    day = datetime.date(2027, 10, 1)
    done = services.enrollment_bulk_set_status(
        enrollments=students, status=Status.WITHDRAWN, exit_reason="financial", exit_date=day
    )
    assert len(done.changed) == 2 and not done.refused
    rows = Enrollment.objects.filter(pk__in=[e.pk for e in students])
    assert set(rows.values_list("status", "exit_reason", "exit_date")) == {
        (Status.WITHDRAWN, "financial", day)
    }


def test_an_offer_withdrawn_needs_no_reason_but_an_enrolled_student_does(september_intake):
    """The form's check reads the status before the change from the database."""
    offered = EnrollmentFactory(intake=september_intake, status=Status.OFFERED)
    offered.status = Status.WITHDRAWN
    services.enrollment_check(enrollment=offered)  # no error
    enrolled = EnrollmentFactory(intake=september_intake, status=Status.ENROLLED)
    enrolled.status = Status.WITHDRAWN
    with pytest.raises(ValidationError) as refused:
        services.enrollment_check(enrollment=enrolled)
    assert refused.value.message_dict == {"exit_reason": [withdrawal_message()]}


def _results(student) -> list[str]:
    return list(
        TermRecord.objects.filter(enrollment=student)
        .order_by("term__number")
        .values_list("result", flat=True)
    )


def test_leaving_during_a_term_withdraws_that_terms_record_not_the_last_one(september_intake):
    terms = make_terms(september_intake, years=1)
    student = EnrollmentFactory(intake=september_intake, status=Status.ENROLLED)
    record(student, terms[0], result=Result.PASSED)
    record(student, terms[1], result=Result.IN_PROGRESS)
    during_the_first = terms[0].start_date + datetime.timedelta(days=10)
    services.enrollment_exit(enrollment=student, reason="health", on=during_the_first)
    assert _results(student) == [Result.WITHDRAWN, Result.IN_PROGRESS]


def test_leaving_outside_every_term_withdraws_the_last_record_in_progress(september_intake):
    terms = make_terms(september_intake, years=1)
    student = EnrollmentFactory(intake=september_intake, status=Status.ENROLLED)
    record(student, terms[0], result=Result.IN_PROGRESS)
    record(student, terms[1], result=Result.IN_PROGRESS)
    before_the_first = terms[0].start_date - datetime.timedelta(days=5)
    services.enrollment_exit(enrollment=student, reason="health", on=before_the_first)
    assert _results(student) == [Result.IN_PROGRESS, Result.WITHDRAWN]

"""outcome_record's edges at the service, each found unchecked by mutation testing: what is
kept of a description and a reason, the words staff read on a refusal, and which outcomes
count as the same one (same person, kind, organisation and day)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs import services
from programs.models import Outcome

from .factories import OrganisationFactory, StudentFactory

pytestmark = pytest.mark.django_db
Kind = Outcome.Kind
DAY = datetime.date(2026, 11, 30)


def test_an_outcome_keeps_its_description_and_who_recorded_it_why(staff):
    student = StudentFactory(first_name="Aline", last_name="Uwase")
    outcome = services.outcome_record(
        student=student,
        kind=Kind.VENTURE_FOUNDED,
        description="Founded a cross-border shop.",
        recorded_on=DAY,
        by=staff,
        reason="Follow-up call",
    )
    outcome.refresh_from_db()
    assert outcome.student == student
    assert outcome.description == "Founded a cross-border shop."
    row = outcome.history.first()
    assert (row.history_change_reason, row.history_user) == ("Follow-up call", staff)


def test_without_a_description_or_a_reason_none_is_invented(staff):
    outcome = services.outcome_record(
        student=StudentFactory(), kind=Kind.JOB, recorded_on=DAY, by=staff
    )
    outcome.refresh_from_db()
    assert outcome.description == ""
    assert outcome.history.first().history_change_reason is None


def test_nothing_is_added_for_an_erased_student_and_staff_are_told_why():
    student = StudentFactory(erased_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.outcome_record(student=student, kind=Kind.JOB, recorded_on=DAY)
    assert refused.value.messages == [
        "This student's personal data was erased; nothing can be added."
    ]
    assert not Outcome.objects.exists()


def test_the_same_outcome_again_is_refused_in_words_naming_the_student_and_the_outcome():
    student = StudentFactory(first_name="Aline", last_name="Uwase")
    venture = OrganisationFactory(name="Kigali Crafts Online")
    services.outcome_record(
        student=student, kind=Kind.VENTURE_FOUNDED, organisation=venture, recorded_on=DAY
    )
    with pytest.raises(ValidationError) as refused:
        services.outcome_record(
            student=student, kind=Kind.VENTURE_FOUNDED, organisation=venture, recorded_on=DAY
        )
    assert refused.value.messages == [
        "This outcome is already recorded for Aline Uwase (Venture founded (2026-11-30))."
    ]
    assert Outcome.objects.count() == 1


def test_another_kind_organisation_or_day_is_another_outcome():
    """Each of the four parts of 'the same outcome' matters: change one and it is recorded."""
    student = StudentFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    services.outcome_record(
        student=student, kind=Kind.VENTURE_FOUNDED, organisation=first, recorded_on=DAY
    )
    services.outcome_record(student=student, kind=Kind.JOB, organisation=first, recorded_on=DAY)
    services.outcome_record(
        student=student, kind=Kind.VENTURE_FOUNDED, organisation=second, recorded_on=DAY
    )
    services.outcome_record(
        student=student,
        kind=Kind.VENTURE_FOUNDED,
        organisation=first,
        recorded_on=DAY + datetime.timedelta(days=1),
    )
    services.outcome_record(
        student=StudentFactory(), kind=Kind.VENTURE_FOUNDED, organisation=first, recorded_on=DAY
    )
    assert Outcome.objects.count() == 5

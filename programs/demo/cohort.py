"""The demo's earlier cohort followed through two years of terms (seed_demo)."""

from __future__ import annotations

import datetime

from programs import services
from programs.models import Enrollment, Intake, Term, TermRecord


def follow_two_years(intake: Intake) -> None:
    """Four terms for `intake`, started and promoted through the services: every student passes
    but one who repeats year 1, one leaves for financial reasons, one is on probation in year 2."""
    dates = [
        (1, (2025, 9, 8), (2026, 1, 30)),
        (1, (2026, 2, 16), (2026, 7, 10)),
        (2, (2026, 9, 7), (2027, 1, 29)),
        (2, (2027, 2, 15), (2027, 7, 9)),
    ]
    terms = []
    for number, (year, start, end) in enumerate(dates, start=1):
        term = Term(
            intake=intake,
            name=f"Year {year}, semester {2 - number % 2}",
            number=number,
            year=year,
            start_date=datetime.date(*start),
            end_date=datetime.date(*end),
        )
        term.full_clean()
        term.save()
        terms.append(term)
    services.term_start(term=terms[0])
    _results(terms[0], {})
    services.cohort_promote(from_term=terms[0], to_term=terms[1])
    leaving, repeating, *_rest = list(intake.enrollments.select_related("student").order_by("pk"))
    services.enrollment_exit(
        enrollment=leaving,
        reason=Enrollment.ExitReason.FINANCIAL,
        on=datetime.date(2026, 3, 20),
        note="Demo data",
    )
    _results(terms[1], {repeating.pk: TermRecord.Result.REPEAT})
    services.cohort_promote(from_term=terms[1], to_term=terms[2])
    on_probation = TermRecord.objects.filter(term=terms[2], year_of_study=2).order_by("pk")[0]
    on_probation.standing = TermRecord.Standing.PROBATION
    on_probation.save()


def _results(term: Term, special: dict[int, str]) -> None:
    """Every record of the term still in progress passes, except those named."""
    for record in TermRecord.objects.filter(term=term, result=TermRecord.Result.IN_PROGRESS):
        record.result = special.get(record.enrollment_id, TermRecord.Result.PASSED)
        record.save()

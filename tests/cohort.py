"""Terms for a four-year degree intake: two semesters a year, from the intake's start."""

from __future__ import annotations

import datetime

from programs.models import Enrollment, Intake, Term, TermRecord

Status = Enrollment.Status
Result = TermRecord.Result


def make_terms(intake: Intake, years: int = 4) -> list[Term]:
    terms: list[Term] = []
    start = intake.start_date
    for year in range(1, years + 1):
        for semester in (1, 2):
            offset = (year - 1) * 365 + (semester - 1) * 182
            begins = start + datetime.timedelta(days=offset)
            terms.append(
                Term.objects.create(
                    intake=intake,
                    name=f"Year {year}, semester {semester}",
                    number=len(terms) + 1,
                    year=year,
                    start_date=begins,
                    end_date=begins + datetime.timedelta(days=150),
                )
            )
    return terms


def record(enrollment: Enrollment, term: Term, *, year: int | None = None, **fields) -> TermRecord:
    return TermRecord.objects.create(
        enrollment=enrollment, term=term, year_of_study=year or term.year, **fields
    )

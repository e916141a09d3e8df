"""A cohort's figures: who studies in each term (by year of study and standing), who left and
why, retention and graduation rates, for the intake and per funding source. A fixed number of
queries whatever the number of students or terms.

"Ever enrolled" counts enrolled and completed students and those who left after enrolling:
withdrawn with an exit reason other than a declined or expired offer (rule 6 gives every
enrolled student who leaves a reason, and an applicant who withdraws has none)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..models import Enrollment, ExitReason, FundingSource, Intake, Term, TermRecord

Status = Enrollment.Status
NOT_AN_ENROLLMENT_EXIT = ("", ExitReason.DECLINED_OFFER, ExitReason.OFFER_EXPIRED)


def ever_enrolled_q() -> Q:
    return Q(status__in=[Status.ENROLLED, Status.COMPLETED]) | (
        Q(status=Status.WITHDRAWN) & ~Q(exit_reason__in=NOT_AN_ENROLLMENT_EXIT)
    )


def rate_text(part: int, whole: int) -> str:
    """A percentage with one decimal, or a dash when nobody was ever enrolled."""
    if whole <= 0:
        return "–"
    return f"{100 * part / whole:.1f} %"


@dataclass
class Rates:
    label: str
    ever_enrolled: int = 0
    studying: int = 0
    completed: int = 0

    @property
    def retained(self) -> int:
        return self.studying + self.completed

    @property
    def left(self) -> int:
        return self.ever_enrolled - self.retained

    @property
    def retention(self) -> str:
        return rate_text(self.retained, self.ever_enrolled)

    @property
    def graduation(self) -> str:
        return rate_text(self.completed, self.ever_enrolled)


@dataclass
class TermRow:
    term: Term
    studying: int
    # (year of study, standing) → students studying (every result but withdrawn).
    cells: dict[tuple[int, str], int]
    years: list[int]

    def table(self) -> Iterator[tuple[int, list[int], int]]:
        """Per year of study: the counts per standing, in Standing's order, and the total."""
        for year in self.years:
            counts = [self.cells.get((year, s), 0) for s in TermRecord.Standing.values]
            yield year, counts, sum(counts)


@dataclass
class CohortSummary:
    intake: Intake
    terms: list[TermRow]
    exits: list[tuple[str, int]]
    total: Rates
    by_source: list[Rates] = field(default_factory=list)

    @property
    def standings(self) -> list[str]:
        return [str(label) for label in TermRecord.Standing.labels]


def cohort_summary(intake: Intake) -> CohortSummary:
    """Four queries: terms, records per term/year/standing, enrollments per status/reason/source,
    the sources' names."""
    terms = list(Term.objects.filter(intake=intake).order_by("number"))
    cells: dict[int, Counter[tuple[int, str]]] = {}
    rows = (
        TermRecord.objects.filter(term__intake=intake)
        .exclude(result=TermRecord.Result.WITHDRAWN)
        .values("term_id", "year_of_study", "standing")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        cells.setdefault(row["term_id"], Counter())[(row["year_of_study"], row["standing"])] += row[
            "n"
        ]
    term_rows = []
    for term in terms:
        counter = cells.get(term.pk, Counter())
        term_rows.append(
            TermRow(
                term=term,
                studying=counter.total(),
                cells=dict(counter),
                years=sorted({year for year, _standing in counter}),
            )
        )
    total = Rates("All students")
    per_source: dict[int | None, Rates] = {}
    exits: Counter[str] = Counter()
    counts = (
        Enrollment.objects.filter(intake=intake)
        .filter(ever_enrolled_q())
        .values("status", "exit_reason", "funding_source_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counts:
        n = row["n"]
        source_rates = per_source.setdefault(row["funding_source_id"], Rates(""))
        for rates in (total, source_rates):
            rates.ever_enrolled += n
            if row["status"] == Status.ENROLLED:
                rates.studying += n
            elif row["status"] == Status.COMPLETED:
                rates.completed += n
        if row["status"] == Status.WITHDRAWN:
            exits[row["exit_reason"]] += n
    names = dict(
        FundingSource.objects.filter(pk__in=[pk for pk in per_source if pk]).values_list(
            "pk", "name"
        )
    )
    by_source = []
    unfunded = "Without a funding source"
    for pk, rates in sorted(per_source.items(), key=lambda item: names.get(item[0] or 0, "~")):
        rates.label = names.get(pk, unfunded) if pk else unfunded
        by_source.append(rates)
    exit_rows = [
        (str(ExitReason(reason).label), exits[reason])
        for reason in ExitReason.values
        if exits.get(reason)
    ]
    return CohortSummary(
        intake=intake, terms=term_rows, exits=exit_rows, total=total, by_source=by_source
    )


COHORT_COLUMNS = [
    "Student",
    "Email",
    "Programme",
    "Intake",
    "Status",
    "Funding source",
    "Year of study",
    "Term",
    "Standing",
    "Result",
    "Exit reason",
    "Exit date",
    "Completed on",
    "Offer expires on",
]


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def cohort_rows(intake: Intake) -> Iterator[list[str]]:
    """One row per enrollment of the intake with its latest term record. Two queries."""
    enrollments = (
        Enrollment.objects.filter(intake=intake)
        .select_related("student", "intake__program", "funding_source")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    records: dict[int, TermRecord] = {}
    for record in (
        TermRecord.objects.filter(term__intake=intake)
        .select_related("term")
        .order_by("enrollment_id", "term__number")
    ):
        records[record.enrollment_id] = record  # the last one wins: the latest term
    for enrollment in enrollments:
        latest = records.get(enrollment.pk)
        yield [
            enrollment.student.full_name,
            enrollment.student.email,
            enrollment.intake.program.name,
            enrollment.intake.name,
            str(enrollment.get_status_display()),
            enrollment.funding_source.name if enrollment.funding_source else "",
            str(latest.year_of_study) if latest else "",
            latest.term.name if latest else "",
            str(latest.get_standing_display()) if latest else "",
            str(latest.get_result_display()) if latest else "",
            str(enrollment.get_exit_reason_display()) if enrollment.exit_reason else "",
            _iso(enrollment.exit_date),
            _iso(enrollment.completed_on),
            _iso(enrollment.offer_expires_on),
        ]

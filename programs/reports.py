"""Read-only selectors for the staff's reports: the funder report and the intake dashboard.

Each runs a fixed number of queries whatever the number of intakes, sources or students.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from .models import Enrollment, FundingShare, FundingSource, Intake, IntakeFunding
from .selectors import occupancy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> float:
    """Share of a bar, capped at 100 so a bar never overflows its track."""
    if whole <= 0:
        return 100.0 if part > 0 else 0.0
    return min(100.0, round(100 * part / whole, 1))


@dataclass
class Bar:
    label: str
    value: int
    total: int
    text: str  # the same information in words, for screen readers and for print

    @property
    def percent(self) -> float:
        return _percent(self.value, self.total)


# --- funder report -------------------------------------------------------------------------


@dataclass
class FundedStudent:
    first_name: str
    last_name: str
    email: str
    status: str
    enrollment_id: int
    # (year of study, standing label) of the latest term record; set by the funder report page.
    progress: tuple[int, str] | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def status_label(self) -> StrOrPromise:
        return Enrollment.Status(self.status).label


@dataclass
class CoFunderAmount:
    name: str
    share: Decimal | None
    amount: Decimal | None  # None when the share is not given or the cost is not recorded

    @property
    def share_text(self) -> str:
        if self.share is None:
            return "share not given"
        return f"{self.share.normalize():f}%"


@dataclass
class IntakeLine:
    """One funding source in one intake."""

    intake: Intake
    places: int
    filled: int
    cost_per_place: Decimal | None
    currency: str
    co_funders: list[CoFunderAmount]
    students: list[FundedStudent] = field(default_factory=list)
    # False when the report covers too many students to list (funder_report's student_limit).
    students_listed: bool = True
    # The cohort part (selectors.funder_cohort.LineCohort); set by the funder report page.
    cohort: object = None

    @property
    def left(self) -> int:
        return max(self.places - self.filled, 0)

    @property
    def committed_total(self) -> Decimal | None:
        if self.cost_per_place is None:
            return None
        return _money(self.filled * self.cost_per_place)

    @property
    def bar(self) -> Bar:
        return Bar(
            str(self.intake),
            self.filled,
            self.places,
            f"{self.filled} of {self.places} funded places filled ({self.left} left).",
        )


@dataclass
class SourceReport:
    source: FundingSource
    shares: list[FundingShare]
    lines: list[IntakeLine]

    @property
    def shares_given(self) -> bool:
        return bool(self.shares) and all(s.share_percent is not None for s in self.shares)

    @property
    def places(self) -> int:
        return sum(line.places for line in self.lines)

    @property
    def filled(self) -> int:
        return sum(line.filled for line in self.lines)

    @property
    def left(self) -> int:
        return sum(line.left for line in self.lines)

    @property
    def committed_total(self) -> Decimal | None:
        if self.source.cost_per_place is None:
            return None
        # Every line has the source's cost per place, so none of their totals is None.
        totals = [line.committed_total for line in self.lines]
        return _money(sum((total for total in totals if total is not None), Decimal("0")))

    @property
    def co_funder_totals(self) -> list[CoFunderAmount]:
        """Each co-funder's commitment over the intakes shown."""
        totals = []
        for index, share in enumerate(self.shares):
            amounts = [line.co_funders[index].amount for line in self.lines]
            known = [a for a in amounts if a is not None]
            amount = (
                _money(sum(known, Decimal("0"))) if known and len(known) == len(amounts) else None
            )
            totals.append(CoFunderAmount(share.partner.display_name, share.share_percent, amount))
        return totals


def _co_funder_amounts(
    source: FundingSource, shares: list[FundingShare], filled: int
) -> list[CoFunderAmount]:
    amounts = []
    for share in shares:
        amount = None
        if source.cost_per_place is not None and share.share_percent is not None:
            amount = _money(filled * source.cost_per_place * share.share_percent / 100)
        amounts.append(CoFunderAmount(share.partner.display_name, share.share_percent, amount))
    return amounts


def funder_report(
    *,
    funding_source: FundingSource | None = None,
    intake: Intake | None = None,
    with_students: bool = True,
    student_limit: int | None = None,
) -> list[SourceReport]:
    """Funded places per funding source and intake: places, filled, left, committed amounts.

    "Filled" counts seat-holding enrollments (offered, enrolled, completed) with that source.
    Five queries: sources, their co-funders, intake fundings, counts, funded students. The
    students are not read (four queries) when more than `student_limit` fill the places shown.
    """
    fundings_query = IntakeFunding.objects.select_related("intake__program").order_by(
        "funding_source__name", "-intake__start_date", "intake__program__name", "intake__name"
    )
    sources = FundingSource.objects.filter(intake_fundings__isnull=False).distinct()
    if funding_source is not None:
        fundings_query = fundings_query.filter(funding_source=funding_source)
        sources = sources.filter(pk=funding_source.pk)
    if intake is not None:
        fundings_query = fundings_query.filter(intake=intake)
        sources = sources.filter(intake_fundings__intake=intake)
    sources = sources.order_by("name").prefetch_related(
        Prefetch("shares", queryset=FundingShare.objects.select_related("partner").order_by("pk"))
    )
    fundings = list(fundings_query)
    intake_ids = {f.intake_id for f in fundings}
    filled = Counter(occupancy.funded_places_taken(intake_ids))
    students: dict[tuple[int, int], list[FundedStudent]] = {}
    if student_limit is not None and filled.total() > student_limit:
        with_students = False
    if with_students and fundings:
        rows = (
            Enrollment.objects.seat_holding()
            .filter(intake_id__in=intake_ids, funding_source__isnull=False)
            .order_by("student__last_name", "student__first_name", "pk")
            .values_list(
                "intake_id",
                "funding_source_id",
                "student__first_name",
                "student__last_name",
                "student__email",
                "status",
                "pk",
            )
        )
        for intake_id, source_id, first, last, email, status, pk in rows:
            students.setdefault((intake_id, source_id), []).append(
                FundedStudent(first, last, email, status, pk)
            )

    reports = []
    for source in sources:
        shares = list(source.shares.all())
        lines = []
        for funding in fundings:
            if funding.funding_source_id != source.pk:
                continue
            key = (funding.intake_id, source.pk)
            lines.append(
                IntakeLine(
                    intake=funding.intake,
                    places=funding.places,
                    filled=filled[key],
                    cost_per_place=source.cost_per_place,
                    currency=source.currency,
                    co_funders=_co_funder_amounts(source, shares, filled[key]),
                    students=students.get(key, []),
                    students_listed=with_students,
                )
            )
        reports.append(SourceReport(source=source, shares=shares, lines=lines))
    return reports


# --- intake dashboard ----------------------------------------------------------------------


@dataclass
class IntakeDashboard:
    intake: Intake
    seats: Bar
    funded: list[Bar]
    unfunded: Bar
    statuses: list[Bar]
    waitlist_length: int
    total_enrollments: int


def intake_dashboard(intake: Intake) -> IntakeDashboard:
    """Seats, funded places and statuses of one intake. Two queries."""
    status_counts = occupancy.status_counts(intake.pk)
    counts, held_by_source = status_counts.by_status, status_counts.held_by_source
    fundings = list(
        IntakeFunding.objects.filter(intake=intake)
        .select_related("funding_source")
        .order_by("funding_source__name")
    )
    taken = status_counts.seats_taken
    capacity = intake.capacity
    seats = Bar(
        "Seats",
        taken,
        capacity,
        f"{taken} of {capacity} seats taken ({max(capacity - taken, 0)} left).",
    )
    funded = []
    for funding in fundings:
        held = held_by_source[funding.funding_source_id]
        funded.append(
            Bar(
                funding.funding_source.name,
                held,
                funding.places,
                f"{funding.funding_source.name}: {held} of {funding.places} funded places "
                f"taken ({max(funding.places - held, 0)} left).",
            )
        )
    reserved = sum(f.places for f in fundings)
    open_seats = max(capacity - reserved, 0)
    unfunded_held = held_by_source[None]
    if open_seats == 0 and unfunded_held == 0:
        unfunded_text = f"All {capacity} seats are funded places; there are no self-funded seats."
    else:
        unfunded_text = (
            f"Self-funded seats (no funding source): {unfunded_held} of {open_seats} taken "
            f"({max(open_seats - unfunded_held, 0)} left)."
        )
    unfunded = Bar("Self-funded", unfunded_held, open_seats, unfunded_text)
    total = sum(counts.values())
    statuses = [
        Bar(
            str(status.label),
            counts[status.value],
            total,
            f"{status.label}: {counts[status.value]} of {total} enrollments.",
        )
        for status in Enrollment.Status
    ]
    return IntakeDashboard(
        intake=intake,
        seats=seats,
        funded=funded,
        unfunded=unfunded,
        statuses=statuses,
        waitlist_length=counts[Enrollment.Status.WAITLISTED],
        total_enrollments=total,
    )

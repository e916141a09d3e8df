"""The funder report: funded places per funding source and intake, told apart (enrolled,
completed, offered), and what the enrolled and completed students commit each co-funder to.

Five queries whatever the number of intakes, sources or students.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ..models import Enrollment, FundingShare, FundingSource, Intake, IntakeFunding
from ..services.money import split_cents
from . import occupancy
from .bars import Bar, _money

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SMALL_COUNT = 5  # rule 8: what is made for funders shows no count from 1 to 4 in a breakdown


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
            return str(_("share not given"))
        return f"{self.share.normalize():f}%"


def _count(n: int, for_funders: bool) -> str:
    """A count in a breakdown; made for funders, 1 to 4 is "fewer than 5" (rule 8)."""
    if for_funders and 0 < n < SMALL_COUNT:
        return str(_("fewer than 5"))
    return str(n)


def filled_words(taken: occupancy.Taken, *, for_funders: bool = False) -> str:
    """ "14 filled: 12 enrolled, 2 offered": offers hold a place but commit no money yet."""
    parts = [
        (taken.enrolled, _("%(n)s enrolled")),
        (taken.completed, _("%(n)s completed")),
        (taken.offered, _("%(n)s offered")),
    ]
    shown = [str(text) % {"n": _count(n, for_funders)} for n, text in parts if n]
    filled = str(_("%(n)s filled") % {"n": taken.total})
    return f"{filled}: {', '.join(shown)}" if shown else filled


@dataclass
class IntakeLine:
    """One funding source in one intake."""

    intake: Intake
    places: int
    taken: occupancy.Taken
    cost_per_place: Decimal | None
    currency: str
    co_funders: list[CoFunderAmount]
    students: list[FundedStudent] = field(default_factory=list)
    # False when the report covers too many students to list (funder_report's student_limit).
    students_listed: bool = True
    # The cohort part (selectors.funder_cohort.LineCohort); set by the funder report page.
    cohort: object = None

    @property
    def filled(self) -> int:
        """Seat-holding: offered, enrolled and completed."""
        return self.taken.total

    @property
    def committing(self) -> int:
        """Enrolled and completed: the students whose places commit money."""
        return self.taken.enrolled + self.taken.completed

    @property
    def left(self) -> int:
        return max(self.places - self.filled, 0)

    @property
    def committed_total(self) -> Decimal | None:
        if self.cost_per_place is None:
            return None
        return _money(self.committing * self.cost_per_place)

    @property
    def pending_total(self) -> Decimal | None:
        """What the offers would commit once accepted: shown apart, labelled pending."""
        if self.cost_per_place is None:
            return None
        return _money(self.taken.offered * self.cost_per_place)

    @property
    def filled_text(self) -> str:
        return filled_words(self.taken)

    @property
    def filled_text_for_funders(self) -> str:
        return filled_words(self.taken, for_funders=True)

    @property
    def bar(self) -> Bar:
        return Bar(
            str(self.intake),
            self.filled,
            self.places,
            str(
                _("%(filled)s of %(places)s funded places filled (%(left)s left).")
                % {"filled": self.filled, "places": self.places, "left": self.left}
            ),
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
    def taken(self) -> occupancy.Taken:
        return occupancy.Taken(
            offered=sum(line.taken.offered for line in self.lines),
            enrolled=sum(line.taken.enrolled for line in self.lines),
            completed=sum(line.taken.completed for line in self.lines),
        )

    @property
    def filled(self) -> int:
        return sum(line.filled for line in self.lines)

    @property
    def filled_text(self) -> str:
        return filled_words(self.taken)

    @property
    def filled_text_for_funders(self) -> str:
        return filled_words(self.taken, for_funders=True)

    @property
    def left(self) -> int:
        return sum(line.left for line in self.lines)

    def _sum(self, amounts: list[Decimal | None]) -> Decimal | None:
        if self.source.cost_per_place is None:
            return None
        # Every line has the source's cost per place, so none of their amounts is None.
        return _money(sum((a for a in amounts if a is not None), Decimal("0")))

    @property
    def committed_total(self) -> Decimal | None:
        return self._sum([line.committed_total for line in self.lines])

    @property
    def pending_total(self) -> Decimal | None:
        return self._sum([line.pending_total for line in self.lines])

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
    source: FundingSource, shares: list[FundingShare], committed: Decimal | None
) -> list[CoFunderAmount]:
    """Each co-funder's part of the committed amount, split to the cent by the largest
    remainder (as disbursements are), so the parts add up to exactly the total."""
    amounts: list[Decimal | None] = [None] * len(shares)
    if committed is not None and shares and all(s.share_percent is not None for s in shares):
        weights = [s.share_percent for s in shares]
        amounts = list(split_cents(committed, weights))  # type: ignore[arg-type]
    return [
        CoFunderAmount(share.partner.display_name, share.share_percent, amount)
        for share, amount in zip(shares, amounts, strict=True)
    ]


def funder_report(
    *,
    funding_source: FundingSource | None = None,
    intake: Intake | None = None,
    with_students: bool = True,
    student_limit: int | None = None,
) -> list[SourceReport]:
    """Funded places per funding source and intake: places, filled, left, committed amounts.

    "Filled" counts seat-holding enrollments with that source, told apart: enrolled and
    completed commit money (cost per place each); offered ones are pending. Five queries:
    sources, their co-funders, intake fundings, counts, funded students. The students are not
    read (four queries) when more than `student_limit` fill the places shown.
    """
    # A source of the kind "self-funded" reserves seats whose students pay: no funder, no
    # funded places, so it is not in the report.
    fundings_query = (
        IntakeFunding.objects.select_related("intake__program")
        .exclude(funding_source__kind=FundingSource.Kind.SELF)
        .order_by(
            "funding_source__name", "-intake__start_date", "intake__program__name", "intake__name"
        )
    )
    sources = (
        FundingSource.objects.filter(intake_fundings__isnull=False)
        .exclude(kind=FundingSource.Kind.SELF)
        .distinct()
    )
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
    taken = occupancy.places_taken(intake_ids)
    students: dict[tuple[int, int], list[FundedStudent]] = {}
    funded_total = sum(t.total for (_i, source_id), t in taken.items() if source_id is not None)
    if student_limit is not None and funded_total > student_limit:
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
            line = IntakeLine(
                intake=funding.intake,
                places=funding.places,
                taken=taken.get(key, occupancy.Taken()),
                cost_per_place=source.cost_per_place,
                currency=source.currency,
                co_funders=[],
                students=students.get(key, []),
                students_listed=with_students,
            )
            line.co_funders = _co_funder_amounts(source, shares, line.committed_total)
            lines.append(line)
        reports.append(SourceReport(source=source, shares=shares, lines=lines))
    return reports

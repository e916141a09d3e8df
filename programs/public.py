"""Selectors for the public pages: counts only, never a student's personal data.

Every function here issues a fixed number of queries, whatever the number of intakes, funding
sources or enrollments (the counts are annotations and grouped queries, never a query per row).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import (
    ApplicationStatus,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Program,
)
from .selectors.occupancy import funded_places_taken

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .selectors.annotated import IntakeWithCounts


class IntakeStatus:
    """The application statuses with their labels, for templates and tests."""

    UPCOMING = ApplicationStatus.UPCOMING
    OPEN = ApplicationStatus.OPEN
    CLOSED = ApplicationStatus.CLOSED
    FULL = ApplicationStatus.FULL

    labels = {status.value: status.label for status in ApplicationStatus}


@dataclass(frozen=True)
class FundedPlaces:
    funding_source: FundingSource
    places: int
    taken: int

    @property
    def left(self) -> int:
        return max(self.places - self.taken, 0)


@dataclass
class PublicIntake:
    """An intake with its live counts, as the public pages show it."""

    intake: Intake
    seats_taken: int
    funded: list[FundedPlaces] = field(default_factory=list)
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def capacity(self) -> int:
        return self.intake.capacity

    @property
    def seats_left(self) -> int:
        return max(self.intake.capacity - self.seats_taken, 0)

    @property
    def paid_for(self) -> list[FundedPlaces]:
        # Self-funded places are reserved seats, not places someone else pays for.
        return [f for f in self.funded if f.funding_source.kind != FundingSource.Kind.SELF]

    @property
    def funded_places(self) -> int:
        """Places paid for by a funder (not self-funded), for the summary."""
        return sum(f.places for f in self.paid_for)

    @property
    def funded_places_left(self) -> int:
        return sum(f.left for f in self.paid_for)

    @property
    def applications_are_open(self) -> bool:
        return self.intake.applications_are_open(self.today)

    @property
    def status(self) -> str:
        return self.intake.application_status(self.today, seats_taken=self.seats_taken)

    @property
    def status_label(self) -> StrOrPromise:
        return IntakeStatus.labels[self.status]


def _upcoming_intakes(today: datetime.date) -> QuerySet[Intake]:
    """Intakes that have not started yet, soonest first, with their seat counts."""
    return Intake.objects.filter(start_date__gte=today).with_counts().order_by("start_date", "pk")


def _public_intakes(intakes: list[IntakeWithCounts], today: datetime.date) -> list[PublicIntake]:
    """Wrap intakes (annotated with seats_taken, fundings prefetched) with their live counts.

    One query for the funded places taken, whatever the number of intakes.
    """
    taken = funded_places_taken([intake.pk for intake in intakes]) if intakes else {}
    return [
        PublicIntake(
            intake=intake,
            seats_taken=intake.seats_taken,
            funded=[
                FundedPlaces(
                    funding_source=funding.funding_source,
                    places=funding.places,
                    taken=taken.get((intake.pk, funding.funding_source_id), 0),
                )
                for funding in intake.fundings.all()
            ],
            today=today,
        )
        for intake in intakes
    ]


def _fundings() -> Prefetch:
    return Prefetch(
        "fundings",
        queryset=IntakeFunding.objects.select_related("funding_source").order_by(
            "funding_source__name"
        ),
    )


@dataclass
class ProgramSummary:
    program: Program
    next_intake: PublicIntake | None


def program_list_for_public(*, today: datetime.date | None = None) -> list[ProgramSummary]:
    """Published programmes with their next intake. Four queries.

    programmes (with who delivers them), their upcoming intakes (with seat counts), the funding
    of those intakes (with the source), and the funded places taken.
    """
    today = today or timezone.localdate()
    programs = list(
        Program.objects.for_public_display()
        .select_related("delivered_by")
        .prefetch_related(
            Prefetch(
                "intakes",
                queryset=_upcoming_intakes(today).prefetch_related(_fundings()),
                to_attr="upcoming_intakes",
            )
        )
    )
    next_intakes = [p.upcoming_intakes[0] for p in programs if p.upcoming_intakes]
    by_program = {pi.intake.program_id: pi for pi in _public_intakes(next_intakes, today)}
    return [ProgramSummary(program=p, next_intake=by_program.get(p.pk)) for p in programs]


@dataclass
class ProgramPage:
    program: Program
    intakes: list[PublicIntake]
    funders: list[FundingSource]


def program_page_for_public(*, slug: str, today: datetime.date | None = None) -> ProgramPage:
    """A published programme with its upcoming intakes and funders, or Http404. Six queries.

    programme (with who delivers it), its partners, its upcoming intakes (with seat counts),
    their funding (with the source), the co-funders of those sources (with the partner), and
    the funded places taken.
    """
    today = today or timezone.localdate()
    program = (
        Program.objects.for_public_display()
        .select_related("delivered_by")
        .prefetch_related(
            "partners",
            Prefetch(
                "intakes",
                queryset=_upcoming_intakes(today).prefetch_related(
                    Prefetch(
                        "fundings",
                        queryset=IntakeFunding.objects.select_related("funding_source")
                        .prefetch_related(
                            Prefetch(
                                "funding_source__shares",
                                queryset=FundingShare.objects.select_related("partner").order_by(
                                    "partner__name"
                                ),
                            )
                        )
                        .order_by("funding_source__name"),
                    )
                ),
                to_attr="upcoming_intakes",
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if program is None:
        raise Http404("No published programme at this address.")
    intakes = _public_intakes(program.upcoming_intakes, today)
    funders: dict[int, FundingSource] = {}
    for public_intake in intakes:
        for funded in public_intake.funded:
            source = funded.funding_source
            if funded.places > 0 and source.kind != FundingSource.Kind.SELF:
                funders.setdefault(source.pk, source)
    return ProgramPage(
        program=program,
        intakes=intakes,
        funders=sorted(funders.values(), key=lambda source: source.name),
    )


def intake_for_application(*, pk: int, today: datetime.date | None = None) -> PublicIntake:
    """One intake of a published programme with its counts, or Http404. Three queries."""
    today = today or timezone.localdate()
    intake = (
        Intake.objects.filter(program__is_published=True)
        .with_counts()
        .select_related("program")
        .prefetch_related(_fundings())
        .filter(pk=pk)
        .first()
    )
    if intake is None:
        raise Http404("No such intake.")
    return _public_intakes([intake], today)[0]

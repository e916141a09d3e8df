"""What the staff home shows: the intakes staff work on now, with seats, places and queues.

Four queries whatever the number of intakes or enrollments (tests/test_staff_home.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from post_office.models import STATUS, Email

from ..models import Enrollment, FundingSource, Intake, IntakeFunding, Partner
from .occupancy import Taken, places_taken

Status = Enrollment.Status


@dataclass(frozen=True)
class FundedLine:
    """One funding source's places in one intake, offered and enrolled told apart."""

    source: str
    places: int
    taken: Taken

    @property
    def left(self) -> int:
        return max(self.places - self.taken.total, 0)

    @property
    def text(self) -> str:
        parts = [f"{self.taken.enrolled} enrolled", f"{self.taken.offered} offered"]
        if self.taken.completed:
            parts.append(f"{self.taken.completed} completed")
        return (
            f"{self.source}: {self.taken.total} of {self.places} filled "
            f"({', '.join(parts)}); {self.left} left"
        )


@dataclass
class HomeIntake:
    intake: Intake
    application_status: str
    seats_taken: int
    offers_waiting: int
    waitlist: int
    funded: list[FundedLine] = field(default_factory=list)
    self_funded: Taken = field(default_factory=Taken)
    # Places of sources of the kind "self-funded": reserved seats, never called funded places.
    self_funded_sources: list[FundedLine] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return max(self.intake.capacity - self.seats_taken, 0)


@dataclass
class StaffHome:
    intakes: list[HomeIntake]
    emails_queued: int
    emails_failed: int


def current_intakes(today: datetime.date) -> list[Intake]:
    """Intakes still ahead or taking applications: not started, or applications not closed."""
    return list(
        Intake.objects.filter(
            Q(start_date__gte=today)
            | Q(applications_close_on__gte=today)
            | Q(applications_open_on__isnull=False, applications_close_on__isnull=True)
        )
        .select_related("program")
        .order_by("start_date", "program__name", "name")
    )


def staff_home(today: datetime.date | None = None) -> StaffHome:
    today = today or timezone.localdate()
    intakes = current_intakes(today)
    ids = [intake.pk for intake in intakes]
    taken = places_taken(ids)
    waiting = dict(
        Enrollment.objects.filter(intake_id__in=ids, status=Status.WAITLISTED)
        .values_list("intake_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    fundings: dict[int, list[IntakeFunding]] = {}
    for funding in (
        IntakeFunding.objects.filter(intake_id__in=ids)
        .select_related("funding_source")
        .order_by("funding_source__name")
    ):
        fundings.setdefault(funding.intake_id, []).append(funding)
    rows = []
    for intake in intakes:
        held = [t for (intake_id, _), t in taken.items() if intake_id == intake.pk]
        seats = sum(t.total for t in held)
        lines = {
            f.pk: FundedLine(
                source=f.funding_source.name,
                places=f.places,
                taken=taken.get((intake.pk, f.funding_source_id), Taken()),
            )
            for f in fundings.get(intake.pk, [])
        }
        paying = {
            f.pk: f.funding_source.kind != FundingSource.Kind.SELF
            for f in fundings.get(intake.pk, [])
        }
        rows.append(
            HomeIntake(
                intake=intake,
                application_status=intake.application_status(today, seats_taken=seats),
                seats_taken=seats,
                offers_waiting=sum(t.offered for t in held),
                waitlist=waiting.get(intake.pk, 0),
                funded=[line for pk, line in lines.items() if paying[pk]],
                self_funded=taken.get((intake.pk, None), Taken()),
                self_funded_sources=[line for pk, line in lines.items() if not paying[pk]],
            )
        )
    emails = dict(
        Email.objects.filter(status__in=[STATUS.queued, STATUS.requeued, STATUS.failed])
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return StaffHome(
        intakes=rows,
        emails_queued=emails.get(STATUS.queued, 0) + emails.get(STATUS.requeued, 0),
        emails_failed=emails.get(STATUS.failed, 0),
    )


def statement_partners() -> list[Partner]:
    """The co-funders a statement can be made for (the statement's own choice of partner), for
    the home's links: one query."""
    return list(Partner.objects.filter(funding_shares__isnull=False).distinct().order_by("name"))

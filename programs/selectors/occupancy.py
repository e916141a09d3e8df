"""Seats and funded places taken: the one home of every occupancy count.

Rules 1-3 (../shared/domain.md) count seat-holding enrollments (offered, enrolled, completed):
the services count here under the intake's lock, the pages and reports count here to show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..models import SEAT_HOLDING, Enrollment, IntakeFunding

Status = Enrollment.Status


def seats_taken(intake_id: int, *, exclude_pk: int | None = None) -> int:
    """Seat-holding enrollments of an intake, leaving out `exclude_pk` (the row being saved)."""
    qs = Enrollment.objects.filter(intake_id=intake_id).seat_holding()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def funded_taken(intake_id: int, funding_source_id: int, *, exclude_pk: int | None = None) -> int:
    """Funded places of one source taken in one intake (never in another intake)."""
    qs = Enrollment.objects.filter(
        intake_id=intake_id, funding_source_id=funding_source_id
    ).seat_holding()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def unfunded_taken(intake_id: int) -> int:
    """Seats held without a funding source (self-funded)."""
    return (
        Enrollment.objects.filter(intake_id=intake_id, funding_source__isnull=True)
        .seat_holding()
        .count()
    )


@dataclass(frozen=True)
class Taken:
    """Seat-holding enrollments of one (intake, funding source), told apart by status."""

    offered: int = 0
    enrolled: int = 0
    completed: int = 0

    @property
    def total(self) -> int:
        return self.offered + self.enrolled + self.completed

    @property
    def breakdown(self) -> str:
        """ "12 enrolled, 2 offered": the non-zero parts; offers hold a place, commit nothing."""
        parts = [
            (self.enrolled, _("%(n)s enrolled")),
            (self.completed, _("%(n)s completed")),
            (self.offered, _("%(n)s offered")),
        ]
        return ", ".join(str(text) % {"n": n} for n, text in parts if n)


@dataclass(frozen=True)
class StatusCounts:
    """One intake's enrollments by status, the seat-holding ones by funding source, and the
    sources any of its enrollments use (held or asked for)."""

    by_status: Counter[str] = field(default_factory=Counter)
    held_by_source: Counter[int | None] = field(default_factory=Counter)
    sources_in_use: set[int] = field(default_factory=set)

    held_by_source_status: Counter[tuple[int | None, str]] = field(default_factory=Counter)

    @property
    def seats_taken(self) -> int:
        return sum(self.held_by_source.values())

    def taken(self, source_id: int | None) -> Taken:
        """The seat-holding enrollments of one source (None: self-funded), by status."""
        return Taken(
            **{status: self.held_by_source_status[(source_id, status)] for status in SEAT_HOLDING}
        )


def status_counts(intake_id: int) -> StatusCounts:
    """Every status of one intake counted, in one query (rules 2-3 under the lock, the intake
    page, its dashboard)."""
    counts = StatusCounts()
    rows = (
        Enrollment.objects.filter(intake_id=intake_id)
        .values("status", "funding_source_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.by_status[row["status"]] += row["n"]
        if row["funding_source_id"] is not None:
            counts.sources_in_use.add(row["funding_source_id"])
        if row["status"] in Enrollment.SEAT_HOLDING:
            counts.held_by_source[row["funding_source_id"]] += row["n"]
            counts.held_by_source_status[(row["funding_source_id"], row["status"])] += row["n"]
    return counts


def places_taken(intake_ids: Iterable[int]) -> dict[tuple[int, int | None], Taken]:
    """Taken places per (intake id, funding source id or None), in one query."""
    counts: dict[tuple[int, int | None], dict[str, int]] = {}
    rows = (
        Enrollment.objects.filter(intake_id__in=list(intake_ids))
        .seat_holding()
        .values("intake_id", "funding_source_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        key = (row["intake_id"], row["funding_source_id"])
        counts.setdefault(key, {})[row["status"]] = row["n"]
    return {key: Taken(**by_status) for key, by_status in counts.items()}


def funded_places_taken(intake_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """Funded places taken per (intake id, funding source id), in one query."""
    funded: dict[tuple[int, int], int] = {}
    for (intake_id, source_id), taken in places_taken(intake_ids).items():
        if source_id is not None:
            funded[(intake_id, source_id)] = taken.total
    return funded


def _held(statuses: list[str]) -> Coalesce:
    held = (
        Enrollment.objects.filter(
            intake_id=OuterRef("intake_id"),
            funding_source_id=OuterRef("funding_source_id"),
            status__in=statuses,
        )
        .order_by()
        .values("intake_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), 0)


def fundings_with_taken() -> QuerySet[IntakeFunding]:
    """IntakeFunding rows annotated with `taken` (seat-holding enrollments of that source
    there) and `offered` (those of them only offered: they hold a place, commit nothing yet)."""
    return IntakeFunding.objects.select_related("funding_source").annotate(
        taken=_held(list(Enrollment.SEAT_HOLDING)), offered=_held([Status.OFFERED])
    )


def funding_taken_words(funding: IntakeFunding) -> str:
    """ "14 (12 enrolled, 2 offered)" for a row of fundings_with_taken()."""
    taken, offered = getattr(funding, "taken", 0), getattr(funding, "offered", 0)
    if not offered:
        return str(taken)
    return str(
        _("%(taken)s (%(enrolled)s enrolled or completed, %(offered)s offered)")
        % {"taken": taken, "enrolled": taken - offered, "offered": offered}
    )

"""Read-only selectors for the staff's reports: the funder report (selectors/funder_report.py,
re-exported here) and the intake dashboard.

Each runs a fixed number of queries whatever the number of intakes, sources or students.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Enrollment, FundingSource, Intake, IntakeFunding
from .selectors import occupancy
from .selectors.bars import Bar
from .selectors.funder_report import (
    CoFunderAmount,
    FundedStudent,
    IntakeLine,
    SourceReport,
    filled_words,
    funder_report,
)

__all__ = [
    "Bar",
    "CoFunderAmount",
    "FundedStudent",
    "IntakeDashboard",
    "IntakeLine",
    "SourceReport",
    "filled_words",
    "funder_report",
    "intake_dashboard",
]


# --- intake dashboard ----------------------------------------------------------------------


@dataclass
class IntakeDashboard:
    intake: Intake
    seats: Bar
    funded: list[Bar]
    unfunded: Bar
    self_funded: list[Bar]  # sources of the kind "self-funded": reserved seats, not funded places
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
    funded, self_funded = [], []
    for funding in fundings:
        source = funding.funding_source
        held = status_counts.taken(source.pk)
        left = max(funding.places - held.total, 0)
        if source.kind == FundingSource.Kind.SELF:
            # Seats reserved for students who pay: never called funded places.
            text = f"{source.name}: {held.total} of {funding.places} reserved seats taken"
            self_funded.append(
                Bar(source.name, held.total, funding.places, f"{text} ({left} left).")
            )
            continue
        # Offers hold a place but commit no money yet: told apart from the enrolled.
        breakdown = f": {held.breakdown}" if held.total else ""
        funded.append(
            Bar(
                source.name,
                held.total,
                funding.places,
                f"{source.name}: {held.total} of {funding.places} funded places "
                f"taken{breakdown} ({left} left).",
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
        self_funded=self_funded,
        statuses=statuses,
        waitlist_length=counts[Enrollment.Status.WAITLISTED],
        total_enrollments=total,
    )

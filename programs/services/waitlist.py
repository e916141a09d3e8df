"""The waitlist: who is next for a freed seat or funded place, and the offer to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import (
    Enrollment,
    FundingSource,
    Intake,
    IntakeFunding,
)
from ..selectors import occupancy
from . import base
from .base import Status
from .enrollments import enrollment_update

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def waitlist_next(*, intake: Intake, funding_source: FundingSource | None = None):
    """The next waitlisted enrollment eligible for a freed place.

    A freed funded place goes to the first waitlisted applicant who asked for that source or
    for no source in particular; a seat without funding, to the first who asked for none.
    """
    qs = Enrollment.objects.filter(intake=intake).waitlist_order().select_related("student")
    if funding_source is not None:
        qs = qs.filter(Q(funding_source=funding_source) | Q(funding_source__isnull=True))
    else:
        qs = qs.filter(funding_source__isnull=True)
    return qs.first()


@dataclass
class FreedPlace:
    """A seat (funding_source None) or a funded place that is free while someone waits."""

    funding_source: FundingSource | None
    free: int
    next_in_line: Enrollment


def waitlist_openings(*, intake: Intake) -> list[FreedPlace]:
    """Free seats and funded places of an intake that a waitlisted applicant could take.

    Seats reserved for funding sources are not offered without funding. Once the intake has
    started, nothing is offered: a student cannot join in year 2 (rule 6).
    """
    if intake.has_started():
        return []
    seats_free = intake.capacity - occupancy.seats_taken(intake.pk)
    if seats_free <= 0:
        return []
    openings = []
    fundings = list(IntakeFunding.objects.filter(intake=intake).select_related("funding_source"))
    for funding in fundings:
        free = min(
            funding.places - occupancy.funded_taken(intake.pk, funding.funding_source_id),
            seats_free,
        )
        candidate = free > 0 and waitlist_next(intake=intake, funding_source=funding.funding_source)
        if candidate:
            openings.append(FreedPlace(funding.funding_source, free, candidate))
    unfunded_taken = occupancy.unfunded_taken(intake.pk)
    reserved = sum(funding.places for funding in fundings)
    free = min(seats_free, intake.capacity - reserved - unfunded_taken)
    candidate = free > 0 and waitlist_next(intake=intake)
    if candidate:
        openings.append(FreedPlace(None, free, candidate))
    return openings


def waitlist_offer_next(
    *,
    intake: Intake,
    funding_source: FundingSource | None = None,
    by: User | None = None,
    reason: str = "",
) -> Enrollment:
    """Offer the freed seat (or funded place) to the next eligible person on the waitlist.

    With a funding source, the offer carries that funded place. Raises ValidationError when
    nobody is eligible or the place is no longer free.
    """
    with transaction.atomic():
        intake = base.lock_intakes(intake.pk)[intake.pk]
        if intake.has_started():
            raise ValidationError(
                _(
                    "This intake started on %(start)s: a freed seat is no longer offered to "
                    "the waitlist."
                )
                % {"start": intake.start_date}
            )
        candidate = waitlist_next(intake=intake, funding_source=funding_source)
        if candidate is None:
            raise ValidationError(_("Nobody on the waitlist of this intake can take this place."))
        changes = {"funding_source": funding_source} if funding_source is not None else {}
        return enrollment_update(
            enrollment=candidate,
            status=Status.OFFERED,
            by=by,
            reason=reason or _("Offered from the waitlist"),
            **changes,
        )

"""The lock every write takes first, and what the services share.

Each service runs in a transaction that first locks the intake row (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the IMMEDIATE transaction mode takes the database write lock when the
transaction begins). Counting happens after the lock, so two staff members saving at the same
moment queue up and the second one sees the first one's seat. The services call
`base.lock_intakes` through this module, so a test can take the lock away and watch a rule break.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _

from ..models import (
    Enrollment,
    FundingSource,
    Intake,
)
from ..selectors import occupancy

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Enrollment.Status


def lock_intakes(*intake_ids: int | None) -> dict[int, Intake]:
    """Lock the given intake rows, always in primary-key order so two writers cannot deadlock."""
    ids = sorted({pk for pk in intake_ids if pk is not None})
    intakes = Intake.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {intake.pk: intake for intake in intakes}


_seats_taken = occupancy.seats_taken


def seat_is_free(*, taken: int, capacity: int) -> bool:
    """Rule 1: one more seat-holder fits when `taken` seats of `capacity` are held."""
    return taken + 1 <= capacity


def funded_place_is_free(*, taken: int, places: int) -> bool:
    """Rule 2: one more funded seat-holder fits when `taken` of a source's `places` are held."""
    return taken + 1 <= places


def seats_message(*, taken: int, capacity: int) -> str:
    return _("This intake is full: %(taken)d of %(capacity)d seats are taken.") % {
        "taken": taken,
        "capacity": capacity,
    }


def funded_places_message(*, source: FundingSource, taken: int, places: int) -> str:
    return _(
        "No funded place from %(source)s is left in this intake: "
        "%(taken)d of %(places)d funded places are taken."
    ) % {"source": source.name, "taken": taken, "places": places}


def record_history(instance: models.Model, *, by: User | None, reason: str) -> None:
    # django-simple-history reads these two attributes when it writes the history row; no
    # model declares them, hence setattr. The is_authenticated check stays for callers that
    # pass a request's user untyped (an AnonymousUser is never recorded as the author).
    if by is not None and getattr(by, "is_authenticated", False):
        setattr(instance, "_history_user", by)  # noqa: B010
    setattr(instance, "_change_reason", reason.strip() or None)  # noqa: B010

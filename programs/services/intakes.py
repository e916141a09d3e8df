"""Intakes and their funded places: capacity and places checked together (rules 1-3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    FundingSource,
    Intake,
    IntakeFunding,
)
from ..selectors import occupancy
from . import base

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- intakes and their funded places -------------------------------------------------------


def intake_capacity_validate(*, intake: Intake) -> None:
    """Rule 1 for a new capacity (saved or not): the seats already taken still fit.

    Raises ValidationError keyed by "capacity". Call with the intake locked.
    """
    if not intake.pk or intake.capacity is None:
        return
    taken = occupancy.seats_taken(intake.pk)
    if taken > intake.capacity:
        raise ValidationError(
            {
                "capacity": _(
                    "This intake has %(capacity)d seats, but %(taken)d would be taken by offers, "
                    "enrollments and completions."
                )
                % {"capacity": intake.capacity, "taken": taken}
            }
        )


def intake_places_validate(*, intake: Intake, places: dict[int, int]) -> None:
    """Rules 2-3 for an intake's funded places as they would be: `places` maps funding source
    id to places. They fit in the seats, every source in use here keeps places, and no source
    has fewer places than its seat-holding enrollments. Call with the intake locked.
    """
    errors: list[str] = []
    total_places = sum(places.values())
    if intake.capacity is not None and total_places > intake.capacity:
        errors.append(
            _(
                "The funded places would add up to %(places)d, more than the intake's "
                "%(capacity)d seats."
            )
            % {"places": total_places, "capacity": intake.capacity}
        )
    counts = occupancy.status_counts(intake.pk) if intake.pk else occupancy.StatusCounts()
    held, in_use = counts.held_by_source, counts.sources_in_use
    names = dict(
        FundingSource.objects.filter(pk__in=set(places) | in_use).values_list("pk", "name")
    )
    for source_id in sorted(in_use - set(places)):
        errors.append(
            _(
                "%(source)s has no funded places in this intake, but enrollments here use it. "
                "Keep its funding or change those enrollments first."
            )
            % {"source": names[source_id]}
        )
    for source_id, source_places in sorted(places.items()):
        if held[source_id] > source_places:
            errors.append(
                _(
                    "%(source)s pays for %(places)d places in this intake, but %(taken)d "
                    "enrollments would hold one."
                )
                % {
                    "source": names.get(source_id, source_id),
                    "places": source_places,
                    "taken": held[source_id],
                }
            )
    if errors:
        raise ValidationError(errors)


def _places_in(intake_id: int, *, without_pk: int | None = None) -> dict[int, int]:
    rows = IntakeFunding.objects.filter(intake_id=intake_id)
    if without_pk is not None:
        rows = rows.exclude(pk=without_pk)
    return dict(rows.values_list("funding_source", "places"))


def intake_plan_validate(*, intake: Intake, places: dict[int, int] | None = None) -> None:
    """The whole intake: its capacity and its funded places (None: as in the database).

    Raises one ValidationError: capacity messages under "capacity", the rest not keyed.
    """
    errors: dict[str, list[ValidationError]] = {}
    for check in (
        lambda: intake_capacity_validate(intake=intake),
        lambda: intake_places_validate(
            intake=intake,
            places=places if places is not None else (_places_in(intake.pk) if intake.pk else {}),
        ),
    ):
        try:
            check()
        except ValidationError as error:
            for key, messages in error.update_error_dict({}).items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def intake_capacity_check(*, intake: Intake) -> None:
    """Lock the intake and check its new capacity against the seats taken."""
    with transaction.atomic():
        if intake.pk:
            base.lock_intakes(intake.pk)
        intake_capacity_validate(intake=intake)


def intake_places_check(*, intake: Intake, places: dict[int, int]) -> None:
    """Lock the intake and check the funded places planned for it (the intake page's inline)."""
    with transaction.atomic():
        if intake.pk:
            base.lock_intakes(intake.pk)
        intake_places_validate(intake=intake, places=places)


def intake_check(*, intake: Intake) -> None:
    """Validate an intake's new capacity (saved or not) against its enrollments and funding."""
    with transaction.atomic():
        if intake.pk:
            base.lock_intakes(intake.pk)
        intake_plan_validate(intake=intake)


def intake_save(*, intake: Intake, by: User | None = None, reason: str = "") -> Intake:
    with transaction.atomic():
        if intake.pk:
            base.lock_intakes(intake.pk)
        intake.full_clean()
        intake_plan_validate(intake=intake)
        base.record_history(intake, by=by, reason=reason)
        intake.save()
    return intake


def intake_funding_set(
    *,
    intake: Intake,
    funding_source: FundingSource,
    places: int,
    by: User | None = None,
    reason: str = "",
) -> IntakeFunding:
    """Give a funding source `places` funded places in an intake (create or change)."""
    with transaction.atomic():
        intake = base.lock_intakes(intake.pk)[intake.pk]
        current = _places_in(intake.pk)
        current[funding_source.pk] = places
        intake_plan_validate(intake=intake, places=current)
        funding = IntakeFunding.objects.filter(intake=intake, funding_source=funding_source).first()
        if funding is None:
            funding = IntakeFunding(intake=intake, funding_source=funding_source)
        funding.places = places
        funding.full_clean(validate_constraints=False)
        base.record_history(funding, by=by, reason=reason)
        funding.save()
    return funding


def intake_funding_check(*, funding: IntakeFunding, delete: bool = False) -> None:
    """Validate one IntakeFunding row as the admin would save (or delete) it.

    Both intakes are checked under their locks: the one the row leaves, which loses its places,
    and the one it joins. A source the row leaves within one intake needs no lookup of its own:
    its places are gone from `_places_in(without_pk=...)`, so its enrollments there are refused.
    """
    with transaction.atomic():
        left = (
            IntakeFunding.objects.filter(pk=funding.pk).values_list("intake_id", flat=True).first()
        )
        intakes = base.lock_intakes(funding.intake_id, left)
        if left is not None and (delete or left != funding.intake_id):
            intake_places_validate(
                intake=intakes[left], places=_places_in(left, without_pk=funding.pk)
            )
        if delete:
            return
        current = _places_in(funding.intake_id, without_pk=funding.pk)
        current[funding.funding_source_id] = funding.places
        intake_plan_validate(intake=intakes[funding.intake_id], places=current)


def intake_funding_delete(*, funding: IntakeFunding) -> None:
    with transaction.atomic():
        intake_funding_check(funding=funding, delete=True)
        funding.delete()

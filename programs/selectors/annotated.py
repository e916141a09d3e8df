"""What our querysets' annotations add to the instances they return, for the type checker.

A model instance read from `Intake.objects.with_counts()` has `seats_taken`; the model class
does not declare it. Annotating such an instance as `IntakeWithCounts` (django-stubs'
WithAnnotations) lets the checker see the attribute where the annotated queryset is read,
without declaring it on the model, where it would seem to exist on every instance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import Intake, IntakeFunding


class IntakeCounts(TypedDict):
    """Intake.objects.with_counts()."""

    seats_taken: int
    waitlist_length: int


class FundingTaken(TypedDict):
    """occupancy.fundings_with_taken(): seat-holding enrollments of that source there, and
    how many of them are offers only."""

    taken: int
    offered: int


if TYPE_CHECKING:
    IntakeWithCounts = WithAnnotations[Intake, IntakeCounts]
    IntakeFundingWithTaken = WithAnnotations[IntakeFunding, FundingTaken]

"""Enrollments: create, change, and change many at once, each checked against rules 1-4."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails
from ..models import (
    Enrollment,
    FundingSource,
    Intake,
    IntakeFunding,
    Student,
)
from ..selectors import occupancy
from . import base
from .base import Status, funded_places_message, seats_message
from .lifecycle import lifecycle_tidy, lifecycle_validate, withdraw_term_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- enrollments ---------------------------------------------------------------------------


def enrollment_validate(
    *,
    intake: Intake,
    student: Student,
    status: str,
    funding_source: FundingSource | None,
    enrollment_pk: int | None = None,
) -> None:
    """Check one enrollment against the rules. Call it with the intake row locked.

    Raises ValidationError keyed by the field at fault.
    """
    errors: dict[str, list[str]] = {}
    duplicate = (
        Enrollment.objects.filter(student=student, intake=intake).exclude(pk=enrollment_pk).first()
    )
    if duplicate is not None:
        errors.setdefault("student", []).append(
            _(
                "%(student)s is already enrolled in this intake (status: %(status)s). "
                "A student can be enrolled only once in the same intake."
            )
            % {"student": student.full_name, "status": duplicate.get_status_display()}
        )

    places = None
    if funding_source is not None:
        places = (
            IntakeFunding.objects.filter(intake=intake, funding_source=funding_source)
            .values_list("places", flat=True)
            .first()
        )
        if places is None:
            errors.setdefault("funding_source", []).append(
                _(
                    "%(source)s has no funded places in this intake. Add it to the intake's "
                    "funding first, or choose another funding source."
                )
                % {"source": funding_source.name}
            )

    if status in Enrollment.SEAT_HOLDING:
        taken = occupancy.seats_taken(intake.pk, exclude_pk=enrollment_pk)
        if not base.seat_is_free(taken=taken, capacity=intake.capacity):
            errors.setdefault("status", []).append(
                seats_message(taken=taken, capacity=intake.capacity)
            )
        # places is known only for a funding source (above).
        if places is not None and funding_source is not None:
            funded = occupancy.funded_taken(intake.pk, funding_source.pk, exclude_pk=enrollment_pk)
            if not base.funded_place_is_free(taken=funded, places=places):
                errors.setdefault("funding_source", []).append(
                    funded_places_message(source=funding_source, taken=funded, places=places)
                )
    if errors:
        raise ValidationError(errors)


def enrollment_check(*, enrollment: Enrollment) -> None:
    """Lock the intake(s) concerned and validate an unsaved enrollment state.

    Used by forms inside the request's transaction, so the lock is held until the save.
    """
    with transaction.atomic():
        old_intake_id = previous_status = None
        if enrollment.pk:
            old_intake_id, previous_status = (
                Enrollment.objects.filter(pk=enrollment.pk)
                .values_list("intake_id", "status")
                .first()
            ) or (None, None)
        locked = base.lock_intakes(enrollment.intake_id, old_intake_id)
        intake = locked.get(enrollment.intake_id)
        if intake is None:
            raise ValidationError({"intake": _("Choose an intake.")})
        lifecycle_validate(enrollment=enrollment, previous_status=previous_status)
        enrollment_validate(
            intake=intake,
            student=enrollment.student,
            status=enrollment.status,
            funding_source=enrollment.funding_source,
            enrollment_pk=enrollment.pk,
        )


def enrollment_save(
    *, enrollment: Enrollment, by: User | None = None, reason: str = "", validated: bool = False
) -> Enrollment:
    """Create or update an enrollment as given, after checking every rule under the lock."""
    with transaction.atomic():
        previous = None
        if enrollment.pk:
            previous = (
                Enrollment.objects.filter(pk=enrollment.pk).values("status", "intake_id").first()
            )
        locked = base.lock_intakes(
            enrollment.intake_id, previous["intake_id"] if previous else None
        )
        lifecycle_validate(
            enrollment=enrollment, previous_status=previous["status"] if previous else None
        )
        enrollment_validate(
            intake=locked[enrollment.intake_id],
            student=enrollment.student,
            status=enrollment.status,
            funding_source=enrollment.funding_source,
            enrollment_pk=enrollment.pk,
        )
        status_changed = previous is None or previous["status"] != enrollment.status
        if status_changed:
            enrollment.status_changed_at = timezone.now()
        if enrollment.status != Status.WAITLISTED:
            enrollment.waitlist_position = None
        elif enrollment.waitlist_position is None:
            enrollment.waitlist_position = _next_waitlist_position(enrollment.intake_id)
        lifecycle_tidy(enrollment=enrollment, status_changed=status_changed)
        enrollment.full_clean(validate_constraints=False)
        base.record_history(enrollment, by=by, reason=reason)
        enrollment.save()
        if status_changed and enrollment.status == Status.WITHDRAWN and previous is not None:
            withdraw_term_record(enrollment=enrollment, on=enrollment.exit_date)
        if status_changed:
            # The confirmation or decision email goes out once the change is committed.
            emails.notify_status_change(enrollment=enrollment, is_new=previous is None)
    return enrollment


def _next_waitlist_position(intake_id: int) -> int:
    last = (
        Enrollment.objects.filter(intake_id=intake_id, status=Status.WAITLISTED)
        .exclude(waitlist_position=None)
        .order_by("-waitlist_position")
        .values_list("waitlist_position", flat=True)
        .first()
    )
    return next_waitlist_position(last)


def next_waitlist_position(last: int | None) -> int:
    """A new waitlisted person goes after the last position (the first is 1)."""
    return (last or 0) + 1


def enrollment_create(
    *,
    student: Student,
    intake: Intake,
    status: str = Status.APPLIED,
    funding_source: FundingSource | None = None,
    waitlist_position: int | None = None,
    notes: str = "",
    exit_reason: str = "",
    exit_date: datetime.date | None = None,
    by: User | None = None,
    reason: str = "",
) -> Enrollment:
    enrollment = Enrollment(
        student=student,
        intake=intake,
        status=status,
        funding_source=funding_source,
        waitlist_position=waitlist_position,
        notes=notes,
        exit_reason=exit_reason,
        exit_date=exit_date,
    )
    return enrollment_save(enrollment=enrollment, by=by, reason=reason)


_UNSET = object()


def enrollment_update(
    *,
    enrollment: Enrollment,
    status=_UNSET,
    funding_source=_UNSET,
    intake=_UNSET,
    waitlist_position=_UNSET,
    notes=_UNSET,
    exit_reason=_UNSET,
    exit_date=_UNSET,
    completed_on=_UNSET,
    by: User | None = None,
    reason: str = "",
) -> Enrollment:
    """Change an enrollment. A refusal leaves the enrollment object as it was."""
    changes = {
        "status": status,
        "funding_source": funding_source,
        "intake": intake,
        "waitlist_position": waitlist_position,
        "notes": notes,
        "exit_reason": exit_reason,
        "exit_date": exit_date,
        "completed_on": completed_on,
    }
    changes = {name: value for name, value in changes.items() if value is not _UNSET}
    before = {name: getattr(enrollment, name) for name in changes}
    for name, value in changes.items():
        setattr(enrollment, name, value)
    try:
        return enrollment_save(enrollment=enrollment, by=by, reason=reason)
    except ValidationError:
        for name, value in before.items():
            setattr(enrollment, name, value)
        raise


def enrollment_set_status(
    *,
    enrollment: Enrollment,
    status: str,
    by: User | None = None,
    reason: str = "",
    funding_source=_UNSET,
    exit_reason=_UNSET,
    exit_date=_UNSET,
) -> Enrollment:
    return enrollment_update(
        enrollment=enrollment,
        status=status,
        funding_source=funding_source,
        exit_reason=exit_reason,
        exit_date=exit_date,
        by=by,
        reason=reason,
    )


@dataclass
class BulkResult:
    changed: list[Enrollment] = field(default_factory=list)
    unchanged: list[Enrollment] = field(default_factory=list)
    refused: list[tuple[Enrollment, str]] = field(default_factory=list)


def enrollment_bulk_set_status(
    *,
    enrollments: Iterable[Enrollment],
    status: str,
    by: User | None = None,
    reason: str = "",
    exit_reason: str = "",
    exit_date: datetime.date | None = None,
) -> BulkResult:
    """Apply a status to each enrollment in its own transaction; refusals do not stop the rest.

    Enrollments are processed oldest first, so when seats run out the earliest applicants win.
    A withdrawal carries `exit_reason` and `exit_date` (required for an enrolled student).
    """
    exit_changes = (
        {"exit_reason": exit_reason, "exit_date": exit_date} if status == Status.WITHDRAWN else {}
    )
    result = BulkResult()
    for enrollment in sorted(enrollments, key=lambda e: (e.created_at, e.pk)):
        if enrollment.status == status:
            result.unchanged.append(enrollment)
            continue
        try:
            enrollment_set_status(
                enrollment=enrollment, status=status, by=by, reason=reason, **exit_changes
            )
        except ValidationError as error:
            result.refused.append((enrollment, " ".join(error.messages)))
        else:
            result.changed.append(enrollment)
    return result

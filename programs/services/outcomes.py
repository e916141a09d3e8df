"""Outcomes recorded from a follow-up survey or by staff (issue 18)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Organisation, Outcome, Student
from .base import record_history

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def outcome_record(
    *,
    student: Student,
    kind: str,
    organisation: Organisation | None = None,
    description: str = "",
    jobs_created: int | None = None,
    funding_raised: Decimal | None = None,
    currency: str = "",
    recorded_on: datetime.date | None = None,
    source: str = Outcome.Source.STAFF,
    by: User | None = None,
    reason: str = "",
) -> Outcome:
    """Record what a participant did afterwards. The same outcome twice (same person, kind,
    organisation and day: a survey imported again) is refused, under the student's row lock so
    that two imports at once cannot both add it."""
    with transaction.atomic():
        current = Student.objects.select_for_update().get(pk=student.pk)
        if current.erased_at is not None:
            raise ValidationError(
                _("This student's personal data was erased; nothing can be added.")
            )
        outcome = Outcome(
            student=current,
            kind=kind,
            organisation=organisation,
            description=description,
            jobs_created=jobs_created,
            funding_raised=funding_raised,
            currency=currency,
            source=source,
        )
        if recorded_on is not None:
            outcome.recorded_on = recorded_on
        outcome.full_clean()
        same = Outcome.objects.filter(
            student=current,
            kind=kind,
            organisation=organisation,
            recorded_on=outcome.recorded_on,
        ).first()
        if same is not None:
            raise ValidationError(
                _("This outcome is already recorded for %(name)s (%(outcome)s).")
                % {"name": current.full_name, "outcome": same}
            )
        record_history(outcome, by=by, reason=reason)
        outcome.save()
        return outcome

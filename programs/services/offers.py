"""Offers with a deadline: the student's answer, and offers that expire (manage.py
expire_offers), each freed place going to the next eligible person on the waitlist."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Enrollment, ExitReason
from . import base
from .base import Status
from .enrollments import enrollment_update
from .waitlist import waitlist_next, waitlist_openings

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def offer_respond(*, enrollment: Enrollment, accept: bool, by: User | None = None) -> Enrollment:
    """The student accepts (enrolled) or declines (withdrawn, declined_offer) an open offer."""
    today = timezone.localdate()
    with transaction.atomic():
        base.lock_intakes(enrollment.intake_id)
        current = Enrollment.objects.select_related("intake").get(pk=enrollment.pk)
        if current.status != Status.OFFERED:
            raise ValidationError(_("There is no open offer to answer for this application."))
        if current.offer_expires_on is not None and current.offer_expires_on < today:
            raise ValidationError(
                _("This offer expired on %(date)s.")
                % {"date": date_format(current.offer_expires_on)}
            )
        enrollment.refresh_from_db()
        if accept:
            return enrollment_update(
                enrollment=enrollment, status=Status.ENROLLED, by=by, reason="Offer accepted"
            )
        return enrollment_update(
            enrollment=enrollment,
            status=Status.WITHDRAWN,
            exit_reason=ExitReason.DECLINED_OFFER,
            exit_date=today,
            by=by,
            reason="Offer declined",
        )


@dataclass
class ExpiryResult:
    expired: list[Enrollment]
    offered: list[Enrollment]


def offers_expire(*, today: datetime.date | None = None, by: User | None = None) -> ExpiryResult:
    """Every offer past its date becomes withdrawn (offer_expired); each freed place is offered
    to the next eligible person on the waitlist (funder-aware), unless the intake has started.

    Idempotent: an offer already expired is withdrawn and is not found again."""
    today = today or timezone.localdate()
    result = ExpiryResult(expired=[], offered=[])
    intake_ids = (
        Enrollment.objects.filter(status=Status.OFFERED, offer_expires_on__lt=today)
        .order_by("intake_id")
        .values_list("intake_id", flat=True)
        .distinct()
    )
    for intake_id in list(intake_ids):
        with transaction.atomic():
            intake = base.lock_intakes(intake_id)[intake_id]
            expired = list(
                Enrollment.objects.filter(
                    intake_id=intake_id, status=Status.OFFERED, offer_expires_on__lt=today
                )
                .select_related("student", "funding_source", "intake__program")
                .order_by("offer_expires_on", "pk")
            )
            for enrollment in expired:
                enrollment_update(
                    enrollment=enrollment,
                    status=Status.WITHDRAWN,
                    exit_reason=ExitReason.OFFER_EXPIRED,
                    exit_date=today,
                    by=by,
                    reason="Offer expired",
                )
                result.expired.append(enrollment)
                if intake.has_started(today):
                    continue
                reoffer = _offer_freed_place(intake=intake, source=enrollment.funding_source, by=by)
                if reoffer is not None:
                    result.offered.append(reoffer)
    return result


def _offer_freed_place(*, intake, source, by) -> Enrollment | None:
    """The freed funded place (or seat) to the next eligible waitlisted person, if still free."""
    free = {opening.funding_source for opening in waitlist_openings(intake=intake)}
    if source not in free:
        return None
    candidate = waitlist_next(intake=intake, funding_source=source)
    if candidate is None:
        return None
    changes = {"funding_source": source} if source is not None else {}
    return enrollment_update(
        enrollment=candidate,
        status=Status.OFFERED,
        by=by,
        reason="Offered from the waitlist after an offer expired",
        **changes,
    )

"""Certificates: issued once, for a completed enrollment only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Certificate, Enrollment
from . import base
from .base import Status, record_history

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def certificate_for(enrollment_id: int) -> Certificate | None:
    """The enrollment's certificate, if any (a seam for the race tests)."""
    return Certificate.objects.filter(enrollment_id=enrollment_id).first()


def certificate_issue(*, enrollment: Enrollment, by: User | None = None) -> Certificate:
    """The enrollment's certificate: made the first time, the same one every time after
    (revoked or not: a revoked certificate is not silently replaced).

    Takes the intake's lock first, as every write does, so two staff members issuing at the
    same moment make one certificate; the one-to-one column is the database's backstop."""
    with transaction.atomic():
        base.lock_intakes(enrollment.intake_id)
        existing = certificate_for(enrollment.pk)
        if existing is not None:
            return existing
        current = Enrollment.objects.select_related("student").get(pk=enrollment.pk)
        if current.status != Status.COMPLETED:
            raise ValidationError(
                _(
                    "A certificate is issued only for a completed enrollment; "
                    "%(student)s's enrollment is %(status)s."
                )
                % {"student": current.student.full_name, "status": current.get_status_display()}
            )
        if current.student.erased_at is not None:
            raise ValidationError(_("This student's personal data was erased: no certificate."))
        certificate = Certificate(enrollment=current, issued_on=timezone.localdate())
        certificate.full_clean(exclude=["enrollment"])
        record_history(certificate, by=by, reason="Issued")
        certificate.save()
        return certificate

"""Erasure's part in issue 18's records: what she did afterwards, what she said, and the
certificate that named her (called by programs/erasure.py inside its transaction).

Kept for the totals: each outcome's kind, organisation, jobs created and funding raised, and
the certificate row (revoked). Gone: the outcomes' descriptions (with their history), every
testimonial (her own words and how she agreed to be named) and the admin log's titles of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .erasure_text import ERASED
from .models import Certificate, Outcome, Student, Testimonial
from .services.base import record_history

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def forget_impact(student: Student, *, by: User | None) -> None:
    _forget_outcomes(student)
    _forget_testimonials(student)
    _revoke_certificates(student, by=by)


def _forget_outcomes(student: Student) -> None:
    # update(): no new history row; the old ones lose the description too.
    Outcome.objects.filter(student=student).exclude(description="").update(description="")
    Outcome.history.model.objects.filter(student_id=student.pk).exclude(description="").update(
        description=""
    )


def _forget_testimonials(student: Student) -> None:
    quotes = Testimonial.objects.filter(student=student)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Testimonial),
        object_id__in=[str(pk) for pk in quotes.values_list("pk", flat=True)],
    ).update(object_repr=ERASED, change_message="")
    quotes.delete()


def _revoke_certificates(student: Student, *, by: User | None) -> None:
    """Revoked, not deleted: the row keeps the count of certificates issued; its public page
    then says only that it was revoked (programs:certificate-verify)."""
    today = timezone.localdate()
    for certificate in Certificate.objects.filter(
        enrollment__student=student, revoked_on__isnull=True
    ):
        certificate.revoked_on = max(today, certificate.issued_on)
        record_history(certificate, by=by, reason="Revoked: the holder's data was erased.")
        certificate.save(update_fields=["revoked_on"])

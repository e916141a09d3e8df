"""What an enrollment's status change must carry: a withdrawal its reason and date (rule 6),
a completion a passed final year where the intake has terms. Checked by enrollment_check (the
admin form, under the lock) and enrollment_save (every path: bulk actions, imports, scripts)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Enrollment, TermRecord
from .base import Status


def withdrawal_message() -> str:
    return _(
        "An enrolled student never leaves without a reason and a date: choose the exit reason "
        "and enter the exit date to record this withdrawal."
    )


def final_year(enrollment: Enrollment) -> int | None:
    """The programme's length in years, or else the last year of the intake's terms."""
    length = enrollment.intake.program.length_years
    if length is not None:
        return length
    years = list(enrollment.intake.terms.order_by("-year").values_list("year", flat=True)[:1])
    return years[0] if years else None


def completion_errors(enrollment: Enrollment) -> list[str]:
    """Where the intake has terms, only a student whose last record is passed in the final year
    completes."""
    if not enrollment.intake.terms.exists():
        return []
    last = (
        TermRecord.objects.filter(enrollment_id=enrollment.pk)
        .select_related("term")
        .order_by("-term__number")
        .first()
    )
    year = final_year(enrollment)
    if last is None or last.result != TermRecord.Result.PASSED or last.year_of_study != year:
        return [
            _(
                "Only a student who passed the final year (year %(year)s) completes: "
                "%(student)s's last term record is %(last)s."
            )
            % {
                "year": year,
                "student": enrollment.student.full_name,
                "last": (
                    _("%(result)s in year %(yos)d")
                    % {"result": last.get_result_display(), "yos": last.year_of_study}
                    if last
                    else _("missing")
                ),
            }
        ]
    return []


def lifecycle_validate(*, enrollment: Enrollment, previous_status: str | None) -> None:
    """Refuse a withdrawal of an enrolled (or new) enrollment without reason and date, and a
    completion before the final year is passed. Raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    status = enrollment.status
    leaving = status == Status.WITHDRAWN and previous_status in (None, Status.ENROLLED)
    if leaving and (not enrollment.exit_reason or enrollment.exit_date is None):
        errors["exit_reason" if not enrollment.exit_reason else "exit_date"] = [
            withdrawal_message()
        ]
    if status == Status.COMPLETED and previous_status != Status.COMPLETED:
        messages = completion_errors(enrollment)
        if messages:
            errors["status"] = messages
    if errors:
        raise ValidationError(errors)


def lifecycle_tidy(*, enrollment: Enrollment, status_changed: bool) -> None:
    """Keep the dates in step with the status (the database refuses the rest): an offer made
    now expires after the intake's response time, whoever makes it."""
    today = timezone.localdate()
    if enrollment.status != Status.WITHDRAWN:
        enrollment.exit_reason, enrollment.exit_date = "", None
    if enrollment.status != Status.COMPLETED:
        enrollment.completed_on = None
    elif enrollment.completed_on is None:
        enrollment.completed_on = today
    if status_changed and enrollment.status == Status.OFFERED:
        enrollment.offer_expires_on = enrollment.intake.offer_deadline(today)


def withdraw_term_record(*, enrollment: Enrollment, on: datetime.date | None) -> None:
    """The record of the term containing `on` (or the last one in progress) becomes withdrawn."""
    records = TermRecord.objects.filter(enrollment_id=enrollment.pk).select_related("term")
    record = None
    if on is not None:
        record = records.filter(term__start_date__lte=on, term__end_date__gte=on).first()
    if record is None:
        record = (
            records.filter(result=TermRecord.Result.IN_PROGRESS).order_by("-term__number").first()
        )
    if record is not None and record.result != TermRecord.Result.WITHDRAWN:
        record.result = TermRecord.Result.WITHDRAWN
        record.save(update_fields=["result", "updated_at"])

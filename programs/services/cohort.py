"""A cohort's life after the offer: term records, promotion, exits and completion.

Each write locks the intake first (services/base.py), so two staff members promoting the same
term at once queue up and the second finds the records already made; the unique constraint
(one record per enrollment per term) stands behind the lock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Enrollment, ExitReason, Term, TermRecord
from . import base
from .base import Status
from .enrollments import enrollment_update
from .lifecycle import completion_errors
from .money import disbursements_cancel_after

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Result = TermRecord.Result


@dataclass(frozen=True)
class PromotionResult:
    promoted: int
    repeating: int
    finished: int


def _create_record(*, enrollment: Enrollment, term: Term, year: int, standing: str, by) -> bool:
    """One record, in a savepoint: False when the enrollment already has one for the term."""
    record = TermRecord(enrollment=enrollment, term=term, year_of_study=year, standing=standing)
    base.record_history(record, by=by, reason="")
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return False
    return True


def term_start(*, term: Term, by: User | None = None) -> int:
    """Give every enrolled student of the intake without a record a record in `term`, at the
    term's year (the first term of a cohort). Returns how many records were made."""
    with transaction.atomic():
        base.lock_intakes(term.intake_id)
        has_record = TermRecord.objects.filter(term=term).values("enrollment_id")
        enrolled = Enrollment.objects.filter(
            intake_id=term.intake_id, status=Status.ENROLLED
        ).exclude(pk__in=has_record)
        made = 0
        for enrollment in enrolled.order_by("pk"):
            made += _create_record(
                enrollment=enrollment, term=term, year=term.year, standing="good", by=by
            )
        return made


def cohort_promote(*, from_term: Term, to_term: Term, by: User | None = None) -> PromotionResult:
    """Move every record of `from_term` on to `to_term`: passed → up by the difference of the
    terms' years, repeat → the same year of study, withdrawn → none; passed in the final year
    → none (ready to graduate). Running it again changes nothing more."""
    if to_term.intake_id != from_term.intake_id or to_term.number <= from_term.number:
        raise ValidationError(
            _("Students are promoted to a later term of the same intake: %(to)s is not one.")
            % {"to": to_term}
        )
    with transaction.atomic():
        intake = base.lock_intakes(from_term.intake_id)[from_term.intake_id]
        records = list(
            TermRecord.objects.filter(term=from_term)
            .select_related("enrollment")
            .order_by("enrollment_id")
        )
        in_progress = sum(record.result == Result.IN_PROGRESS for record in records)
        if in_progress:
            raise ValidationError(
                ngettext(
                    "%(count)d record of %(term)s is still in progress: record each "
                    "student's result before promoting.",
                    "%(count)d records of %(term)s are still in progress: record each "
                    "student's result before promoting.",
                    in_progress,
                )
                % {"count": in_progress, "term": from_term.name}
            )
        length = intake.program.length_years
        step = to_term.year - from_term.year
        already = set(
            TermRecord.objects.filter(term=to_term).values_list("enrollment_id", flat=True)
        )
        promoted = repeating = finished = 0
        for record in records:
            if record.result == Result.WITHDRAWN:
                continue
            if record.enrollment.status != Status.ENROLLED:
                continue
            year = record.year_of_study + (step if record.result == Result.PASSED else 0)
            if record.result == Result.PASSED and length is not None and year > length:
                finished += 1
                continue
            if record.enrollment_id in already:
                continue
            made = _create_record(
                enrollment=record.enrollment,
                term=to_term,
                year=year,
                standing=record.standing,
                by=by,
            )
            if made and record.result == Result.PASSED:
                promoted += 1
            elif made:
                repeating += 1
        return PromotionResult(promoted=promoted, repeating=repeating, finished=finished)


def next_term(term: Term) -> Term | None:
    return (
        Term.objects.filter(intake_id=term.intake_id, number__gt=term.number)
        .order_by("number")
        .first()
    )


def enrollment_exit(
    *,
    enrollment: Enrollment,
    reason: str,
    on: datetime.date | None,
    by: User | None = None,
    note: str = "",
) -> Enrollment:
    """The student leaves: withdrawn with the reason and date; their record of the term
    containing `on` (or the last one in progress) becomes withdrawn; every payment still to
    be made for them and due after `on` is cancelled, in the same transaction."""
    errors: dict[str, list[str]] = {}
    if reason not in ExitReason.values:
        errors["exit_reason"] = [_("Choose one of the exit reasons.")]
    if on is None:
        errors["exit_date"] = [_("Enter the day the student left.")]
    if enrollment.status in (Status.WITHDRAWN, Status.COMPLETED):
        errors["status"] = [
            _("This enrollment is already %(status)s.")
            % {"status": enrollment.get_status_display().lower()}
        ]
    if errors:
        raise ValidationError(errors)
    assert on is not None
    with transaction.atomic():
        left = enrollment_update(
            enrollment=enrollment,
            status=Status.WITHDRAWN,
            exit_reason=reason,
            exit_date=on,
            by=by,
            reason=note or _("Left: %(reason)s") % {"reason": ExitReason(reason).label},
        )
        disbursements_cancel_after(enrollment=left, on=on, by=by)
    return left


def enrollment_complete(
    *, enrollment: Enrollment, on: datetime.date, by: User | None = None
) -> Enrollment:
    """The student completes (graduates). Where the intake has terms, only after passing the
    final year."""
    if enrollment.status != Status.ENROLLED:
        raise ValidationError(
            {
                "status": _("Only an enrolled student completes; this one is %(status)s.")
                % {"status": enrollment.get_status_display().lower()}
            }
        )
    messages = completion_errors(enrollment)
    if messages:
        raise ValidationError({"status": messages})
    return enrollment_update(
        enrollment=enrollment, status=Status.COMPLETED, completed_on=on, by=by, reason="Completed"
    )

"""The funder report's cohort part: each funded student's year of study and latest standing,
those who left (reason and date), and per term the funded students studying. Three queries
whatever the number of sources, intakes or students."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count

from ..models import Enrollment, Term, TermRecord
from .cohort import NOT_AN_ENROLLMENT_EXIT

Status = Enrollment.Status


@dataclass
class Leaver:
    name: str
    reason: str
    date: datetime.date | None


@dataclass
class LineCohort:
    # enrollment id → (year of study, standing label) of the latest term record.
    progress: dict[int, tuple[int, str]] = field(default_factory=dict)
    leavers: list[Leaver] = field(default_factory=list)
    # (term, funded students studying in it).
    terms: list[tuple[Term, int]] = field(default_factory=list)


def funder_cohort(reports: list) -> dict[tuple[int, int], LineCohort]:
    """Keyed by (intake id, funding source id), for the lines of funder_report()."""
    keys = {(line.intake.pk, report.source.pk) for report in reports for line in report.lines}
    result = {key: LineCohort() for key in keys}
    if not keys:
        return result
    intake_ids = {intake_id for intake_id, _source in keys}
    source_ids = {source_id for _intake, source_id in keys}
    records = (
        TermRecord.objects.filter(
            enrollment__intake_id__in=intake_ids, enrollment__funding_source_id__in=source_ids
        )
        .select_related("term", "enrollment")
        .order_by("enrollment_id", "term__number")
    )
    for record in records:
        key = (record.enrollment.intake_id, record.enrollment.funding_source_id)
        if key in result:  # the last record of each enrollment wins: its latest term
            result[key].progress[record.enrollment_id] = (
                record.year_of_study,
                str(record.get_standing_display()),
            )
    leavers = (
        Enrollment.objects.filter(
            intake_id__in=intake_ids, funding_source_id__in=source_ids, status=Status.WITHDRAWN
        )
        .exclude(exit_reason__in=NOT_AN_ENROLLMENT_EXIT)
        .select_related("student")
        .order_by("exit_date", "student__last_name", "pk")
    )
    for enrollment in leavers:
        key = (enrollment.intake_id, enrollment.funding_source_id or 0)
        if key in result:
            result[key].leavers.append(
                Leaver(
                    enrollment.student.full_name,
                    str(enrollment.get_exit_reason_display()),
                    enrollment.exit_date,
                )
            )
    rows = (
        TermRecord.objects.filter(
            term__intake_id__in=intake_ids, enrollment__funding_source_id__in=source_ids
        )
        .exclude(result=TermRecord.Result.WITHDRAWN)
        .values("term_id", "enrollment__funding_source_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(r["term_id"], r["enrollment__funding_source_id"]): r["n"] for r in rows}
    for term in Term.objects.filter(intake_id__in=intake_ids).order_by("number"):
        for source_id in source_ids:
            key = (term.intake_id, source_id)
            if key in result:
                result[key].terms.append((term, counts.get((term.pk, source_id), 0)))
    return result

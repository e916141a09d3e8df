"""Running an import (or its dry run) and reporting on each row."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext, ngettext_lazy
from import_export.results import Result, RowResult

from .. import emails
from ..models import Intake
from .cleaning import cell_text
from .limits import ImportFileError
from .reading import ApplicantFile
from .report import RowsReport
from .resource import ApplicantResource

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


@dataclass
class RowReport:
    line: int
    action: str  # "create", "update" or "refused"
    first_name: str
    last_name: str
    email: str
    status: str
    funding_source: str
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    student_id: int | None = None  # an update row: the existing student
    organisation: str = ""  # participants (participants.py)
    job_title: str = ""
    full_name: str = ""  # a participant's "name" column

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or " ".join(self.full_name.split())


@dataclass(kw_only=True)
class ImportReport(RowsReport[RowReport]):
    intake: Intake

    counted = (
        ("create", ngettext_lazy("%(n)d new student", "%(n)d new students", "n")),
        ("update", ngettext_lazy("%(n)d existing student", "%(n)d existing students", "n")),
        ("refused", ngettext_lazy("%(n)d row refused", "%(n)d rows refused", "n")),
    )

    @property
    def updated(self) -> int:
        return self.count("update")

    def done(self, counts: str) -> str:
        imported = self.created + self.updated
        return ngettext(
            "Imported %(n)d applicant into %(intake)s from %(file)s: %(counts)s.",
            "Imported %(n)d applicants into %(intake)s from %(file)s: %(counts)s.",
            imported,
        ) % {"n": imported, "intake": self.intake, "file": self.file_name, "counts": counts}


def _reasons(error: ValidationError, labels: dict[str, str]) -> list[str]:
    """The refusal as sentences; a student field's message is prefixed with its column."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{labels[key]}: {message}"
        if key in labels and not message.startswith(labels[key])
        else message
        for key, messages in error.message_dict.items()
        for message in messages
    ]


def _row_report(resource: ApplicantResource, number: int, row: dict, result: RowResult):
    plan = resource.plans.get(number)
    report = RowReport(
        line=resource.line(number),
        action="refused",
        first_name=cell_text(row.get("first_name")),
        last_name=cell_text(row.get("last_name")),
        email=cell_text(row.get("email")),
        status=plan.status if plan else cell_text(row.get("status")) or resource.default_status,
        funding_source=cell_text(row.get("funding_source")),
        organisation=" ".join(cell_text(row.get("organisation")).split()),
        job_title=cell_text(row.get("job_title")),
        full_name=cell_text(row.get("name")),
    )
    if result.import_type == RowResult.IMPORT_TYPE_INVALID:
        report.reasons = _reasons(result.validation_error, resource.labels)
    elif result.import_type == RowResult.IMPORT_TYPE_ERROR:
        error = result.errors[-1]
        logger.error("Unexpected error importing row %s:\n%s", report.line, error.traceback)
        report.reasons = [
            "This row could not be imported because of an unexpected error; please tell the "
            f"developers: {error.error!r}."
        ]
    else:
        report.action = "create" if result.import_type == RowResult.IMPORT_TYPE_NEW else "update"
        if report.action == "update":
            report.student_id = plan.student_id if plan is not None else None
            report.notes.append("Existing student: the enrollment is added to their record.")
            if plan is not None and plan.filled:
                report.notes.append("Filled in from the file: " + ", ".join(plan.filled) + ".")
            if plan is not None and plan.differences:
                report.notes.append(
                    "The details on record are kept; the file differs on: "
                    + ", ".join(plan.differences)
                    + "."
                )
        organisation = plan.organisation if plan is not None else None
        if organisation is not None:
            report.organisation = organisation.name
        if organisation is not None and plan is not None and plan.organisation_created:
            report.notes.append(
                f"New organisation: {organisation.name} ({organisation.get_kind_display()})."
            )
    return report


def applicants_import(
    *,
    intake: Intake,
    applicant_file: ApplicantFile,
    dry_run: bool,
    by: User | None = None,
    progress: Callable[[], None] | None = None,
    expected_students: dict[str, int] | None = None,
) -> ImportReport:
    """Import (or, with dry_run, rehearse importing) the file's applicants into `intake`.

    expected_students: at a confirmation, the dry run's matched_students(); a row that no
    longer finds its student (erased, or its email changed) is refused.

    All or nothing: one transaction; any refused row rolls back every row. A dry run always
    rolls back. Holds the intake's lock (taken by the services at the first row) until the end.
    """
    resource = ApplicantResource(
        intake=intake,
        by=by,
        reason=f"Imported from {applicant_file.name}",
        progress=progress,
        expected_students=expected_students,
    )
    return run_rows(resource, applicant_file, dry_run=dry_run, report_class=ImportReport)


def run_rows(
    resource: ApplicantResource,
    applicant_file: ApplicantFile,
    *,
    dry_run: bool,
    report_class: type[ImportReport],
) -> ImportReport:
    """Run the file's rows through `resource` in one transaction, and report on each."""
    resource.line_numbers = applicant_file.line_numbers
    # Imported people did not apply on the site: the services send them no status email
    # (staff write to them as they see fit).
    with emails.suppressed():
        result: Result = resource.import_data(
            applicant_file.dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
    if result.base_errors:
        # before_import / after_import failed: nothing can have been written.
        raise ImportFileError(
            "The import stopped before the first row: " + str(result.base_errors[0].error)
        )
    rows = [
        _row_report(
            resource,
            number,
            dict(zip(applicant_file.dataset.headers, data, strict=True)),
            row_result,
        )
        for number, (data, row_result) in enumerate(
            zip(applicant_file.dataset, result.rows, strict=True), start=1
        )
    ]
    return report_class(
        intake=resource.intake,
        file_name=applicant_file.name,
        dry_run=dry_run,
        rows=rows,
        notes=list(applicant_file.notes),
    )

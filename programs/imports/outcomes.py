"""A follow-up survey of outcomes, imported from a file (issue 18): one row, one outcome of
a person already recorded, found by her certificate's code or her email.

The file is read by reading.py (the same stream, the same limits); the rows are run here in one
transaction with a savepoint each, through services.outcome_record, and the transaction is
rolled back for a dry run or when any row is refused (all or nothing, as the applicant import).
A plain loop rather than a django-import-export resource: every row creates one row of one
model through a service, with none of the resource's matching or updating to reuse.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from .. import services
from ..models import Certificate, Organisation, Outcome, Student
from .cleaning import BirthDateWidget, cell_text
from .columns import Layout
from .participants import choice
from .reading import ApplicantFile, read_applicants_file
from .report import RowsReport

if TYPE_CHECKING:
    from django.contrib.auth.models import User

OUTCOME_COLUMNS = [
    "email",
    "certificate_code",
    "kind",
    "organisation",
    "organisation_kind",
    "description",
    "jobs_created",
    "funding_raised",
    "currency",
    "recorded_on",
    "source",
]
LABELS = {
    "email": "Email",
    "certificate_code": "Certificate code",
    "kind": "Kind",
    "organisation": "Organisation",
    "organisation_kind": "Organisation kind",
    "description": "Description",
    "jobs_created": "Jobs created",
    "funding_raised": "Funding raised",
    "currency": "Currency",
    "recorded_on": "Recorded on",
    "source": "Source",
}
VENTURES = (Outcome.Kind.VENTURE_FOUNDED, Outcome.Kind.VENTURE_GREW)


def _missing(headers: list[str]) -> str:
    absent = []
    if "email" not in headers and "certificate_code" not in headers:
        absent.append("email (or certificate_code)")
    if "kind" not in headers:
        absent.append("kind")
    return ", ".join(absent)


OUTCOMES_TOO_MANY = gettext_lazy(
    "The file has more than %(limit)s outcome rows; a survey takes at most %(limit)s. "
    "Split it into smaller files."
)
OUTCOMES = Layout(
    columns=OUTCOME_COLUMNS,
    missing=_missing,
    required_text="each row needs a kind, and an email or a certificate_code",
    rows_noun="outcome rows",
    too_wide=gettext_lazy(
        "Row %(line)s has values in %(count)s columns; a survey file has at most "
        "%(limit)s. Check that this is the list of outcomes."
    ),
    overlong=gettext_lazy(
        "Row %(line)s has a cell of %(length)s characters; a cell of a survey file "
        "holds at most %(limit)s. Check that this is the list of outcomes."
    ),
    too_long_sheet=gettext_lazy(
        "The file has more than %(limit)s rows, empty ones included. Delete the "
        "empty rows below the outcomes (or split the file) and upload it again."
    ),
    # Surveys are read on the admin's page only: no command takes a bigger file.
    too_many_rows_here=OUTCOMES_TOO_MANY,
    too_many_rows=OUTCOMES_TOO_MANY,
)


@dataclass
class OutcomeRow:
    line: int
    action: str  # "create" or "refused"
    person: str = ""
    email: str = ""
    kind: str = ""
    organisation: str = ""
    figures: str = ""
    student_id: int | None = None
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class OutcomeReport(RowsReport[OutcomeRow]):
    counted = (
        ("create", ngettext_lazy("%(n)d outcome", "%(n)d outcomes", "n")),
        ("refused", ngettext_lazy("%(n)d row refused", "%(n)d rows refused", "n")),
    )

    def match_key(self, row: OutcomeRow) -> str:
        """A row's line: a survey's row may find its person by certificate code alone."""
        return str(row.line)

    def done(self, counts: str) -> str:
        return ngettext(
            "Recorded %(n)d outcome from %(file)s.",
            "Recorded %(n)d outcomes from %(file)s.",
            self.created,
        ) % {"n": self.created, "file": self.file_name}


def read_outcomes_file(content: bytes, filename: str, *, max_rows: int) -> ApplicantFile:
    return read_applicants_file(content, filename, max_rows=max_rows, layout=OUTCOMES)


def _person(values: dict[str, str]) -> Student:
    code, email = values["certificate_code"], values["email"]
    student = None
    if code:
        certificate = (
            Certificate.objects.select_related("enrollment__student").filter(code=code).first()
        )
        if certificate is None:
            raise ValidationError({"certificate_code": _("No certificate has this code.")})
        student = certificate.enrollment.student
        if email and (student.email or "").lower() != email.lower():
            raise ValidationError(
                {"email": _("The email and the certificate code are of two different people.")}
            )
    elif email:
        student = services.student_find_by_email(email)
        if student is None:
            raise ValidationError(
                {
                    "email": _(
                        "Nobody is recorded with the address %(email)s: add the person first, "
                        "or give her certificate's code."
                    )
                    % {"email": email}
                }
            )
    else:
        raise ValidationError({"email": _("Give the person's email or certificate code.")})
    if student.erased_at is not None:
        raise ValidationError(
            {"email": _("This student's personal data was erased; nothing can be added.")}
        )
    return student


def _number(text: str, column: str, *, whole: bool) -> Any:
    if not text:
        return None
    cleaned = text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or value < 0 or not value.is_finite() or (whole and value % 1):
        raise ValidationError(
            {
                column: _("“%(text)s” is not a number of zero or more%(whole)s.")
                % {"text": text, "whole": _(", without decimals") if whole else ""}
            }
        )
    return int(value) if whole else value


def _date(value: Any) -> datetime.date:
    try:
        day = BirthDateWidget().clean(value)
    except ValueError as error:
        raise ValidationError({"recorded_on": str(error)}) from None
    today = timezone.localdate()
    if day is None:
        return today
    if day > today:
        raise ValidationError({"recorded_on": _("The day is in the future.")})
    return day


def _row(row: dict[str, Any], line: int, *, by, reason, seen: dict, expected: dict) -> OutcomeRow:
    values = {column: cell_text(row.get(column)) for column in OUTCOME_COLUMNS}
    report = OutcomeRow(line=line, action="refused", email=values["email"])
    student = _person(values)
    report.person, report.student_id = student.full_name, student.pk
    if expected and expected.get(str(line)) != student.pk:
        raise ValidationError(
            _("The person this row found in the dry run has changed since: check the file anew.")
        )
    try:
        kind = choice(values["kind"], Outcome.Kind)
        organisation_kind = choice(values["organisation_kind"], Organisation.Kind)
        source = choice(values["source"], Outcome.Source) or Outcome.Source.SURVEY
    except ValueError as error:
        raise ValidationError(str(error)) from None
    if not kind:
        raise ValidationError({"kind": _("The cell is empty; the kind of outcome is required.")})
    report.kind = str(Outcome.Kind(kind).label)
    organisation = None
    if values["organisation"]:
        default_kind = Organisation.Kind.STARTUP if kind in VENTURES else Organisation.Kind.OTHER
        organisation, created = services.organisation_find_or_create(
            name=values["organisation"],
            country=student.country.code if student.country else "",
            kind=organisation_kind or default_kind,
        )
        report.organisation = organisation.name
        if created:
            report.notes.append(
                f"New organisation: {organisation.name} ({organisation.get_kind_display()})."
            )
    recorded_on = _date(row.get("recorded_on"))
    key = (student.pk, kind, organisation.pk if organisation else None, recorded_on)
    if key in seen:
        raise ValidationError(_("The same outcome is already on row %(row)s.") % {"row": seen[key]})
    seen[key] = line
    jobs = _number(values["jobs_created"], "jobs_created", whole=True)
    funding = _number(values["funding_raised"], "funding_raised", whole=False)
    outcome = services.outcome_record(
        student=student,
        kind=kind,
        organisation=organisation,
        description=values["description"],
        jobs_created=jobs,
        funding_raised=funding,
        currency=values["currency"].upper(),
        recorded_on=recorded_on,
        source=source,
        by=by,
        reason=reason,
    )
    figures = []
    if outcome.jobs_created is not None:
        figures.append(f"{outcome.jobs_created} jobs")
    if outcome.funding_raised is not None:
        figures.append(f"{outcome.funding_raised:,.2f} {outcome.currency}")
    report.figures = ", ".join(figures)
    report.action = "create"
    return report


def _reasons(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{LABELS[key]}: {message}" if key in LABELS else message
        for key, messages in error.message_dict.items()
        for message in messages
    ]


def outcomes_import(
    *,
    outcome_file: ApplicantFile,
    dry_run: bool,
    by: User | None = None,
    expected_students: dict[str, int] | None = None,
) -> OutcomeReport:
    """Record (or, with dry_run, rehearse recording) the file's outcomes: all or nothing."""
    reason = f"Imported from {outcome_file.name}"
    rows: list[OutcomeRow] = []
    seen: dict = {}
    with transaction.atomic():
        for data, line in zip(outcome_file.dataset.dict, outcome_file.line_numbers, strict=True):
            try:
                with transaction.atomic():
                    rows.append(
                        _row(
                            data,
                            line,
                            by=by,
                            reason=reason,
                            seen=seen,
                            expected=expected_students or {},
                        )
                    )
            except ValidationError as error:
                values = {column: cell_text(data.get(column)) for column in ("email", "kind")}
                rows.append(
                    OutcomeRow(
                        line=line,
                        action="refused",
                        email=values["email"],
                        kind=values["kind"],
                        reasons=_reasons(error),
                    )
                )
        report = OutcomeReport(
            file_name=outcome_file.name,
            dry_run=dry_run,
            rows=rows,
            notes=list(outcome_file.notes),
        )
        if dry_run or report.refused:
            transaction.set_rollback(True)
    return report

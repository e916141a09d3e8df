"""Import of applicants for one intake from a CSV or XLSX file.

django-import-export does the reading (its CSV and XLSX formats, into a tablib Dataset) and the
row-by-row bookkeeping (ApplicantResource: one row, one student found by email or created;
per-row savepoints; dry run and rollback). Every write goes through programs.services
(student_get_or_create, enrollment_create), so the rules hold exactly as in the admin.

The dry run and the real import run the same code: the dry run does the writes inside a
transaction and rolls it back, so what it shows is what the import will do (rows later in the
file see the seats taken by rows before them). The real import is all-or-nothing: if any row is
refused, nothing is written. Imported applicants are sent no status email.

Row numbers are those of the spreadsheet: the header is row 1, the first applicant row 2.
Columns and values are documented in docs/exports.md.
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import Result, RowResult

from . import emails, services
from .exports import FORMULA_TRIGGERS
from .models import Enrollment, FundingSource, Intake, Student

logger = logging.getLogger(__name__)

COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "country",
    "status",
    "funding_source",
]
REQUIRED_COLUMNS = ["first_name", "last_name", "email"]
COLUMN_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "national_id": "National ID",
    "date_of_birth": "Date of birth",
    "country": "Country",
    "status": "Status",
    "funding_source": "Funding source",
}
MAX_FILE_BYTES = 5 * 1024 * 1024
# A web request runs the rows twice (dry run, then confirmation) at about 20 ms a row on
# SQLite; bigger files go through the import_applicants command, which has no limit.
ADMIN_MAX_ROWS = 1000
FILE_FORMATS = {".csv": "CSV", ".xlsx": "XLSX"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, missing columns, too big)."""


# --- reading the file ----------------------------------------------------------------------


@dataclass
class ApplicantFile:
    """The rows of an uploaded file, with what staff should know about how it was read."""

    name: str
    dataset: tablib.Dataset
    line_numbers: list[int]  # the spreadsheet row number of each dataset row
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.dataset)


def _header_name(value: Any) -> str:
    return str(value or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _is_blank(values) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _decode(content: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM) first; Excel's "CSV" on Windows is Windows-1252."""
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    return text, (
        "The file is not in UTF-8; it was read as Windows-1252. Check that accented names "
        "look right below, or save the file as “CSV UTF-8” and upload it again."
    )


def _delimiter(text: str) -> str:
    """Commas, or semicolons / tabs where a spreadsheet in another language used them."""
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_applicants_file(
    content: bytes,
    filename: str,
    *,
    max_rows: int | None = None,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> ApplicantFile:
    """Read a CSV or XLSX file of applicants. Raises ImportFileError with a sentence for staff.

    The admin passes limits that keep a web request short; the command passes none.
    """
    extension = os.path.splitext(filename.lower())[1]
    if extension not in FILE_FORMATS:
        raise ImportFileError(
            f"“{filename}” is neither a CSV nor an XLSX file. Save the spreadsheet as CSV "
            "(UTF-8) or Excel workbook (.xlsx) and upload that."
        )
    if max_bytes is not None and len(content) > max_bytes:
        raise ImportFileError(
            f"The file is {len(content) / 1_000_000:.1f} MB; the limit is "
            f"{max_bytes / 1_000_000:.0f} MB. Split it into smaller files."
        )
    notes = []
    try:
        if extension == ".xlsx":
            dataset = XLSX().create_dataset(content)
        else:
            text, note = _decode(content)
            if note:
                notes.append(note)
            dataset = CSV().create_dataset(text, delimiter=_delimiter(text))
    except Exception as error:  # openpyxl and csv raise many kinds; all mean "unreadable"
        logger.info("Unreadable applicant file %s: %r", filename, error)
        raise ImportFileError(
            f"“{filename}” could not be read as {FILE_FORMATS[extension]}. Check that it is "
            "the file you meant, saved from a spreadsheet, with the column names on row 1."
        ) from error

    headers = [_header_name(h) for h in (dataset.headers or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ImportFileError(
            "The file has no "
            + ", ".join(missing)
            + " column. Row 1 must name the columns: "
            + ", ".join(COLUMNS)
            + " (the first three are required). Download the template to start from."
        )
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicated:
        raise ImportFileError(f"The column {', '.join(duplicated)} appears twice on row 1.")
    ignored = [h for h in headers if h and h not in COLUMNS]
    if ignored:
        notes.append(f"Columns ignored (not part of the import): {', '.join(ignored)}.")

    # A clean dataset: known columns only, in order; blank rows dropped (spreadsheets keep
    # formatted empty rows at the end), each remembered by its spreadsheet row number.
    index = {h: i for i, h in enumerate(headers) if h in COLUMNS}
    clean = tablib.Dataset(headers=COLUMNS)
    line_numbers = []
    for number, row in enumerate(dataset, start=2):
        if _is_blank(row):
            continue
        clean.append([row[index[c]] if c in index and index[c] < len(row) else "" for c in COLUMNS])
        line_numbers.append(number)
    if not clean:
        raise ImportFileError("The file has column names but no applicant rows.")
    if max_rows is not None and len(clean) > max_rows:
        raise ImportFileError(
            f"The file has {len(clean)} applicant rows; an import here takes at most "
            f"{max_rows}. Split it into smaller files, or ask a developer to run the "
            "import_applicants command."
        )
    return ApplicantFile(name=filename, dataset=clean, line_numbers=line_numbers, notes=notes)


# --- cleaning one value --------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell: 1199980012345678.0 -> "1199980012345678"
    text = str(value).strip()
    # Undo the quote our own CSV export puts before =, +, -, @ so an export imports back.
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_TRIGGERS:
        text = text[1:].strip()
    return text


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return _text(value)


class EmailWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return _text(value)


class PhoneWidget(widgets.Widget):
    """Spreadsheets turn "+250788123456" into the number 250788123456: put the "+" back."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = _text(value).replace(" ", "").replace("-", "")
        if text.isdigit() and not text.startswith("0"):
            text = "+" + text
        return text


class BirthDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(
                f"“{text}” is not a date. Write it as YYYY-MM-DD, for example 2004-03-15."
            ) from None


@functools.lru_cache(maxsize=512)
def country_code(text: str) -> str:
    """A country name (English or French) or an ISO code (RW, RWA) to the two-letter code;
    "" when unknown. Cached: looking a name up walks every country's translated name."""
    return (
        countries.alpha2(text)
        or countries.by_name(text)
        or countries.by_name(text, language="fr")
        or ""
    )


class CountryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        text = _text(value)
        if not text:
            return ""
        code = country_code(text.casefold())
        if not code:
            raise ValueError(
                f"“{text}” is not a country we know. Give its English name or its two-letter "
                "ISO code, for example Rwanda or RW."
            )
        return code


def clean_status(value: Any) -> str:
    text = _text(value).lower()
    if not text:
        return Enrollment.Status.APPLIED
    for status in Enrollment.Status:
        if text in (status.value, str(status.label).lower()):
            return status.value
    raise ValueError(
        f"“{_text(value)}” is not a status. Use one of: {', '.join(Enrollment.Status.values)} "
        "(empty means applied)."
    )


# --- the resource --------------------------------------------------------------------------


class EmailInstanceLoader(ModelInstanceLoader):
    """Find the existing student by email, whatever the capital letters (as the services do)."""

    def get_instance(self, row):
        email = _text(row.get("email"))
        return services.student_find_by_email(email) if email else None


STUDENT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "country",
]


@dataclass
class RowPlan:
    status: str = Enrollment.Status.APPLIED
    funding_source: FundingSource | None = None
    differences: list[str] = field(default_factory=list)
    enrollment: Enrollment | None = None


class ApplicantResource(resources.ModelResource):
    """One row, one applicant: a Student found by email (update) or created (new), and a new
    Enrollment in `intake`. A row the rules refuse becomes an invalid row with the reasons."""

    first_name = fields.Field(attribute="first_name", column_name="first_name", widget=TextWidget())
    last_name = fields.Field(attribute="last_name", column_name="last_name", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    national_id = fields.Field(
        attribute="national_id", column_name="national_id", widget=TextWidget()
    )
    date_of_birth = fields.Field(
        attribute="date_of_birth", column_name="date_of_birth", widget=BirthDateWidget()
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())

    class Meta:
        model = Student
        fields = STUDENT_FIELDS
        import_id_fields = ["email"]
        instance_loader_class = EmailInstanceLoader
        use_transactions = True
        skip_diff = True
        # The services clean what they save; the file's values are checked by the widgets.
        clean_model_instances = False

    def __init__(
        self,
        *,
        intake: Intake,
        by=None,
        reason: str = "",
        progress: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.intake = intake
        self.by = by
        self.reason = reason
        self.progress = progress
        self.seen_emails: dict[str, int] = {}
        self.plans: dict[int, RowPlan] = {}
        self.sources: dict[str, FundingSource] = {}
        self.line_numbers: list[int] = []

    def before_import(self, dataset, **kwargs) -> None:
        # All funding sources in one query: a few dozen rows at most.
        self.sources = {source.name.lower(): source for source in FundingSource.objects.all()}

    def line(self, row_number: int) -> int:
        if 0 < row_number <= len(self.line_numbers):
            return self.line_numbers[row_number - 1]
        return row_number + 1

    def before_import_row(self, row, row_number=None, **kwargs) -> None:
        email = _text(row.get("email"))
        if not email:
            raise ValidationError({"email": "The cell is empty; an email address is required."})
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": f"“{email}” is not a valid email address."}) from None
        earlier = self.seen_emails.setdefault(email.lower(), row_number)
        if earlier != row_number:
            raise ValidationError(
                {
                    "email": f"{email} is already on row {self.line(earlier)} of this file; "
                    "an applicant can appear only once."
                }
            )

    def import_instance(self, instance: Student, row, **kwargs) -> None:
        errors: dict[str, Any] = {}
        plan = RowPlan()
        self.plans[kwargs["row_number"]] = plan
        if instance.pk is None:
            try:
                super().import_instance(instance, row, **kwargs)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            for name in ("first_name", "last_name"):
                if name not in errors and not getattr(instance, name):
                    errors[name] = [
                        f"The cell is empty; a {COLUMN_LABELS[name].lower()} is required."
                    ]
        else:
            # An existing student keeps the details on record; say where the file differs.
            for name in STUDENT_FIELDS:
                try:
                    value = self.fields[name].clean(row)
                except ValueError:
                    continue
                current = getattr(instance, name)
                if name == "country":
                    current = current.code
                if name == "email":
                    value, current = value.lower(), current.lower()
                if value not in (None, "") and value != current:
                    plan.differences.append(COLUMN_LABELS[name].lower())
        try:
            plan.status = clean_status(row.get("status"))
        except ValueError as error:
            errors["status"] = [str(error)]
        source_name = _text(row.get("funding_source"))
        if source_name:
            plan.funding_source = self.sources.get(source_name.lower())
            if plan.funding_source is None:
                errors["funding_source"] = [
                    f"“{source_name}” is not a funding source. Use the name exactly as in the "
                    "admin, for example HEC–Alibaba Joint Scholarship, or leave it empty."
                ]
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance: Student, is_create: bool, row, **kwargs) -> None:
        plan = self.plans[kwargs["row_number"]]
        # A savepoint per row: a refused enrollment takes its new student with it.
        with transaction.atomic():
            if is_create:
                details = {name: getattr(instance, name) for name in STUDENT_FIELDS}
                email = details.pop("email")
                student, _created = services.student_get_or_create(email=email, **details)
                instance.pk = student.pk
            else:
                student = instance
            plan.enrollment = services.enrollment_create(
                student=student,
                intake=self.intake,
                status=plan.status,
                funding_source=plan.funding_source,
                by=self.by,
                reason=self.reason,
            )

    def after_import_row(self, row, row_result, **kwargs) -> None:
        if self.progress is not None:
            self.progress()

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        # import_row catches every error; progress must still move on a refused row.
        if row_result.import_type in (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR):
            self.after_import_row(row, row_result, **kwargs)
        return row_result


# --- the import service --------------------------------------------------------------------


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

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class ImportReport:
    intake: Intake
    file_name: str
    dry_run: bool
    rows: list[RowReport]
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def refused(self) -> int:
        return self.count("refused")

    @property
    def refused_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.action == "refused"]

    @property
    def written(self) -> bool:
        """Whether the rows are now in the database (a real import with no refusal)."""
        return not self.dry_run and not self.refused

    def summary(self) -> str:
        counts = (
            f"{self.created} new student(s), {self.updated} existing student(s), "
            f"{self.refused} row(s) refused"
        )
        if self.dry_run:
            return f"Dry run of {self.file_name}: {counts}. Nothing was written."
        if self.refused:
            return f"Nothing was imported from {self.file_name}: {counts}."
        return (
            f"Imported {self.created + self.updated} applicant(s) into {self.intake} from "
            f"{self.file_name}: {counts}."
        )


def _reasons(error: ValidationError) -> list[str]:
    """The refusal as sentences; a student field's message is prefixed with its column."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{COLUMN_LABELS[key]}: {message}" if key in STUDENT_FIELDS else message
        for key, messages in error.message_dict.items()
        for message in messages
    ]


def _row_report(resource: ApplicantResource, number: int, row: dict, result: RowResult):
    plan = resource.plans.get(number)
    report = RowReport(
        line=resource.line(number),
        action="refused",
        first_name=_text(row.get("first_name")),
        last_name=_text(row.get("last_name")),
        email=_text(row.get("email")),
        status=plan.status if plan else _text(row.get("status")) or Enrollment.Status.APPLIED,
        funding_source=_text(row.get("funding_source")),
    )
    if result.import_type == RowResult.IMPORT_TYPE_INVALID:
        report.reasons = _reasons(result.validation_error)
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
            report.notes.append("Existing student: the enrollment is added to their record.")
            if plan is not None and plan.differences:
                report.notes.append(
                    "The details on record are kept; the file differs on: "
                    + ", ".join(plan.differences)
                    + "."
                )
    return report


def applicants_import(
    *,
    intake: Intake,
    applicant_file: ApplicantFile,
    dry_run: bool,
    by=None,
    progress: Callable[[], None] | None = None,
) -> ImportReport:
    """Import (or, with dry_run, rehearse importing) the file's applicants into `intake`.

    All or nothing: one transaction; any refused row rolls back every row. A dry run always
    rolls back. Holds the intake's lock (taken by the services at the first row) until the end.
    """
    reason = f"Imported from {applicant_file.name}"
    resource = ApplicantResource(intake=intake, by=by, reason=reason, progress=progress)
    resource.line_numbers = applicant_file.line_numbers
    # Imported applicants did not apply on the site: the services send them no status email
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
    return ImportReport(
        intake=intake,
        file_name=applicant_file.name,
        dry_run=dry_run,
        rows=rows,
        notes=list(applicant_file.notes),
    )

"""CSV exports of personal data: the enrollment list (and the CSV writer the funder report shares).

One exporter serves the staff URL (programs:enrollment-export) and the admin action. The file
is built for spreadsheets and for safety:

- UTF-8 with a byte-order mark, so Excel reads accents right; the csv module's quoting
  (QUOTE_MINIMAL: fields with commas, quotes or line breaks are quoted) and CRLF line ends.
- Formula injection (OWASP "CSV injection"): every text cell that starts with =, +, -, @, a tab,
  a carriage return or a line feed gets a leading single quote, so a spreadsheet shows it as
  text instead of running it. A phone number "+250788123456" is therefore written
  "'+250788123456". django-import-export's own escaping only handles a leading "=".
- It streams: rows come from one query read in chunks (QuerySet.iterator), co-funders from one
  query made up front, so memory stays flat and the number of queries does not grow with rows.
- Every export is logged in ExportLog. The log row is written before the first byte is sent and
  its row_count is set when the last row has been written (or, when the download is cut short,
  to the rows written so far), so the count says how much personal data left the server.

Columns are documented in docs/exports.md; change them only together with that page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .models import Enrollment, ExportLog, FundingShare, FundingSource, Intake, Program

BOM = "\ufeff"
# Characters that make a spreadsheet treat a cell as a formula (or mangle it): OWASP's list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Rows buffered before a chunk is sent: big enough to keep the overhead per chunk small,
# small enough to keep memory flat.
ROWS_PER_CHUNK = 500
QUERY_CHUNK_SIZE = 2000

ENROLLMENT_COLUMNS = [
    "Enrollment ID",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "National ID",
    "Country",
    "Programme",
    "Intake",
    "Intake start date",
    "Status",
    "Status changed on",
    "Funding source",
    "Co-funders",
    "Applied on",
]

# The values read for each row, in one query (no model instances: faster and lighter).
_ENROLLMENT_FIELDS = [
    "pk",
    "student__first_name",
    "student__last_name",
    "student__email",
    "student__phone",
    "student__national_id",
    "student__country",
    "intake__program__name",
    "intake__name",
    "intake__start_date",
    "status",
    "status_changed_at",
    "funding_source_id",
    "funding_source__name",
    "created_at",
]

EXPORT_ORDERING = [
    "intake__program__name",
    "intake__start_date",
    "intake__name",
    "student__last_name",
    "student__first_name",
    "pk",
]


# --- cells and rows ------------------------------------------------------------------------


def escape_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would read as a formula; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_chunks(
    header: list[str],
    rows: Iterable[Iterable[Any]],
    on_done: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """Encode a header and rows as CSV (BOM first), yielding UTF-8 bytes a few hundred rows at
    a time. Every cell goes through escape_cell.

    `on_done(count)` is called with the number of rows written once the rows are done, and
    also when the consumer stops early (a download cut short closes the generator).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # QUOTE_MINIMAL, "\r\n" line ends
    buffer.write(BOM)
    writer.writerow([escape_cell(cell) for cell in header])
    count = pending = 0
    try:
        for row in rows:
            writer.writerow([escape_cell(cell) for cell in row])
            count += 1
            pending += 1
            if pending >= ROWS_PER_CHUNK:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        yield buffer.getvalue().encode("utf-8")
    finally:
        if on_done is not None:
            on_done(count)


def co_funders_by_source() -> dict[int, str]:
    """Each funding source's co-funders as text, e.g. "ABS 60%; UNCTAD 40%". One query.

    Co-funders are listed in the order staff recorded them.
    """
    shares = FundingShare.objects.select_related("partner").order_by("funding_source_id", "pk")
    texts: dict[int, list[str]] = {}
    for share in shares:
        texts.setdefault(share.funding_source_id, []).append(share_text(share))
    return {source_id: "; ".join(parts) for source_id, parts in texts.items()}


def share_text(share: FundingShare) -> str:
    name = share.partner.display_name
    if share.share_percent is None:
        return f"{name} (share not given)"
    return f"{name} {share.share_percent.normalize():f}%"


def enrollment_rows(queryset: QuerySet[Enrollment]) -> Iterator[list[Any]]:
    """The export's rows for `queryset`, in the export's order.

    Two queries whatever the number of rows: the co-funders, then the rows (read in chunks).
    """
    co_funders = co_funders_by_source()
    tz = timezone.get_current_timezone()  # once: looking it up costs more than the conversion
    values = queryset.order_by(*EXPORT_ORDERING).values_list(*_ENROLLMENT_FIELDS)
    for (
        pk,
        first_name,
        last_name,
        email,
        phone,
        national_id,
        country,
        program,
        intake,
        start_date,
        status,
        status_changed_at,
        source_id,
        source_name,
        created_at,
    ) in values.iterator(chunk_size=QUERY_CHUNK_SIZE):
        yield [
            pk,
            first_name,
            last_name,
            email,
            phone,
            national_id,
            country or "",
            program,
            intake,
            start_date.isoformat() if start_date else "",
            status,
            status_changed_at.astimezone(tz).date().isoformat(),
            source_name or "",
            co_funders.get(source_id, "") if source_id else "",
            created_at.astimezone(tz).date().isoformat(),
        ]


# --- logging and the response --------------------------------------------------------------


def csv_response(
    *,
    header: list[str],
    rows: Iterable[Iterable[Any]],
    filename: str,
    user: AbstractBaseUser,
    kind: str,
    filters: dict,
) -> StreamingHttpResponse:
    """A streamed, logged CSV download. The ExportLog row is created now (one INSERT) and its
    row_count written when the rows are done (one UPDATE)."""
    log = ExportLog.objects.create(
        user=user, username=user.get_username(), kind=kind, filters=filters, row_count=0
    )

    def save_count(count: int) -> None:
        ExportLog.objects.filter(pk=log.pk).update(row_count=count)

    response = StreamingHttpResponse(
        csv_chunks(header, rows, save_count), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_filename(prefix: str, *scope: str) -> str:
    """An ASCII file name naming the scope and today's date, e.g.
    enrollments-international-business-september-2027-2026-11-27.csv."""
    parts = [slugify(part) for part in (prefix, *scope) if part]
    parts.append(timezone.localdate().isoformat())
    return "-".join(part for part in parts if part) + ".csv"


def enrollment_export_response(
    *, queryset: QuerySet[Enrollment], user, filters: dict, scope: list[str]
) -> StreamingHttpResponse:
    return csv_response(
        header=ENROLLMENT_COLUMNS,
        rows=enrollment_rows(queryset),
        filename=export_filename("enrollments", *(scope or ["all"])),
        user=user,
        kind=ExportLog.Kind.ENROLLMENTS,
        filters=filters,
    )


# --- filters of the staff URL --------------------------------------------------------------


class EnrollmentExportFilterForm(forms.Form):
    """The filters of the export URL: ?intake=ID&program=ID&status=enrolled&status=offered
    &funding_source=ID. Each is optional; status can repeat."""

    intake = forms.ModelChoiceField(
        queryset=Intake.objects.select_related("program"),
        required=False,
        error_messages={"invalid_choice": "There is no intake with the id given."},
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no programme with the id given."},
    )
    status = forms.MultipleChoiceField(
        choices=Enrollment.Status.choices,
        required=False,
        error_messages={
            "invalid_choice": "“%(value)s” is not a status. Use one of: "
            + ", ".join(Enrollment.Status.values)
            + "."
        },
    )
    funding_source = forms.ModelChoiceField(
        queryset=FundingSource.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no funding source with the id given."},
    )

    def filter(self, queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
        data = self.cleaned_data
        if data["intake"]:
            queryset = queryset.filter(intake=data["intake"])
        if data["program"]:
            queryset = queryset.filter(intake__program=data["program"])
        if data["status"]:
            queryset = queryset.filter(status__in=data["status"])
        if data["funding_source"]:
            queryset = queryset.filter(funding_source=data["funding_source"])
        return queryset

    def as_log(self) -> dict:
        """The filters as stored in ExportLog: ids and names, so the log reads on its own."""
        data = self.cleaned_data
        log: dict[str, Any] = {"via": "staff URL"}
        for name in ("intake", "program", "funding_source"):
            if data[name]:
                log[name] = {"id": data[name].pk, "name": str(data[name])}
        if data["status"]:
            log["status"] = list(data["status"])
        return log

    def scope(self) -> list[str]:
        """Words naming the export in its file name."""
        data = self.cleaned_data
        parts: list[str] = []
        if data["intake"]:
            parts += [data["intake"].program.slug, data["intake"].name]
        elif data["program"]:
            parts.append(data["program"].slug)
        if data["funding_source"]:
            parts.append(data["funding_source"].name)
        parts += sorted(data["status"])
        return parts

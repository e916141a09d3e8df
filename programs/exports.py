"""CSV exports of personal data: the enrollment list (and the CSV writer the funder report shares).

One exporter serves the staff URL (programs:enrollment-export) and the admin action. The file
is built for spreadsheets and for safety:

- UTF-8 with a byte-order mark, so Excel reads accents right; the csv module's quoting
  (QUOTE_MINIMAL: fields with commas, quotes or line breaks are quoted) and CRLF line ends.
- Formula injection (OWASP "CSV injection"): every text cell that starts with =, +, -, @, a tab,
  a carriage return or a line feed gets a leading single quote, so a spreadsheet shows it as
  text instead of running it. A phone number "+250788123456" is therefore written
  "'+250788123456". django-import-export's own escaping only handles a leading "=".
- It streams: rows come from one query read as it goes (QuerySet.iterator on SQLite, COPY on
  PostgreSQL: see text_rows), co-funders from one query made up front, so memory stays flat
  and the number of queries does not grow with rows. Its speed is measured against the
  database's own command-line tool writing the same CSV (bench/run.py).
- Every export is logged in ExportLog. The log row is written before the first byte is sent and
  its row_count is set when the last row has been written (or, when the download is cut short,
  to the rows written so far), so the count says how much personal data left the server.

Columns are documented in docs/exports.md; change them only together with that page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime, time, timedelta, tzinfo
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import connections
from django.db.models import Func, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .models import Enrollment, ExportLog, FundingShare, FundingSource, Intake, Program

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

BOM = "\ufeff"
# Characters that make a spreadsheet treat a cell as a formula (or mangle it): OWASP's list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)
# Rows buffered before a chunk is sent: big enough to keep the overhead per chunk small,
# small enough to keep memory flat.
ROWS_PER_CHUNK = 500
QUERY_CHUNK_SIZE = 2000
SECONDS_A_DAY = 86_400

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

# The columns read for each row, in one query, in the query's column order, all as text (see
# enrollment_rows).
_ENROLLMENT_FIELDS = [
    "student__first_name",
    "student__last_name",
    "student__email",
    "student__phone",
    "student__national_id",
    "student__country",
    "intake__program__name",
    "intake__name",
    "status",
    "funding_source__name",
    "id_text",
    "intake_start_date",
    "status_changed_seconds",
    "funding_source_id_text",
    "created_seconds",
]
# Those columns as text_rows reads them: only the funding source's (a LEFT JOIN, as an
# enrollment may have no funded place) can be NULL; every other column is NOT NULL.
_EnrollmentTextRow = tuple[
    str, str, str, str, str, str, str, str, str, str | None, str, str, str, str | None, str
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
    return escape_text(value) if isinstance(value, str) else value


def escape_text(value: str) -> str:
    """escape_cell for a value known to be text, twice as fast: the enrollment export calls it
    nine times a row."""
    return "'" + value if value[:1] in _TRIGGER_SET else value


def csv_chunks(
    header: list[str],
    rows: Iterable[Iterable[Any]],
    on_done: Callable[[int], None] | None = None,
    *,
    escaped_text: bool = False,
) -> Iterator[bytes]:
    """Encode a header and rows as CSV (BOM first), yielding UTF-8 bytes ROWS_PER_CHUNK rows
    at a time. Every cell goes through escape_cell, unless `escaped_text` says that each row is
    a sequence of strings escaped already (enrollment_rows escapes column by column, which is
    cheaper); those rows are written by write_text_rows.

    `on_done(count)` is called with the number of rows written once the rows are done, and
    also when the consumer stops early (a download cut short closes the generator).
    """
    rows = iter(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # QUOTE_MINIMAL, "\r\n" line ends
    buffer.write(BOM)
    writer.writerow([escape_cell(cell) for cell in header])
    count = 0
    try:
        while True:
            chunk = list(islice(rows, ROWS_PER_CHUNK))
            if escaped_text:
                # The caller's promise (escaped_text): each row is a sequence of escaped text.
                write_text_rows(buffer, writer, cast("list[Sequence[str]]", chunk))
            else:
                writer.writerows([escape_cell(cell) for cell in row] for row in chunk)
            count += len(chunk)
            yield buffer.getvalue().encode("utf-8")
            if len(chunk) < ROWS_PER_CHUNK:
                break
            buffer.seek(0)
            buffer.truncate()
    finally:
        # Close the rows first: on PostgreSQL they may still be coming through COPY, which
        # holds the connection that on_done needs.
        if hasattr(rows, "close"):
            rows.close()
        if on_done is not None:
            on_done(count)


def write_text_rows(buffer: io.StringIO, writer: Any, rows: list[Sequence[str]]) -> None:
    """Write rows of text to `buffer` exactly as `writer`, a csv.writer on it, would, about
    four times faster.

    csv.writer (QUOTE_MINIMAL) quotes a cell only when it holds the delimiter, the quote
    character or a line break (or when it is the only cell of a row, and empty). So a row of
    two or more cells with none of these characters is its cells joined with commas, and that
    is most rows. A row is taken to be one when its joined text holds no quote or line break
    and exactly one comma fewer than it has cells; any other row goes through `writer`.
    At 100,000 enrollments this takes 0.25 s where writer.writerows took 1 s.
    """
    lines: list[str] = []
    for row in rows:
        line = ",".join(row)
        if (
            len(row) > 1
            and line.count(",") == len(row) - 1
            and '"' not in line
            and "\n" not in line
            and "\r" not in line
        ):
            lines.append(line)
            continue
        if lines:
            buffer.write("\r\n".join(lines) + "\r\n")
            lines = []
        writer.writerow(row)
    if lines:
        buffer.write("\r\n".join(lines) + "\r\n")


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


# The export reads every column as text, so that no driver or Django converter makes an
# object of each value first: on PostgreSQL psycopg would parse every datetime in Python
# (through Django's time zone loader, about 9 µs each), on SQLite Django would parse it and
# make it aware. Two datetimes a row made that the largest cost of the export.


class ISODate(Func):
    """A date column as text, "YYYY-MM-DD"."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores dates as this text already; CAST only hides the column's declared
        # type, which would make the sqlite3 module parse the value.
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS text)")

    def as_postgresql(self, compiler, connection, **extra_context):
        # to_char, not ::text, whose format depends on the server's DateStyle.
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')")


class EpochSeconds(Func):
    """A datetime column as text: whole seconds since 1970-01-01 UTC, the fraction dropped
    (which cannot change its local date: zones change offset, and days start, on whole
    seconds)."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC. The fraction is cut off as text
        # because strftime rounds it to milliseconds, which carries a time in the last half
        # millisecond before midnight into the next day. unixepoch() would need SQLite 3.38.
        # The %%%% become the % of strftime('%s', ...) after Python's % formatting of the
        # template and Django's placeholder conversion.
        template = "strftime('%%%%s', substr(%(expressions)s, 1, 19))"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "floor(extract(epoch FROM %(expressions)s))::bigint::text"
        return self.as_sql(compiler, connection, template=template)


def local_dates(tz: tzinfo) -> Callable[[str], str]:
    """A function turning a time given as seconds since the epoch, in text (EpochSeconds),
    into its date in `tz`, "YYYY-MM-DD".

    Converting each time costs about 2 µs, and the export has two a row. But on a day when the
    zone keeps its offset, a UTC day holds at most one local midnight. So the work is done once
    per UTC day: the local date before that midnight, the midnight, the local date from it on;
    each time is then one comparison. A day on which the offset changes (daylight saving) has
    each of its times converted in full. Memory grows with the number of days the data spans,
    not with the number of rows.
    """
    days: dict[int, tuple[str, int, str] | None] = {}

    def local_date(seconds_text: str) -> str:
        seconds = int(seconds_text)
        day = seconds // SECONDS_A_DAY
        try:
            split = days[day]
        except KeyError:
            split = days[day] = _split_utc_day(day, tz)
        if split is None:
            return datetime.fromtimestamp(seconds, tz).date().isoformat()
        before, midnight, after = split
        return after if seconds >= midnight else before

    return local_date


def _split_utc_day(day: int, tz: tzinfo) -> tuple[str, int, str] | None:
    """(local date before local midnight, local midnight in seconds since the epoch, local date
    from then on) for the UTC day `day` (days since the epoch), or None when the zone's offset
    changes during that day."""
    start = datetime.fromtimestamp(day * SECONDS_A_DAY, UTC)
    last = start + timedelta(seconds=SECONDS_A_DAY - 1)
    offset = start.astimezone(tz).utcoffset()
    if offset is None or last.astimezone(tz).utcoffset() != offset:
        return None
    before = (start + offset).date()
    midnight = datetime.combine(before + timedelta(days=1), time(), UTC) - offset
    return before.isoformat(), int(midnight.timestamp()), (last + offset).date().isoformat()


# COPY's text format writes a backslash, and the characters that would break its fields and
# lines, as backslash sequences; it writes no other escapes.
_COPY_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_unescape(match: re.Match) -> str:
    return _COPY_ESCAPES.get(match[1], match[1])


def text_rows(values: QuerySet) -> Generator[Sequence[str | None], None, None]:
    """The rows of `values`, a values_list() of text columns, streamed in the query's order.
    A NULL comes as None on SQLite, as "" on PostgreSQL.

    SQLite: QuerySet.iterator(). PostgreSQL: the same SELECT through COPY (...) TO STDOUT rather
    than QuerySet.iterator()'s server-side cursor, because PostgreSQL never runs a cursor's
    query in parallel: at 100,000 enrollments the query took 1.2-1.4 s in one process, 0.7 s
    in parallel, which is what psql's \\copy gets. COPY streams as well (a row at a time), and
    Django logs it as a query. Two things follow. The columns come in the SELECT's order, which
    is values_list()'s only when it names the model's fields first and then the annotations in
    the order they were made (enrollment_rows does). And until the rows are all read or the
    iterator is closed, COPY holds the connection: a query made meanwhile would wait for ever
    (csv_chunks closes the rows before it writes the count).
    """
    connection = connections[values.db]
    if connection.vendor != "postgresql":
        yield from values.iterator(chunk_size=QUERY_CHUNK_SIZE)
        return
    sql, params = values.query.get_compiler(using=values.db).as_sql()
    ops = cast("PostgresOperations", connection.ops)  # the vendor is checked above
    statement = f"COPY ({ops.compose_sql(sql, params)}) TO STDOUT (NULL '')"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for data in copy:  # a row ending in "\n" (psycopg's Copy.read())
            for line in str(data, "utf-8").split("\n")[:-1]:
                if "\\" in line:
                    yield [_COPY_ESCAPE.sub(_copy_unescape, field) for field in line.split("\t")]
                else:
                    yield line.split("\t")


def enrollment_rows(queryset: QuerySet[Enrollment]) -> Iterator[tuple[str, ...]]:
    """The export's rows for `queryset`, in the export's order, text cells escaped.

    Two queries whatever the number of rows: the co-funders, then the rows (streamed: see
    text_rows). Every column is read as text (dates as ISO text or seconds: see ISODate and
    EpochSeconds), and what can be worked out once is (co-funders text, the time zone, each
    day's local midnight): at 100,000 rows, every microsecond a row is a tenth of a second.
    """
    co_funders = {
        str(source_id): escape_text(text) for source_id, text in co_funders_by_source().items()
    }
    local_date = local_dates(timezone.get_current_timezone())
    values = (
        queryset.order_by(*EXPORT_ORDERING)
        .annotate(
            id_text=Cast("pk", TextField()),
            intake_start_date=ISODate("intake__start_date"),
            status_changed_seconds=EpochSeconds("status_changed_at"),
            funding_source_id_text=Cast("funding_source_id", TextField()),
            created_seconds=EpochSeconds("created_at"),
        )
        .values_list(*_ENROLLMENT_FIELDS)
    )
    with closing(text_rows(values)) as rows:  # closed at once if the download is cut short
        for (
            first_name,
            last_name,
            email,
            phone,
            national_id,
            country,
            program,
            intake,
            status,
            source_name,
            pk,
            start_date,
            status_changed_seconds,
            source_id,
            created_seconds,
        ) in cast("Iterator[_EnrollmentTextRow]", rows):
            yield (
                pk,
                escape_text(first_name),
                escape_text(last_name),
                escape_text(email),
                escape_text(phone),
                escape_text(national_id),
                escape_text(country or ""),
                escape_text(program),
                escape_text(intake),
                start_date,
                escape_text(status),
                local_date(status_changed_seconds),
                escape_text(source_name) if source_name else "",
                co_funders.get(source_id, "") if source_id else "",
                local_date(created_seconds),
            )


# --- logging and the response --------------------------------------------------------------


def csv_response(
    *,
    header: list[str],
    rows: Iterable[Iterable[Any]],
    filename: str,
    user: User,
    kind: str,
    filters: dict,
    escaped_text: bool = False,
) -> StreamingHttpResponse:
    """A streamed, logged CSV download. The ExportLog row is created now (one INSERT) and its
    row_count written when the rows are done (one UPDATE)."""
    log = ExportLog.objects.create(
        user=user, username=user.get_username(), kind=kind, filters=filters, row_count=0
    )

    def save_count(count: int) -> None:
        ExportLog.objects.filter(pk=log.pk).update(row_count=count)

    response = StreamingHttpResponse(
        csv_chunks(header, rows, save_count, escaped_text=escaped_text),
        content_type="text/csv; charset=utf-8",
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
        escaped_text=True,
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

"""The enrollment export: its columns, its rows (two queries whatever their number) and its
response."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from typing import cast

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone

from ..models import Enrollment, ExportLog, FundingShare
from ..phones import phone_for_csv
from .cells import escape_text
from .response import csv_response, export_filename
from .text_columns import EpochSeconds, ISODate, local_dates, text_rows

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
                escape_text(phone_for_csv(phone, country)),
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

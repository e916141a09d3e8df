"""A streamed, logged CSV download and its file name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from ..models import ExportLog
from .cells import csv_chunks

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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

"""Export edges that mutation testing found unchecked (docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import pytest
from django.utils import timezone

from programs import exports
from programs.models import ExportLog

from .exports_support import EXPORT_URL, streamed_body

pytestmark = pytest.mark.django_db


def test_an_export_of_everything_is_named_all(client, superuser, september_intake):
    client.force_login(superuser)
    response = client.get(EXPORT_URL)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="enrollments-all-{today}.csv"'
    streamed_body(response)
    assert ExportLog.objects.get().row_count == 0


@pytest.mark.parametrize("rows", [3, 1200], ids=["read to the end", "cut short"])
def test_the_row_source_is_closed_before_the_count_is_written(rows):
    """On PostgreSQL the rows hold the connection the count is written through (COPY): they are
    closed first, whether the download ends or is cut short."""
    events: list[str] = []

    def source():
        try:
            yield from ([n] for n in range(rows))
        finally:
            events.append("rows closed")

    chunks = exports.csv_chunks(["n"], source(), on_done=lambda n: events.append(f"{n} written"))
    first = next(chunks)
    chunks.close()
    written = min(rows, exports.ROWS_PER_CHUNK)
    assert first.count(b"\r\n") == 1 + written
    assert events == ["rows closed", f"{written} written"]

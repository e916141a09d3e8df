"""What the export tests share: the URL and reading a streamed CSV back as a spreadsheet would."""

import csv
import io

from django.http import StreamingHttpResponse
from django.urls import reverse

from programs import exports

EXPORT_URL = reverse("programs:enrollment-export")


def streamed_body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return response.getvalue()


def csv_rows(body: bytes) -> list[list[str]]:
    """Read an export back as a spreadsheet would, then undo the formula escaping."""
    assert body.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""))
    return [
        [
            cell[1:] if cell.startswith("'") and cell[1:2] in exports.FORMULA_TRIGGERS else cell
            for cell in row
        ]
        for row in reader
    ]

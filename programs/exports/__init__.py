"""CSV exports of personal data: the enrollment list (and the CSV writer the funder report shares).

One exporter serves the staff URL (programs:enrollment-export) and the admin action. The file
is built for spreadsheets and for safety:

- UTF-8 with a byte-order mark, so Excel reads accents right; the csv module's quoting
  (QUOTE_MINIMAL: fields with commas, quotes or line breaks are quoted) and CRLF line ends.
- Formula injection (OWASP "CSV injection"): every text cell that starts with =, +, -, @, a tab,
  a carriage return or a line feed gets a leading single quote, so a spreadsheet shows it as
  text instead of running it. Phone numbers are written as dialled with hyphens
  ("0788-123-456", programs.phones.phone_for_csv), so they never need it.
  django-import-export's own escaping only handles a leading "=".
- It streams: rows come from one query read as it goes (QuerySet.iterator on SQLite, COPY on
  PostgreSQL: see text_rows), co-funders from one query made up front, so memory stays flat
  and the number of queries does not grow with rows. Its speed is measured against the
  database's own command-line tool writing the same CSV (bench/run.py).
- Every export is logged in ExportLog. The log row is written before the first byte is sent and
  its row_count is set when the last row has been written (or, when the download is cut short,
  to the rows written so far), so the count says how much personal data left the server.

Columns are documented in docs/exports.md; change them only together with that page.
"""

from .cells import (
    BOM,
    FORMULA_TRIGGERS,
    ROWS_PER_CHUNK,
    csv_chunks,
    escape_cell,
    escape_text,
    write_text_rows,
)
from .enrollments import (
    ENROLLMENT_COLUMNS,
    EXPORT_ORDERING,
    co_funders_by_source,
    enrollment_export_response,
    enrollment_rows,
    share_text,
)
from .response import csv_response, export_filename
from .text_columns import SECONDS_A_DAY, EpochSeconds, ISODate, local_dates, text_rows

__all__ = [
    "BOM",
    "ENROLLMENT_COLUMNS",
    "EXPORT_ORDERING",
    "FORMULA_TRIGGERS",
    "ROWS_PER_CHUNK",
    "SECONDS_A_DAY",
    "EpochSeconds",
    "ISODate",
    "co_funders_by_source",
    "csv_chunks",
    "csv_response",
    "enrollment_export_response",
    "enrollment_rows",
    "escape_cell",
    "escape_text",
    "export_filename",
    "local_dates",
    "share_text",
    "text_rows",
    "write_text_rows",
]

"""What an applicant file may hold, and the error that refuses a file as a whole.

The limits keep a hostile or broken file from exhausting the server: a 0.25 MB XLSX can unpack to
a million rows (it once took 28 s and 560 MB before the row limit was even checked). Every
limit is checked while the file is read as a stream, so a refusal costs a fraction of a second
and a few megabytes, whatever the file claims to hold. Measurements: docs/performance.md.
"""

from __future__ import annotations

from django.utils.formats import number_format

MAX_FILE_BYTES = 5 * 1024 * 1024
# A web request runs the rows twice (dry run, then confirmation) at about 20 ms a row on
# SQLite; bigger files go through the import_applicants command.
ADMIN_MAX_ROWS = 1000
# The command runs one transaction holding the intake's lock: 20,000 rows take about 6 minutes,
# far more applicants than any intake has had.
COMMAND_MAX_FILE_BYTES = 20_000_000
COMMAND_MAX_ROWS = 20_000
FILE_FORMATS = {".csv": "CSV", ".xlsx": "XLSX"}

# Rows of the sheet, the empty ones included: spreadsheets keep formatted empty rows below the
# data, but not a hundred thousand of them.
MAX_SHEET_ROWS = 100_000
# Columns with a value: the template has 9; exports from other systems add some.
MAX_COLUMNS = 100
# The longest value a column needs is an email address (254 characters).
MAX_CELL_CHARS = 1000

# XLSX files are zip archives of XML parts.
MAX_UNPACKED_BYTES = 50_000_000
# Spreadsheet XML compresses 5 to 20 times; a zip bomb, hundreds of times. Checked on the parts
# big enough to matter.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# openpyxl reads every part but the sheets whole into memory, at up to 0.8 KB an element for
# styles (100,000 elements: 80 MB) and about 0.15 KB for shared strings (400,000: 60 MB, two
# values for each of 20,000 rows x 10 columns). A normal workbook's styles hold a few thousand.
MAX_PART_ELEMENTS = 100_000
MAX_SHARED_STRINGS_ELEMENTS = 400_000
# Excel's own limit on the columns of a row: a row with more cells was not made by a spreadsheet.
MAX_ROW_CELLS = 16_384


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, missing columns, too big)."""


def n(value: int | float, decimals: int | None = None) -> str:
    """A number for a message, grouped as the active language writes it ("1,000,000")."""
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def mb(size: int) -> str:
    return n(size / 1_000_000, 1)


def unreadable(filename: str, file_format: str) -> ImportFileError:
    return ImportFileError(
        f"“{filename}” could not be read as {file_format}. Check that it is the file you meant, "
        "saved from a spreadsheet, with the column names on row 1."
    )


def file_too_big(size: int, limit: int) -> ImportFileError:
    return ImportFileError(
        f"The file is {size / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.0f} MB. "
        "Split it into smaller files."
    )

"""Reading an uploaded applicant file (CSV or XLSX) into clean rows, within limits."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

import tablib
from import_export.formats.base_formats import CSV, XLSX

from .columns import COLUMNS, REQUIRED_COLUMNS

logger = logging.getLogger(__name__)

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

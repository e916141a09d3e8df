"""Reading an uploaded applicant file (CSV or XLSX) into clean rows, within limits.

Both formats are read as a stream of rows (csv.reader over a lazy decoder; openpyxl in
read-only mode behind the checks of xlsx.py) that stops at the first limit it meets, so a file
claiming a million rows costs no more to refuse than one with a thousand and one.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.utils.translation import gettext as _

from .columns import APPLICANTS, Layout
from .limits import (
    COMMAND_MAX_ROWS,
    FILE_FORMATS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_SHEET_ROWS,
    ImportFileError,
    file_too_big,
    n,
    unreadable,
)
from .xlsx import xlsx_rows

logger = logging.getLogger(__name__)


@dataclass
class ApplicantFile:
    """The rows of an uploaded file, with what staff should know about how it was read."""

    name: str
    dataset: tablib.Dataset
    line_numbers: list[int]  # the spreadsheet row number of each dataset row
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.dataset)


def header_name(value: Any) -> str:
    return str(value or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _width(values: Iterable[Any]) -> int:
    """How many columns the row uses: up to its last cell with a value."""
    width = 0
    for i, value in enumerate(values, start=1):
        if value is not None and str(value).strip() != "":
            width = i
    return width


def _check_row(
    values: tuple[Any, ...] | list[Any],
    line: int,
    header_width: int | None,
    layout: Layout,
    headerless: bool = False,
) -> int:
    """Refuse a row too wide or with an overlong cell; return its width (0: a blank row)."""
    width = _width(values)
    if width > MAX_COLUMNS:
        raise ImportFileError(
            layout.too_wide % {"line": n(line), "count": n(width), "limit": n(MAX_COLUMNS)}
        )
    if header_width is not None and width > header_width:
        words = {"line": n(line), "count": n(width), "header": n(header_width)}
        if headerless:
            raise ImportFileError(
                _(
                    "Row %(line)s has values in %(count)s columns, but a list without a header "
                    "line has only %(header)s: name, organisation, job title and email. Add a "
                    "header line naming the columns."
                )
                % words
            )
        raise ImportFileError(
            _(
                "Row %(line)s has values in %(count)s columns, but row 1 names only %(header)s. "
                "Check for a comma inside a value that is not in quotes, or name every column "
                "on row 1."
            )
            % words
        )
    for value in values:
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise _overlong(line, n(len(value)), layout)
    return width


def _overlong(line: int, length: str, layout: Layout) -> ImportFileError:
    return ImportFileError(
        layout.overlong % {"line": n(line), "length": length, "limit": n(MAX_CELL_CHARS)}
    )


_WINDOWS_NOTE = (
    "The file is not in UTF-8; it was read as Windows-1252. Check that accented names "
    "look right below, or save the file as “CSV UTF-8” and upload it again."
)


def _encoding(content: bytes) -> str:
    """UTF-8 (with or without BOM) first; Excel's "CSV" on Windows is Windows-1252.

    Checked by decoding in pieces that are thrown away, so the text is never held whole.
    """
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(content), 1 << 20):
                decoder.decode(content[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def delimiter_of(content: bytes) -> str:
    """Commas, or semicolons / tabs where a spreadsheet in another language used them."""
    first_line = content[:65536].split(b"\n", 1)[0]
    counts = {d: first_line.count(d.encode()) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _csv_rows(content: bytes, encoding: str, layout: Layout) -> Generator[list[str], None, None]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter_of(content))
    try:
        yield from reader
    except csv.Error as error:
        # csv refuses a field over 131,072 characters itself, before we can measure it.
        if "field larger than field limit" in str(error):
            raise _overlong(reader.line_num, n(csv.field_size_limit()) + "+", layout) from error
        raise


def read_applicants_file(
    content: bytes,
    filename: str,
    *,
    max_rows: int | None = None,
    max_bytes: int | None = MAX_FILE_BYTES,
    layout: Layout = APPLICANTS,
    headerless: bool = False,
) -> ApplicantFile:
    """Read a CSV or XLSX file of applicants. Raises ImportFileError with a sentence for staff.

    The admin and the command pass their own limits; the limits of limits.py hold for both.
    `headerless`: row 1 is a header the caller put there (a pasted list without one), so the
    rows are numbered from 1 below it and the messages do not speak of a row 1 of names.
    """
    extension = os.path.splitext(filename.lower())[1]
    if extension not in FILE_FORMATS:
        raise ImportFileError(
            f"“{filename}” is neither a CSV nor an XLSX file. Save the spreadsheet as CSV "
            "(UTF-8) or Excel workbook (.xlsx) and upload that."
        )
    if max_bytes is not None and len(content) > max_bytes:
        raise file_too_big(len(content), max_bytes)
    notes = []
    if extension == ".xlsx":
        rows: Generator[Any, None, None] = xlsx_rows(content, filename)
    else:
        encoding = _encoding(content)
        if encoding != "utf-8-sig":
            notes.append(_WINDOWS_NOTE)
        rows = _csv_rows(content, encoding, layout)
    try:
        clean, line_numbers, ignored = _read_rows(
            rows, max_rows=max_rows, layout=layout, headerless=headerless
        )
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl and csv raise many kinds; all mean "unreadable"
        logger.info("Unreadable applicant file %s: %r", filename, error)
        raise unreadable(filename, FILE_FORMATS[extension]) from error
    finally:
        rows.close()
    if ignored:
        notes.append(f"Columns ignored (not part of the import): {', '.join(ignored)}.")
    return ApplicantFile(name=filename, dataset=clean, line_numbers=line_numbers, notes=notes)


def _read_rows(
    rows: Iterator[Any], *, max_rows: int | None, layout: Layout, headerless: bool = False
) -> tuple[tablib.Dataset, list[int], list[str]]:
    """The clean dataset, its spreadsheet row numbers, and the ignored column names."""
    header_row = next(rows, None) or []
    _check_row(header_row, 1, None, layout)
    headers = [header_name(h) for h in header_row]
    columns = layout.columns
    missing = layout.missing(headers)
    if missing:
        raise ImportFileError(
            f"The file has no {missing} column. Row 1 must name the columns: "
            + ", ".join(columns)
            + f" ({layout.required_text}). Download the template to start from."
        )
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicated:
        raise ImportFileError(f"The column {', '.join(duplicated)} appears twice on row 1.")
    ignored = [h for h in headers if h and h not in columns]

    # A clean dataset: known columns only, in order; blank rows dropped (spreadsheets keep
    # formatted empty rows at the end), each remembered by its spreadsheet row number.
    index = {h: i for i, h in enumerate(headers) if h in columns}
    clean = tablib.Dataset(headers=columns)
    line_numbers: list[int] = []
    for number, row in enumerate(rows, start=1 if headerless else 2):
        if number > MAX_SHEET_ROWS:
            raise ImportFileError(layout.too_long_sheet % {"limit": n(MAX_SHEET_ROWS)})
        if not _check_row(row, number, len(headers), layout, headerless):
            continue
        if max_rows is not None and len(clean) >= max_rows:
            # Stop here: the rest of the file is never read.
            raise ImportFileError(_too_many_rows(max_rows, layout))
        clean.append([row[index[c]] if c in index and index[c] < len(row) else "" for c in columns])
        line_numbers.append(number)
    if not clean:
        raise ImportFileError(f"The file has column names but no {layout.rows_noun}.")
    return clean, line_numbers, ignored


def _too_many_rows(max_rows: int, layout: Layout) -> str:
    words = layout.too_many_rows_here if max_rows < COMMAND_MAX_ROWS else layout.too_many_rows
    return words % {"limit": n(max_rows)}

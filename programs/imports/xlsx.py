"""Reading an XLSX file safely: the archive is checked before openpyxl opens it.

openpyxl in read-only mode streams the rows of a sheet, but before that it reads the shared
strings and styles whole, and it walks a sheet that declares no dimension to the end to size it.
So the archive is checked first, from its zip directory (declared sizes: zipfile never unpacks
more than a member declares) and then with a streaming XML pass (expat) over every big part,
which counts rows and cells and keeps nothing. Only then are the rows read, one at a time.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Generator
from typing import Any
from xml.parsers import expat

import openpyxl
from django.utils.translation import gettext as _

from .limits import (
    MAX_COMPRESSION_RATIO,
    MAX_PART_ELEMENTS,
    MAX_ROW_CELLS,
    MAX_SHARED_STRINGS_ELEMENTS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECKED_ABOVE_BYTES,
    ImportFileError,
    mb,
    n,
    unreadable,
)

# A part this small cannot hold enough elements to matter; not worth a pass.
_SCANNED_ABOVE_BYTES = 64 * 1024
_XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _refuse_archive(filename: str, reason: str) -> ImportFileError:
    return ImportFileError(
        _(
            "“%(name)s” is refused: %(reason)s A workbook of applicants is far smaller; this "
            "file may be damaged or made to overload the server. Save the list again from "
            "your spreadsheet as an Excel workbook (.xlsx), or as CSV, and upload that."
        )
        % {"name": filename, "reason": reason}
    )


def check_archive(content: bytes, filename: str) -> zipfile.ZipFile:
    """Open the XLSX as a zip and refuse what no spreadsheet makes: too many parts, too much
    to unpack, or parts compressed like a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as error:
        raise ImportFileError(
            _(
                "“%(name)s” could not be read as XLSX: it is not a zip archive, as every Excel "
                "workbook is. Save the spreadsheet as Excel workbook (.xlsx) or CSV (UTF-8) "
                "and upload that."
            )
            % {"name": filename}
        ) from error
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse_archive(
            filename,
            _("it holds %(count)s parts; a workbook holds a few dozen, at most %(limit)s.")
            % {"count": n(len(members)), "limit": n(MAX_ZIP_MEMBERS)},
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse_archive(
            filename,
            _(
                "it would unpack to %(size)s MB; an applicant file may unpack to at most "
                "%(limit)s MB."
            )
            % {"size": mb(unpacked), "limit": mb(MAX_UNPACKED_BYTES)},
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise _refuse_archive(
                filename,
                _(
                    "its part %(part)s is compressed %(ratio)s times (%(size)s MB unpacked); "
                    "spreadsheets compress at most %(limit)s times."
                )
                % {
                    "part": member.filename,
                    "ratio": n(int(ratio)),
                    "size": mb(member.file_size),
                    "limit": n(MAX_COMPRESSION_RATIO),
                },
            )
    return archive


class _PartScan:
    """Counts the elements of one XML part as expat streams it, and stops at a limit.

    Rows are numbered as openpyxl numbers them: their r attribute, or one more than the last.
    """

    def __init__(self, filename: str, part: str) -> None:
        self.filename = filename
        self.part = part
        self.elements = 0
        self.max_elements = MAX_PART_ELEMENTS
        self.in_sheet = False
        self.row = 0
        self.cells = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        self.elements += 1
        if self.elements == 1 and local == "sst":
            self.max_elements = MAX_SHARED_STRINGS_ELEMENTS
        if local == "sheetData":
            self.in_sheet = True
        elif local == "row" and self.in_sheet:
            self.cells = 0
            try:
                self.row = int(float(attrs["r"])) if "r" in attrs else self.row + 1
            except ValueError:
                raise unreadable(self.filename, "XLSX") from None
            if self.row > MAX_SHEET_ROWS:
                raise ImportFileError(
                    _(
                        "A sheet of “%(name)s” has more than %(limit)s rows, empty ones "
                        "included. Delete the empty rows below the applicants (or split the "
                        "file), save it and upload it again."
                    )
                    % {"name": self.filename, "limit": n(MAX_SHEET_ROWS)}
                )
        elif local == "c" and self.in_sheet:
            self.cells += 1
            if self.cells > MAX_ROW_CELLS:
                raise _refuse_archive(
                    self.filename,
                    _("row %(row)s of a sheet has more than %(limit)s cells.")
                    % {"row": n(self.row), "limit": n(MAX_ROW_CELLS)},
                )
        if not self.in_sheet and self.elements > self.max_elements:
            raise _refuse_archive(
                self.filename,
                _("its part %(part)s has more than %(limit)s XML elements.")
                % {"part": self.part, "limit": n(self.max_elements)},
            )


def _refuse_doctype(*args: Any) -> None:
    # No part of a workbook declares a DTD; one that does may define entities that expand.
    raise expat.ExpatError("DTD in a workbook part")


def check_parts(archive: zipfile.ZipFile, filename: str) -> None:
    """Stream every big XML part once through expat, counting rows, cells and elements."""
    for member in archive.infolist():
        if member.file_size <= _SCANNED_ABOVE_BYTES or member.is_dir():
            continue
        with archive.open(member) as stream:
            chunk = stream.read(64 * 1024)
            # Pictures are never opened in read-only mode; anything that looks like XML may be
            # a sheet, whatever its name.
            if not chunk.lstrip().startswith(_XML_STARTS):
                continue
            scan = _PartScan(filename, member.filename)
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = scan.start
            parser.StartDoctypeDeclHandler = _refuse_doctype
            try:
                while chunk:
                    parser.Parse(chunk, False)
                    chunk = stream.read(64 * 1024)
                parser.Parse(b"", True)
            except (expat.ExpatError, zipfile.BadZipFile, OSError) as error:
                raise unreadable(filename, "XLSX") from error


def xlsx_rows(content: bytes, filename: str) -> Generator[tuple[Any, ...], None, None]:
    """The values of the first sheet's rows, one row at a time, once the archive passed."""
    check_parts(check_archive(content, filename), filename)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield from book.active.iter_rows(values_only=True)
    finally:
        book.close()

"""Applicant files that would exhaust the server are refused, with the numbers, and change
nothing: zip bombs, archives that are not zips, too many rows, columns or parts, overlong cells.

The workbooks are made by hand (zipfile with deflate): openpyxl would take minutes to write a
million rows. No test times anything (house rule); docs/performance.md has the measurements.
"""

import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs import imports
from programs.models import Enrollment, Student

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
HEADER = '<row r="1">' + "".join(
    f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
    for col, name in zip("ABC", ["first_name", "last_name", "email"], strict=True)
) + "</row>"  # fmt: skip


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int) -> str:
    cells = [("A", "Aline"), ("B", "Uwase"), ("C", f"a{number}@example.rw")]
    return f'<row r="{number}">' + "".join(_cell(f"{c}{number}", t) for c, t in cells) + "</row>"


def _workbook(
    sheet_rows,
    *,
    extra_parts: dict[str, bytes] | None = None,
    stored: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal XLSX: one sheet whose <sheetData> holds what sheet_rows yields (strings)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{DOC}/officeDocument"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="Applicants" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        for name, data in (extra_parts or {}).items():
            archive.writestr(name, data)
        for name, data in (stored or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            chunk = []
            for text in sheet_rows:
                chunk.append(text)
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return buffer.getvalue()


def _refusal(content: bytes, name: str = "applicants.xlsx", **limits) -> str:
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_applicants_file(content, name, **limits)
    return str(error.value)


def test_a_hand_made_workbook_of_three_rows_is_read():
    """The builder makes workbooks that openpyxl reads: the refusals below are not accidents."""
    applicant_file = imports.read_applicants_file(
        _workbook([HEADER, *(_row(i) for i in range(2, 5))]), "applicants.xlsx"
    )

    assert applicant_file.line_numbers == [2, 3, 4]
    assert applicant_file.dataset.dict[2]["email"] == "a4@example.rw"


# --- zip bombs and archives that are not workbooks -----------------------------------------


def test_a_million_row_zip_bomb_is_refused_for_its_compression_ratio():
    # A million identical rows: 26 MB of XML in a 0.06 MB file.
    content = _workbook([HEADER, *(["<row><c><v>1</v></c></row>"] * 1_000_000)])

    message = _refusal(content, max_rows=imports.ADMIN_MAX_ROWS)

    assert message.startswith(
        "“applicants.xlsx” is refused: its part xl/worksheets/sheet1.xml is compressed 410 times "
        "(26.0 MB unpacked); spreadsheets compress at most 100 times."
    )


def test_a_workbook_that_would_unpack_to_more_than_50_mb_is_refused():
    # Stored, not compressed: the ratio alone would let this through.
    content = _workbook([HEADER, _row(2)], stored={"xl/media/image1.png": b"\0" * 51_000_000})

    message = _refusal(content, max_bytes=None)

    assert message.startswith(
        "“applicants.xlsx” is refused: it would unpack to 51.0 MB; an applicant file may unpack "
        "to at most 50.0 MB."
    )


def test_a_file_named_xlsx_that_is_no_zip_is_refused_as_such():
    message = _refusal(b"first_name,last_name,email\r\nA,B,a@example.rw\r\n")

    assert message.startswith(
        "“applicants.xlsx” could not be read as XLSX: it is not a zip archive, as every Excel "
        "workbook is."
    )


def test_a_workbook_of_too_many_parts_is_refused():
    parts = {f"xl/media/image{i}.png": b"" for i in range(1001)}

    message = _refusal(_workbook([HEADER, _row(2)], extra_parts=parts))

    assert "it holds 1,006 parts; a workbook holds a few dozen, at most 1,000." in message


def test_a_styles_part_of_more_than_100000_elements_is_refused():
    xfs = "".join(f'<xf numFmtId="{i}"/>' for i in range(100_001))
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs>{xfs}'
    styles += "</cellXfs></styleSheet>"

    message = _refusal(_workbook([HEADER], extra_parts={"xl/styles.xml": styles.encode()}))

    assert "its part xl/styles.xml has more than 100,000 XML elements." in message


# --- rows, columns, cells ------------------------------------------------------------------


def test_the_admin_stops_reading_an_xlsx_at_its_row_limit():
    content = _workbook([HEADER, *(_row(i) for i in range(2, 50_000))])

    message = _refusal(content, max_rows=imports.ADMIN_MAX_ROWS)

    assert message == (
        "The file has more than 1,000 applicant rows; an import here takes at most 1,000. "
        "Split it into smaller files, or ask a developer to run the import_applicants command."
    )


def test_a_sheet_of_a_hundred_thousand_empty_rows_is_refused():
    content = _workbook([HEADER, _row(2), *(f'<row r="{i}"/>' for i in range(3, 100_100))])

    message = _refusal(content)

    assert message == (
        "A sheet of “applicants.xlsx” has more than 100,000 rows, empty ones included. Delete "
        "the empty rows below the applicants (or split the file), save it and upload it again."
    )


def test_a_row_of_more_cells_than_excel_allows_is_refused():
    wide = '<row r="2">' + "<c/>" * 20_000 + "</row>"

    message = _refusal(_workbook([HEADER, wide]))

    assert "row 2 of a sheet has more than 16,384 cells." in message


def test_a_csv_with_too_many_columns_is_refused():
    header = ",".join(["first_name", "last_name", "email"] + [f"extra{i}" for i in range(98)])

    message = _refusal(f"{header}\r\nA,B,a@example.rw\r\n".encode(), "applicants.csv")

    assert message == (
        "Row 1 has values in 101 columns; an applicant file has at most 100. Check that this "
        "is the list of applicants."
    )


def test_an_xlsx_row_with_values_beyond_the_named_columns_is_refused():
    row = '<row r="2">' + _cell("A2", "A") + _cell("B2", "B") + _cell("E2", "x") + "</row>"

    message = _refusal(_workbook([HEADER, row]))

    assert message.startswith("Row 2 has values in 5 columns, but row 1 names only 3.")


@pytest.mark.parametrize(("length", "shown"), [(1001, "1,001"), (200_000, "131,072+")])
def test_an_overlong_cell_is_refused(length, shown):
    content = f"first_name,last_name,email\r\n{'A' * length},B,a@example.rw\r\n".encode()

    message = _refusal(content, "applicants.csv")

    assert message == (
        f"Row 2 has a cell of {shown} characters; a cell of an applicant file holds at most "
        "1,000. Check that this is the list of applicants."
    )


def test_a_csv_of_a_hundred_thousand_empty_lines_is_refused():
    content = b"first_name,last_name,email\r\nA,B,a@example.rw\r\n" + b"\r\n" * 100_000

    message = _refusal(content, "applicants.csv")

    assert message.startswith("The file has more than 100,000 rows, empty ones included.")


# --- from the admin page and from the command ----------------------------------------------


def test_the_admin_refuses_a_zip_bomb_as_a_form_error(client, manager, september_intake):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    client.force_login(manager)
    bomb = _workbook([HEADER, *(["<row><c><v>1</v></c></row>"] * 1_000_000)])

    response = client.post(url, {"file": SimpleUploadedFile("list.xlsx", bomb)})

    assert response.status_code == HTTPStatus.OK
    assert "“list.xlsx” is refused: its part xl/worksheets/sheet1.xml is compressed" in (
        response.content.decode()
    )
    assert "programs.applicant_import" not in client.session
    assert not Student.objects.exists()


def _command(path, intake) -> CommandError:
    with pytest.raises(CommandError) as error:
        call_command(
            "import_applicants", str(path), intake=intake.pk, stdout=io.StringIO(),
            stderr=io.StringIO(),
        )  # fmt: skip
    return error.value


def test_the_command_refuses_a_million_rows(tmp_path, september_intake):
    path = tmp_path / "applicants.xlsx"
    path.write_bytes(_workbook([HEADER, *(["<row><c><v>1</v></c></row>"] * 1_000_000)]))

    error = _command(path, september_intake)

    assert error.returncode == 2
    assert "its part xl/worksheets/sheet1.xml is compressed" in str(error)
    assert not Enrollment.objects.exists()


def test_the_command_stops_at_20000_applicant_rows(tmp_path, september_intake):
    path = tmp_path / "applicants.xlsx"
    path.write_bytes(_workbook([HEADER, *(_row(i) for i in range(2, 20_003))]))

    error = _command(path, september_intake)

    assert error.returncode == 2
    assert str(error) == (
        "The file has more than 20,000 applicant rows; an import takes at most 20,000. "
        "Split it into smaller files."
    )


def test_the_command_refuses_a_file_over_20_mb_without_reading_it(tmp_path, september_intake):
    path = tmp_path / "applicants.csv"
    with path.open("wb") as stream:
        stream.write(b"first_name,last_name,email\r\n")
        stream.truncate(21_000_000)

    error = _command(path, september_intake)

    assert error.returncode == 2
    assert str(error) == "The file is 21.0 MB; the limit is 20 MB. Split it into smaller files."

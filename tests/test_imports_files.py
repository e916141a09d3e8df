"""Applicant import, the files: CSV and XLSX, the templates, the admin page and the management
command."""

import datetime
import io
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs import imports
from programs.models import Enrollment, Student

from .factories import (
    UserFactory,
)
from .imports_support import applicant_row, csv_file, run_import

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATES = Path(settings.BASE_DIR) / "static" / "import-templates"


# --- files ---------------------------------------------------------------------------------


def test_xlsx_files_import_with_number_and_date_cells(september_intake):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["First name", "Last name", "Email", "Phone", "National ID", "Date of birth"])
    # What Excel makes of typed values: numbers and dates, not text.
    sheet.append(["Chloé", "D'Almeida", "chloe@example.rw", 250788000001, 1199880012345678,
                  datetime.datetime(2004, 3, 15)])  # fmt: skip
    sheet.append([None, None, None, None, None, None])  # a formatted empty row
    content = io.BytesIO()
    book.save(content)

    report = run_import(september_intake, content.getvalue(), name="list.xlsx")

    assert report.written, report.rows[0].reasons
    chloe = Student.objects.get(email="chloe@example.rw")
    assert (chloe.last_name, chloe.phone, chloe.national_id, chloe.date_of_birth) == (
        "D'Almeida",
        "+250788000001",
        "1199880012345678",
        datetime.date(2004, 3, 15),
    )


def test_a_windows_csv_with_semicolons_is_read_and_flagged():
    content = "first_name;last_name;email\r\nHélène;Mbabazi;h@example.rw\r\n".encode("cp1252")

    applicant_file = imports.read_applicants_file(content, "excel.csv")

    assert applicant_file.dataset.dict[0]["first_name"] == "Hélène"
    assert "it was read as Windows-1252" in applicant_file.notes[0]


def test_an_export_imports_back_without_its_formula_quotes():
    content = csv_file(applicant_row(phone="'+250788123456", first="'-Zoé"))

    row = imports.read_applicants_file(content, "export.csv").dataset.dict[0]

    assert imports.PhoneWidget().clean(row["phone"]) == "+250788123456"
    assert imports.TextWidget().clean(row["first_name"]) == "-Zoé"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name,mail\r\nA,a@example.rw\r\n", "a.csv", "The file has no first_name, last_name,"),
        (csv_file(), "a.csv", "The file has column names but no applicant rows."),
        (b"PK\x03\x04 not really a workbook", "a.xlsx", "could not be read as XLSX"),
        (b"%PDF-1.7", "a.pdf", "is neither a CSV nor an XLSX file"),
    ],
)
def test_files_that_cannot_be_imported_say_why(content, name, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_applicants_file(content, name)


def test_the_admin_limits_the_number_of_rows():
    content = csv_file(*[applicant_row(email=f"a{i}@example.rw") for i in range(3)])

    with pytest.raises(imports.ImportFileError, match="takes at most 2"):
        imports.read_applicants_file(content, "a.csv", max_rows=2)


@pytest.mark.parametrize("name", ["applicants-template.csv", "applicants-template.xlsx"])
def test_the_downloadable_templates_import_cleanly(september_intake, name):
    report = run_import(september_intake, (TEMPLATES / name).read_bytes(), dry_run=True, name=name)

    assert [row.action for row in report.rows] == ["create", "create"]
    assert report.rows[0].name == "Aimée Mukamana"
    assert report.rows[1].name == "Jean-Luc D'Souza"


def test_the_30_row_sample_shows_its_3_bad_rows(september_intake):
    content = (FIXTURES / "applicants-30-rows-3-bad.csv").read_bytes()

    report = run_import(september_intake, content, dry_run=True)

    assert (report.created, report.refused) == (27, 3)
    assert [(row.line, row.reasons[0].split(":")[0]) for row in report.refused_rows] == [
        (6, "Email"),
        (13, "Country"),
        (21, "Email"),
    ]


# --- the admin page ------------------------------------------------------------------------


@pytest.fixture
def manager(db):
    user = UserFactory(username="manager", is_staff=True)
    user.groups.add(Group.objects.get(name="Programme managers"))
    return user


def _upload(client, url, content: bytes, name="applicants.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_staff_check_a_file_then_confirm_it(client, manager, september_intake):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "/static/import-templates/applicants-template.csv" in page.content.decode()

    dry_run = _upload(
        client, url, csv_file(applicant_row(), applicant_row("Eric", "Manzi", "eric@example.rw"))
    )

    assert dry_run.status_code == HTTPStatus.OK
    assert "Dry run of applicants.csv: 2 new students" in dry_run.content.decode()
    assert not Student.objects.exists()

    confirmed = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})

    assert confirmed.status_code == HTTPStatus.FOUND
    assert confirmed.url == reverse("admin:programs_intake_change", args=[september_intake.pk])
    assert set(september_intake.enrollments.values_list("student__email", flat=True)) == {
        "aimee@example.rw",
        "eric@example.rw",
    }
    assert september_intake.enrollments.first().history.get().history_user == manager

    # The same confirmation again does nothing.
    again = client.post(url, {"confirm": "1", "token": dry_run.context["token"]}, follow=True)
    assert "no longer waiting for confirmation" in again.content.decode()
    assert september_intake.enrollments.count() == 2


def test_the_admin_shows_the_reasons_and_offers_no_confirmation(client, manager, september_intake):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    client.force_login(manager)

    response = _upload(client, url, (FIXTURES / "applicants-30-rows-3-bad.csv").read_bytes())

    page = response.content.decode()
    assert "27 new students, 0 existing students, 3 rows refused" in page
    assert "Row 13 (applicant12@example.rw): Country: “Wakanda” is not a country" in page
    assert "“not-an-email” is not a valid email address." in page
    assert "“Wakanda” is not a country we know." in page
    assert "is already on row 4 of this file" in page
    assert 'name="confirm"' not in page
    assert not Student.objects.exists()


def test_a_confirmation_after_the_intake_filled_up_writes_nothing(
    client, manager, september_intake, fill
):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    client.force_login(manager)
    dry_run = _upload(client, url, csv_file(applicant_row(status="offered")))
    fill(september_intake, 22)  # someone else took every seat in the meantime

    response = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Nothing was imported from applicants.csv" in page
    assert "This intake is full: 22 of 22 seats are taken." in page
    assert not Student.objects.filter(email="aimee@example.rw").exists()


def test_an_unreadable_upload_is_a_form_error(client, manager, september_intake):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    client.force_login(manager)

    response = _upload(client, url, b"just text", name="notes.txt")

    assert response.status_code == HTTPStatus.OK
    assert "is neither a CSV nor an XLSX file" in response.content.decode()


def test_viewers_cannot_import(client, september_intake):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewers"))
    client.force_login(viewer)
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])

    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert _upload(client, url, csv_file(applicant_row())).status_code == HTTPStatus.FORBIDDEN
    assert not Student.objects.exists()


def test_the_intake_page_links_to_the_import_and_the_dashboard(client, manager, september_intake):
    client.force_login(manager)

    page = client.get(reverse("admin:programs_intake_change", args=[september_intake.pk]))

    html = page.content.decode()
    assert reverse("admin:programs_intake_import_applicants", args=[september_intake.pk]) in html
    assert reverse("programs:intake-dashboard", args=[september_intake.pk]) in html


# --- the management command ----------------------------------------------------------------


def _write(tmp_path, content: bytes, name="applicants.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_the_command_imports_with_a_progress_bar_and_a_summary(tmp_path, september_intake):
    path = _write(tmp_path, csv_file(applicant_row(), applicant_row(email="b@example.rw")))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_applicants", path, intake=september_intake.pk, stdout=out, stderr=err)

    assert "Created: 2. Updated (existing students): 0. Refused: 0." in out.getvalue()
    assert "Imported 2 applicants" in out.getvalue()
    assert "2/2" in err.getvalue()  # tqdm's bar
    assert september_intake.enrollments.count() == 2


def test_the_command_dry_run_writes_nothing(tmp_path, september_intake):
    path = _write(tmp_path, csv_file(applicant_row()))
    out = io.StringIO()

    call_command(
        "import_applicants", path, "--dry-run", intake=september_intake.pk, stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip

    assert "Nothing was written." in out.getvalue()
    assert not Student.objects.exists()


def test_the_command_lists_refused_rows_and_fails(tmp_path, september_intake):
    path = _write(tmp_path, (FIXTURES / "applicants-30-rows-3-bad.csv").read_bytes())
    out = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported") as error:
        call_command(
            "import_applicants", path, intake=september_intake.pk, stdout=out,
            stderr=io.StringIO(),
        )  # fmt: skip

    assert error.value.returncode == 1
    assert "Refused: 3." in out.getvalue()
    assert "  Row 13 (applicant12@example.rw):\n    - Country: “Wakanda”" in out.getvalue()
    assert not Student.objects.exists()


def test_the_command_stops_on_a_file_it_cannot_read(tmp_path, september_intake):
    with pytest.raises(CommandError, match="Cannot read") as error:
        call_command(
            "import_applicants", str(tmp_path / "missing.csv"), intake=september_intake.pk,
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip

    assert error.value.returncode == 2


def test_the_command_stops_on_an_unknown_intake(tmp_path, db):
    path = _write(tmp_path, csv_file(applicant_row()))

    with pytest.raises(CommandError, match=r"There is no intake with id 999999\.") as error:
        call_command(
            "import_applicants", path, intake=999999, stdout=io.StringIO(), stderr=io.StringIO()
        )

    assert error.value.returncode == 2

"""Applicant import: the dry run, every refusal reason, all or nothing, the rules, XLSX, the admin
page and the management command."""

import csv
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
    EnrollmentFactory,
    FundingSourceFactory,
    StudentFactory,
    UserFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATES = Path(settings.BASE_DIR) / "static" / "import-templates"


def _csv(*rows, header=imports.COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _row(first="Aimée", last="Uwase", email="aimee@example.rw", **extra) -> list:
    values = {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": "+250788123456",
        "national_id": "1199880012345678",
        "date_of_birth": "2005-04-12",
        "country": "Rwanda",
        "status": "",
        "funding_source": "",
        **extra,
    }
    return [values[column] for column in imports.COLUMNS]


def _import(intake, content: bytes, *, dry_run=False, name="applicants.csv", by=None):
    applicant_file = imports.read_applicants_file(content, name)
    return imports.applicants_import(
        intake=intake, applicant_file=applicant_file, dry_run=dry_run, by=by
    )


def _snapshot() -> tuple[int, int, int]:
    return (
        Student.objects.count(),
        Enrollment.objects.count(),
        Enrollment.history.count(),
    )


# --- the dry run ---------------------------------------------------------------------------


def test_the_dry_run_shows_each_row_and_writes_nothing(september_intake):
    known = StudentFactory(email="Known.Person@Example.rw", first_name="Known", phone="")
    before = _snapshot()

    report = _import(
        september_intake,
        _csv(_row(), _row("Eric", "Manzi", "KNOWN.person@example.rw", phone="+250788000999")),
        dry_run=True,
    )

    assert _snapshot() == before
    assert [(row.line, row.action) for row in report.rows] == [(2, "create"), (3, "update")]
    assert report.rows[1].notes == [
        "Existing student: the enrollment is added to their record.",
        "The details on record are kept; the file differs on: first name, last name, phone, "
        "national id, date of birth.",
    ]
    assert report.summary() == (
        "Dry run of applicants.csv: 1 new student(s), 1 existing student(s), 0 row(s) refused. "
        "Nothing was written."
    )
    assert not report.written
    known.refresh_from_db()
    assert known.first_name == "Known"


def test_the_dry_run_counts_seats_taken_by_earlier_rows_of_the_file(september_intake, fill):
    fill(september_intake, 20)
    content = _csv(
        _row(email="a@example.rw", status="enrolled"),
        _row(email="b@example.rw", status="offered"),
        _row(email="c@example.rw", status="enrolled"),
        _row(email="d@example.rw"),  # applied: takes no seat
    )

    report = _import(september_intake, content, dry_run=True)

    assert [row.action for row in report.rows] == ["create", "create", "refused", "create"]
    assert report.rows[2].reasons == ["This intake is full: 22 of 22 seats are taken."]
    assert september_intake.enrollments.count() == 20


# --- every refusal, with its reason --------------------------------------------------------


@pytest.fixture
def other_source(db):
    return FundingSourceFactory(name="Mastercard Foundation")


def _reasons_for(intake, *rows) -> list[list[str]]:
    report = _import(intake, _csv(*rows), dry_run=True)
    return [row.reasons for row in report.rows]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"email": "not-an-email"}, "Email: “not-an-email” is not a valid email address."),
        ({"email": ""}, "Email: The cell is empty; an email address is required."),
        (
            {"country": "Wakanda"},
            "Country: “Wakanda” is not a country we know. Give its English name or its "
            "two-letter ISO code, for example Rwanda or RW.",
        ),
        (
            {"status": "accepted"},
            "“accepted” is not a status. Use one of: applied, waitlisted, offered, enrolled, "
            "deferred, withdrawn, rejected, completed (empty means applied).",
        ),
        (
            {"funding_source": "Gates Scholarship"},
            "“Gates Scholarship” is not a funding source. Use the name exactly as in the admin, "
            "for example HEC–Alibaba Joint Scholarship, or leave it empty.",
        ),
        (
            {"funding_source": "Mastercard Foundation"},
            "Mastercard Foundation has no funded places in this intake. Add it to the intake's "
            "funding first, or choose another funding source.",
        ),
        (
            {"date_of_birth": "12/04/2005"},
            "Date of birth: “12/04/2005” is not a date. Write it as YYYY-MM-DD, for example "
            "2004-03-15.",
        ),
        (
            {"phone": "0788 123 456"},
            "Phone: Enter the phone number in international format, e.g. +250788123456.",
        ),
        ({"first_name": ""}, "First name: The cell is empty; a first name is required."),
    ],
)
def test_each_bad_value_is_refused_with_its_reason(september_intake, other_source, changes, reason):
    assert _reasons_for(september_intake, _row(**changes)) == [[reason]]


def test_a_duplicate_in_the_file_is_refused_whatever_the_capitals(september_intake):
    reasons = _reasons_for(
        september_intake, _row(email="aimee@example.rw"), _row(email="Aimee@Example.RW")
    )

    assert reasons == [
        [],
        [
            "Email: Aimee@Example.RW is already on row 2 of this file; an applicant can appear "
            "only once."
        ],
    ]


def test_a_student_already_in_the_intake_is_refused(september_intake):
    student = StudentFactory(first_name="Aimée", last_name="Uwase", email="aimee@example.rw")
    EnrollmentFactory(student=student, intake=september_intake, status=Status.WAITLISTED)

    assert _reasons_for(september_intake, _row(email="AIMEE@example.rw")) == [
        [
            "Aimée Uwase is already enrolled in this intake (status: Waitlisted). A student can "
            "be enrolled only once in the same intake."
        ]
    ]


def test_the_21st_funded_place_is_refused(september_intake, joint_scholarship, fill):
    fill(september_intake, 19, funding_source=joint_scholarship)
    source = joint_scholarship.name

    reasons = _reasons_for(
        september_intake,
        _row(email="a@example.rw", status="offered", funding_source=source),
        _row(email="b@example.rw", status="offered", funding_source=source),
        # Applying for a funded place takes none: accepted.
        _row(email="c@example.rw", funding_source=source.upper()),
    )

    assert reasons == [
        [],
        [
            "No funded place from HEC–Alibaba Joint Scholarship is left in this intake: "
            "20 of 20 funded places are taken."
        ],
        [],
    ]


def test_a_row_with_several_problems_lists_them_all(september_intake):
    (reasons,) = _reasons_for(
        september_intake, _row(country="Atlantis", status="maybe", date_of_birth="soon")
    )

    assert len(reasons) == 3
    assert any(reason.startswith("Country:") for reason in reasons)
    assert any(reason.startswith("Date of birth:") for reason in reasons)
    assert any("is not a status" in reason for reason in reasons)


# --- the confirmed import ------------------------------------------------------------------


def test_the_import_writes_through_the_services_with_who_and_why(september_intake, staff):
    known = StudentFactory(email="known@example.rw")

    report = _import(
        september_intake,
        _csv(_row(), _row("K", "P", "KNOWN@example.rw", status="waitlisted")),
        by=staff,
        name="rdb-list.csv",
    )

    assert report.written
    assert report.summary() == (
        f"Imported 2 applicant(s) into {september_intake} from rdb-list.csv: "
        "1 new student(s), 1 existing student(s), 0 row(s) refused."
    )
    aimee = Student.objects.get(email="aimee@example.rw")
    assert (aimee.first_name, aimee.phone, aimee.national_id, aimee.country.code) == (
        "Aimée",
        "+250788123456",
        "1199880012345678",
        "RW",
    )
    assert aimee.date_of_birth == datetime.date(2005, 4, 12)
    enrollment = aimee.enrollments.get()
    assert (enrollment.intake, enrollment.status) == (september_intake, Status.APPLIED)
    history = enrollment.history.get()
    assert (history.history_user, history.history_change_reason) == (
        staff,
        "Imported from rdb-list.csv",
    )
    waitlisted = known.enrollments.get()
    assert (waitlisted.status, waitlisted.waitlist_position) == (Status.WAITLISTED, 1)


def test_imported_applicants_are_sent_no_email(
    september_intake, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(september_intake, _csv(_row(), _row(email="b@example.rw")))

    assert report.written
    assert mailoutbox == []


def test_one_bad_row_and_nothing_is_written(september_intake):
    before = _snapshot()

    report = _import(
        september_intake,
        _csv(_row(email="a@example.rw"), _row(email="b@"), _row(email="c@example.rw")),
    )

    assert report.refused == 1
    assert not report.written
    assert report.summary().startswith("Nothing was imported from applicants.csv")
    assert _snapshot() == before


def test_a_refused_row_leaves_no_new_student_behind_for_later_rows(september_intake, fill):
    """The student of a refused row is rolled back at once, not only at the end."""
    fill(september_intake, 22)

    report = _import(september_intake, _csv(_row(status="enrolled"), _row(email="x@example.rw")))

    assert report.rows[0].action == "refused"
    assert report.rows[1].action == "create"  # not "update" of the first row's student


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

    report = _import(september_intake, content.getvalue(), name="list.xlsx")

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
    content = _csv(_row(phone="'+250788123456", first="'-Zoé"))

    row = imports.read_applicants_file(content, "export.csv").dataset.dict[0]

    assert imports.PhoneWidget().clean(row["phone"]) == "+250788123456"
    assert imports.TextWidget().clean(row["first_name"]) == "-Zoé"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name,mail\r\nA,a@example.rw\r\n", "a.csv", "The file has no first_name, last_name,"),
        (_csv(), "a.csv", "The file has column names but no applicant rows."),
        (b"PK\x03\x04 not really a workbook", "a.xlsx", "could not be read as XLSX"),
        (b"%PDF-1.7", "a.pdf", "is neither a CSV nor an XLSX file"),
    ],
)
def test_files_that_cannot_be_imported_say_why(content, name, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_applicants_file(content, name)


def test_the_admin_limits_the_number_of_rows():
    content = _csv(*[_row(email=f"a{i}@example.rw") for i in range(3)])

    with pytest.raises(imports.ImportFileError, match="takes at most 2"):
        imports.read_applicants_file(content, "a.csv", max_rows=2)


@pytest.mark.parametrize("name", ["applicants-template.csv", "applicants-template.xlsx"])
def test_the_downloadable_templates_import_cleanly(september_intake, name):
    report = _import(september_intake, (TEMPLATES / name).read_bytes(), dry_run=True, name=name)

    assert [row.action for row in report.rows] == ["create", "create"]
    assert report.rows[0].name == "Aimée Mukamana"
    assert report.rows[1].name == "Jean-Luc D'Souza"


def test_the_30_row_sample_shows_its_3_bad_rows(september_intake):
    content = (FIXTURES / "applicants-30-rows-3-bad.csv").read_bytes()

    report = _import(september_intake, content, dry_run=True)

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

    dry_run = _upload(client, url, _csv(_row(), _row("Eric", "Manzi", "eric@example.rw")))

    assert dry_run.status_code == HTTPStatus.OK
    assert "Dry run of applicants.csv: 2 new student(s)" in dry_run.content.decode()
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
    assert "27 new student(s), 0 existing student(s), 3 row(s) refused" in page
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
    dry_run = _upload(client, url, _csv(_row(status="offered")))
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
    assert _upload(client, url, _csv(_row())).status_code == HTTPStatus.FORBIDDEN
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
    path = _write(tmp_path, _csv(_row(), _row(email="b@example.rw")))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_applicants", path, intake=september_intake.pk, stdout=out, stderr=err)

    assert "Created: 2. Updated (existing students): 0. Refused: 0." in out.getvalue()
    assert "Imported 2 applicant(s)" in out.getvalue()
    assert "2/2" in err.getvalue()  # tqdm's bar
    assert september_intake.enrollments.count() == 2


def test_the_command_dry_run_writes_nothing(tmp_path, september_intake):
    path = _write(tmp_path, _csv(_row()))
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
    path = _write(tmp_path, _csv(_row()))

    with pytest.raises(CommandError, match=r"There is no intake with id 999999\.") as error:
        call_command(
            "import_applicants", path, intake=999999, stdout=io.StringIO(), stderr=io.StringIO()
        )

    assert error.value.returncode == 2

"""A follow-up survey of outcomes imported from a file (issue 18): the person found by her
certificate's code or email, the figures checked, nothing counted twice, all or nothing."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from programs import imports, services
from programs.erasure import student_erase
from programs.models import Enrollment, Organisation, Outcome

from .factories import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db
HEADER = (
    "email,certificate_code,kind,organisation,description,jobs_created,funding_raised,"
    "currency,recorded_on"
)


@pytest.fixture
def alumna():
    enrollment = EnrollmentFactory(
        status=Enrollment.Status.COMPLETED,
        student__first_name="Aline",
        student__last_name="Uwase",
        student__email="aline@example.rw",
        student__country="RW",
    )
    return services.certificate_issue(enrollment=enrollment)


def survey(*lines, header=HEADER, dry_run=False, expected=None):
    content = ("\n".join([header, *lines]) + "\n").encode()
    rows = imports.read_outcomes_file(content, "survey.csv", max_rows=100)
    return imports.outcomes_import(outcome_file=rows, dry_run=dry_run, expected_students=expected)


def test_a_survey_records_each_outcome_of_the_person_it_names(alumna, staff):
    content = (
        f"{HEADER}\n"
        "ALINE@example.rw,,venture_founded,Kasuku Software,Founded a software company,6,"
        '"15,000,000",rwf,2026-11-30\n'
        f",{alumna.code},Promotion,Ministry of Trade,Head of desk,,,,\n"
    ).encode()
    rows = imports.read_outcomes_file(content, "survey.csv", max_rows=100)
    report = imports.outcomes_import(outcome_file=rows, dry_run=False, by=staff)

    assert report.written, report.refused_rows
    assert report.summary() == "Recorded 2 outcomes from survey.csv."
    founded, promoted = Outcome.objects.order_by("pk")
    assert founded.student == alumna.enrollment.student == promoted.student
    assert (founded.kind, founded.jobs_created, founded.funding_raised, founded.currency) == (
        "venture_founded",
        6,
        Decimal("15000000"),
        "RWF",
    )
    assert founded.recorded_on == datetime.date(2026, 11, 30)
    assert founded.source == "survey"
    assert founded.organisation.kind == "startup"  # a venture's organisation is a startup
    assert promoted.organisation.kind == "other"
    assert promoted.recorded_on == timezone.localdate()
    assert founded.history.get().history_user == staff
    assert report.rows[0].figures == "6 jobs, 15,000,000.00 RWF"
    assert report.rows[0].notes == ["New organisation: Kasuku Software (Startup)."]


def test_the_dry_run_writes_nothing(alumna):
    report = survey("aline@example.rw,,job,Kasuku Software,,,,,", dry_run=True)
    assert [row.action for row in report.rows] == ["create"]
    assert not Outcome.objects.exists()
    assert not Organisation.objects.exists()


def test_the_same_survey_imported_again_counts_nothing_twice(alumna):
    line = "aline@example.rw,,venture_founded,Kasuku Software,,6,,,2026-11-30"
    assert survey(line).written
    again = survey(line)
    assert not again.written
    assert "already recorded for Aline Uwase" in again.rows[0].reasons[0]
    twice = survey(
        line.replace("2026-11-30", "2026-10-01"), line.replace("2026-11-30", "2026-10-01")
    )
    assert "The same outcome is already on row 2." in twice.rows[1].reasons
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nobody@example.rw,,job,,,,,,", "Nobody is recorded with the address nobody@example.rw"),
        (",not-a-code,job,,,,,,", "Certificate code: No certificate has this code."),
        (",,job,,,,,,", "Give the person's email or certificate code."),
        ("aline@example.rw,,,,,,,,", "the kind of outcome is required"),
        ("aline@example.rw,,a-unicorn,,,,,,", "“a-unicorn” is not one of: venture_founded"),
        ("aline@example.rw,,job,,,-3,,,", "Jobs created: “-3” is not a number of zero or more"),
        ("aline@example.rw,,job,,,2.5,,,", "without decimals"),
        ("aline@example.rw,,job,,,,lots,,", "Funding raised: “lots” is not a number"),
        ("aline@example.rw,,job,,,,500,,", "Give the currency of the funding raised"),
        ("aline@example.rw,,job,,,,,RWF,", "Give the currency of the funding raised"),
        ("aline@example.rw,,job,,,,500,RW,", "three-letter ISO code"),
        ("aline@example.rw,,job,,,,,,2999-01-01", "Recorded on: The day is in the future."),
        ("aline@example.rw,,job,,,,,,30/11/2026", "is not a date"),
    ],
)
def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_written(alumna, line, reason):
    report = survey(line, "aline@example.rw,,further_study,,,,,,")
    assert not report.written
    assert [row.action for row in report.rows] == ["refused", "create"]
    assert reason in " ".join(report.rows[0].reasons)
    assert not Outcome.objects.exists()


def test_an_email_and_a_code_of_two_people_are_refused(alumna):
    StudentFactory(email="other@example.rw")
    report = survey(f"other@example.rw,{alumna.code},job,,,,,,")
    assert "two different people" in report.rows[0].reasons[0]


def test_an_erased_person_gets_no_outcome(alumna, staff):
    student_erase(student=alumna.enrollment.student, by=staff, reason="Request DP-2027-021")
    report = survey(f",{alumna.code},job,,,,,,")
    assert "personal data was erased" in report.rows[0].reasons[0]
    assert not Outcome.objects.exists()


def test_a_file_without_a_kind_column_is_refused_as_a_whole():
    with pytest.raises(imports.ImportFileError, match="no kind column"):
        imports.read_outcomes_file(b"email\na@b.rw\n", "x.csv", max_rows=10)


# --- the admin page --------------------------------------------------------------------------


def test_staff_check_a_survey_then_confirm_it(client, manager, alumna):
    client.force_login(manager)
    url = reverse("admin:programs_outcome_import")
    assert url in client.get(reverse("admin:programs_outcome_changelist")).content.decode()
    content = f"{HEADER}\n,{alumna.code},job,Kasuku Software,,,,,\n".encode()

    dry_run = client.post(url, {"file": SimpleUploadedFile("survey.csv", content)})

    assert "Dry run of survey.csv: 1 outcome, 0 rows refused" in dry_run.content.decode()
    assert not Outcome.objects.exists()
    confirmed = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})
    assert confirmed.status_code == HTTPStatus.FOUND
    assert confirmed.url == reverse("admin:programs_outcome_changelist")
    assert Outcome.objects.get().student == alumna.enrollment.student
    again = client.post(url, {"confirm": "1", "token": dry_run.context["token"]}, follow=True)
    assert "no longer waiting for confirmation" in again.content.decode()
    assert Outcome.objects.count() == 1


def test_a_person_erased_between_the_dry_run_and_the_confirmation_gets_nothing(
    client, manager, staff, alumna
):
    client.force_login(manager)
    url = reverse("admin:programs_outcome_import")
    content = f"{HEADER}\naline@example.rw,,job,,Now at Kasuku,,,,\n".encode()
    dry_run = client.post(url, {"file": SimpleUploadedFile("survey.csv", content)})
    student_erase(student=alumna.enrollment.student, by=staff, reason="Request DP-2027-022")
    response = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})
    assert "Something changed since the dry run" in response.content.decode()
    assert not Outcome.objects.exists()


def test_someone_who_cannot_add_outcomes_is_refused(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("admin:programs_outcome_import")).status_code == HTTPStatus.FORBIDDEN


def test_one_outcome_is_said_in_the_singular_and_each_summary_in_french(alumna):
    line = f",{alumna.code},promotion,Ministry of Trade,Head of desk,,,,"
    with translation.override("fr"):
        assert survey(line, dry_run=True).summary() == (
            "Essai à blanc de survey.csv : 1 résultat, 0 ligne refusée. Rien n’a été enregistré."
        )
        refused = survey("nobody@example.rw,,promotion,,,,,,")
        assert refused.summary().startswith("Rien n’a été importé depuis survey.csv : ")
    report = survey(line)
    assert report.summary() == "Recorded 1 outcome from survey.csv."
    with translation.override("fr"):
        assert report.summary() == "1 résultat enregistré depuis survey.csv."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            ",".join(["x"] * 101),
            "has values in 101 columns; a survey file has at most 100. Check that this is the "
            "list of outcomes.",
        ),
        (
            f"{HEADER}\naline@example.rw,,job,{'x' * 1001}",
            "has a cell of 1,001 characters; a cell of a survey file holds at most 1,000. "
            "Check that this is the list of outcomes.",
        ),
        (
            HEADER + "\naline@example.rw,,job,,,,,," * 101,
            "The file has more than 100 outcome rows; a survey takes at most 100. "
            "Split it into smaller files.",
        ),
        (
            HEADER + "\n" * 100_001,
            "Delete the empty rows below the outcomes (or split the file)",
        ),
    ],
)
def test_the_limits_of_a_survey_speak_of_outcomes(content, message):
    with pytest.raises(imports.ImportFileError) as refused:
        imports.read_outcomes_file(content.encode(), "survey.csv", max_rows=100)
    assert message in str(refused.value)
    assert "applicant" not in str(refused.value)

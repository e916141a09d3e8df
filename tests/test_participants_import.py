"""Adding a workshop's participants from a pasted list or a file (issue 18): names split,
organisations matched or created, the email optional, all or nothing."""

import pytest

from programs import imports
from programs.models import Enrollment, Organisation, Student

from .factories import EnrollmentFactory, IntakeFactory, StudentFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

DELEGATION = (
    "Ines Kamikazi\tMinistry of Trade and Industry\tTrade policy analyst\n"
    "Jean Bosco Habimana\tRwanda Revenue Authority\tTax officer\tjb.habimana@example.org\n"
    "Eric Mugisha\t  ministry of TRADE and industry \tAnalyst\n"
)


@pytest.fixture
def workshop():
    return IntakeFactory(name="2027 delegation", capacity=12)


def paste(intake, text, *, dry_run=False, expected_students=None):
    rows = imports.read_pasted_participants(text, max_rows=imports.ADMIN_MAX_ROWS)
    return imports.participants_import(
        intake=intake, participant_file=rows, dry_run=dry_run, expected_students=expected_students
    )


def _state():
    return (Student.objects.count(), Enrollment.objects.count(), Organisation.objects.count())


def test_a_pasted_delegation_is_enrolled_with_organisations_and_job_titles(workshop):
    report = paste(workshop, DELEGATION)

    assert report.written
    assert report.summary() == (
        "Added 3 participants to "
        f"{workshop} from the pasted list: 3 new people, 0 already recorded, 0 rows refused."
    )
    people = {
        e.student.full_name: e
        for e in Enrollment.objects.filter(intake=workshop).select_related("student__organisation")
    }
    assert sorted(people) == ["Eric Mugisha", "Ines Kamikazi", "Jean Bosco Habimana"]
    assert {e.status for e in people.values()} == {Status.ENROLLED}
    ines = people["Ines Kamikazi"].student
    assert (ines.first_name, ines.last_name, ines.email) == ("Ines", "Kamikazi", None)
    assert ines.job_title == "Trade policy analyst"
    # "  ministry of TRADE and industry " is the organisation of the line above, not a new one.
    assert people["Eric Mugisha"].student.organisation == ines.organisation
    assert sorted(Organisation.objects.values_list("name", "kind")) == [
        ("Ministry of Trade and Industry", "other"),
        ("Rwanda Revenue Authority", "other"),
    ]
    assert people["Jean Bosco Habimana"].student.email == "jb.habimana@example.org"
    assert report.rows[0].notes == ["New organisation: Ministry of Trade and Industry (Other)."]
    assert report.rows[2].notes == []
    assert report.rows[2].organisation == "Ministry of Trade and Industry"


def test_the_dry_run_shows_the_lines_and_writes_nothing(workshop):
    before = _state()
    report = paste(workshop, DELEGATION, dry_run=True)
    assert _state() == before
    assert [(row.line, row.action, row.name) for row in report.rows] == [
        (1, "create", "Ines Kamikazi"),
        (2, "create", "Jean Bosco Habimana"),
        (3, "create", "Eric Mugisha"),
    ]
    assert report.notes == [
        "The list has no header line, so its columns were read as: name, organisation, "
        "job title, email."
    ]


def test_an_existing_organisation_is_matched_and_keeps_its_kind(workshop):
    ministry = Organisation.objects.create(
        name="Ministry of Trade and Industry", kind="government", country="RW"
    )
    paste(workshop, "name;organisation;country\nInes Kamikazi;MINISTRY OF TRADE AND INDUSTRY;RW\n")
    assert Student.objects.get(last_name="Kamikazi").organisation == ministry
    assert Organisation.objects.count() == 1


def test_a_header_line_names_other_columns(workshop):
    text = (
        "first_name,last_name,organisation,organisation_kind,gender,status,email\n"
        "Ines,Kamikazi,Kigali Digital Traders,startup,Woman,completed,ines@example.rw\n"
    )
    report = paste(workshop, text)
    assert report.written, report.rows[0].reasons
    ines = Student.objects.get(email="ines@example.rw")
    assert (ines.gender, ines.organisation.kind) == ("woman", "startup")
    assert ines.enrollments.get().status == Status.COMPLETED


def test_a_known_email_adds_the_enrollment_and_fills_only_empty_details(workshop):
    known = StudentFactory(email="JB.Habimana@example.org", job_title="", organisation=None)
    report = paste(workshop, DELEGATION)
    known.refresh_from_db()
    assert report.rows[1].action == "update"
    assert known.job_title == "Tax officer"
    assert known.organisation.name == "Rwanda Revenue Authority"
    assert known.enrollments.get().intake == workshop
    assert "Filled in from the file: job title, organisation." in report.rows[1].notes


def test_a_known_email_keeps_the_details_on_record(workshop):
    known = StudentFactory(email="jb.habimana@example.org", first_name="Jean-Bosco")
    known.job_title = "Director"
    known.save()
    report = paste(workshop, DELEGATION)
    known.refresh_from_db()
    assert (known.first_name, known.job_title) == ("Jean-Bosco", "Director")
    kept = [n for n in report.rows[1].notes if n.startswith("The details on record are kept")]
    assert "first name" in kept[0]
    assert "job title" in kept[0]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Uwase\tA school\tTeacher\n", "“Uwase” is one word"),
        ("Ines Kamikazi\tX\tY\tnot-an-email\n", "is not a valid email address"),
        ("Ines Kamikazi\tX\tY\terased-3@invalid.example\n", "given to an erased record"),
        (
            "name,gender\nInes Kamikazi,female-ish\n",
            "Gender: “female-ish” is not one of: woman, man",
        ),
        (
            "name,organisation_kind,organisation\nInes Kamikazi,bank,X\n",
            "Organisation kind: “bank” is not one of: startup",
        ),
        ("name,status\nInes Kamikazi,withdrawn\n", "A withdrawal needs an exit reason"),
        ("name,status\nInes Kamikazi,graduated\n", "is not a status"),
        ("name,country\nInes Kamikazi,Atlantis\n", "is not a country we know"),
        ("name,organisation\nInes Kamikazi," + "O" * 201 + "\n", "Organisation: "),
    ],
)
def test_a_bad_line_is_refused_with_its_reason_and_nothing_is_written(workshop, text, reason):
    before = _state()
    report = paste(workshop, text + "Eric Mugisha\tRwanda Revenue Authority\tAnalyst\n")
    assert _state() == before
    assert not report.written
    assert [row.action for row in report.rows] == ["refused", "create"]
    assert reason in " ".join(report.rows[0].reasons)


def test_the_same_person_twice_in_the_list_is_refused(workshop):
    report = paste(workshop, DELEGATION + "Ines  Kamikazi\tministry of trade and industry\tX\n")
    assert report.rows[3].action == "refused"
    assert "already on row 1 of this file" in report.rows[3].reasons[0]
    assert Student.objects.count() == 0


def test_pasting_the_list_again_adds_nobody_twice(workshop):
    paste(workshop, DELEGATION)
    before = _state()
    report = paste(workshop, DELEGATION)
    assert _state() == before
    assert [row.action for row in report.rows] == ["refused"] * 3
    assert "Ines Kamikazi is already in this intake (Enrolled)" in report.rows[0].reasons[0]
    assert "already enrolled in this intake" in report.rows[1].reasons[0]


def test_a_namesake_in_another_intake_is_a_new_person(workshop):
    EnrollmentFactory(student=StudentFactory(first_name="Ines", last_name="Kamikazi"))
    report = paste(workshop, "Ines Kamikazi\tX\tY\n")
    assert report.written
    assert Student.objects.filter(last_name="Kamikazi").count() == 2


def test_a_full_intake_refuses_the_lines_over_its_capacity(workshop):
    workshop.capacity = 2
    workshop.save()
    report = paste(workshop, DELEGATION)
    assert [row.action for row in report.rows] == ["create", "create", "refused"]
    assert "full" in report.rows[2].reasons[0]
    assert Enrollment.objects.count() == 0


def test_a_file_is_read_with_the_same_columns(workshop):
    content = (
        "\ufeffname,organisation,job_title,email\n"
        "Ines Kamikazi,Ministry of Trade and Industry,Analyst,\n"
    ).encode()
    rows = imports.read_participants_file(content, "delegation.csv", max_rows=10)
    report = imports.participants_import(intake=workshop, participant_file=rows, dry_run=False)
    assert report.written
    assert report.rows[0].line == 2
    assert Student.objects.get().job_title == "Analyst"


def test_a_file_without_a_name_column_is_refused_as_a_whole():
    with pytest.raises(imports.ImportFileError, match="no name \\(or first_name and last_name\\)"):
        imports.read_participants_file(b"organisation,email\nX,a@b.rw\n", "x.csv", max_rows=10)


def test_the_template_file_adds_its_people(workshop, settings):
    from pathlib import Path

    content = Path(settings.BASE_DIR) / "static/import-templates/participants-template.csv"
    rows = imports.read_participants_file(content.read_bytes(), "t.csv", max_rows=10)
    report = imports.participants_import(intake=workshop, participant_file=rows, dry_run=True)
    assert [row.action for row in report.rows] == ["create", "create"], report.refused_rows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Ines Kamikazi\tMINICT\n" + "Eric Mugisha\t" + "x" * 1001,
            "Row 2 has a cell of 1,001 characters",
        ),
        (
            "Ines Kamikazi\tMINICT\tDirector\tines@example.rw\t0788123456",
            "Row 1 has values in 5 columns, but a list without a header line has only 4: name, "
            "organisation, job title and email. Add a header line naming the columns.",
        ),
    ],
)
def test_a_pasted_list_without_a_header_numbers_its_lines_as_pasted(text, message):
    with pytest.raises(imports.ImportFileError) as refused:
        imports.read_pasted_participants(text, max_rows=imports.ADMIN_MAX_ROWS)
    assert message in str(refused.value)


def test_a_pasted_list_with_a_header_keeps_the_spreadsheets_numbers():
    text = "name\torganisation\nInes Kamikazi\t" + "x" * 1001
    with pytest.raises(imports.ImportFileError) as refused:
        imports.read_pasted_participants(text, max_rows=imports.ADMIN_MAX_ROWS)
    assert "Row 2 has a cell of 1,001 characters" in str(refused.value)
    rows = imports.read_pasted_participants("Ines Kamikazi\n\nEric Mugisha", max_rows=10)
    assert rows.line_numbers == [1, 3]

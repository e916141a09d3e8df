"""Applicant import, row by row: the dry run, every refusal reason, all or nothing, the rules."""

import datetime

import pytest

from programs.models import Enrollment, Student

from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    StudentFactory,
)
from .imports_support import applicant_row, csv_file, run_import

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


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

    report = run_import(
        september_intake,
        csv_file(
            applicant_row(),
            applicant_row("Eric", "Manzi", "KNOWN.person@example.rw", phone="+250788000999"),
        ),
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
        "Dry run of applicants.csv: 1 new student, 1 existing student, 0 rows refused. "
        "Nothing was written."
    )
    assert not report.written
    known.refresh_from_db()
    assert known.first_name == "Known"


def test_the_dry_run_counts_seats_taken_by_earlier_rows_of_the_file(september_intake, fill):
    fill(september_intake, 20)
    content = csv_file(
        applicant_row(email="a@example.rw", status="enrolled"),
        applicant_row(email="b@example.rw", status="offered"),
        applicant_row(email="c@example.rw", status="enrolled"),
        applicant_row(email="d@example.rw"),  # applied: takes no seat
    )

    report = run_import(september_intake, content, dry_run=True)

    assert [row.action for row in report.rows] == ["create", "create", "refused", "create"]
    assert report.rows[2].reasons == ["This intake is full: 22 of 22 seats are taken."]
    assert september_intake.enrollments.count() == 20


# --- every refusal, with its reason --------------------------------------------------------


@pytest.fixture
def other_source(db):
    return FundingSourceFactory(name="Mastercard Foundation")


def _reasons_for(intake, *rows) -> list[list[str]]:
    report = run_import(intake, csv_file(*rows), dry_run=True)
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
            {"phone": "0788 12"},
            "Phone: “0788 12” is not a phone number: This is not a phone number we can call. "
            "Write it as you dial it in your country (e.g. 0720 123 456) or with the country "
            "code (e.g. +250720123456).",
        ),
        ({"first_name": ""}, "First name: The cell is empty; a first name is required."),
    ],
)
def test_each_bad_value_is_refused_with_its_reason(september_intake, other_source, changes, reason):
    assert _reasons_for(september_intake, applicant_row(**changes)) == [[reason]]


def test_a_duplicate_in_the_file_is_refused_whatever_the_capitals(september_intake):
    reasons = _reasons_for(
        september_intake,
        applicant_row(email="aimee@example.rw"),
        applicant_row(email="Aimee@Example.RW"),
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

    assert _reasons_for(september_intake, applicant_row(email="AIMEE@example.rw")) == [
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
        applicant_row(email="a@example.rw", status="offered", funding_source=source),
        applicant_row(email="b@example.rw", status="offered", funding_source=source),
        # Applying for a funded place takes none: accepted.
        applicant_row(email="c@example.rw", funding_source=source.upper()),
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
        september_intake, applicant_row(country="Atlantis", status="maybe", date_of_birth="soon")
    )

    assert len(reasons) == 3
    assert any(reason.startswith("Country:") for reason in reasons)
    assert any(reason.startswith("Date of birth:") for reason in reasons)
    assert any("is not a status" in reason for reason in reasons)


# --- the confirmed import ------------------------------------------------------------------


def test_the_import_writes_through_the_services_with_who_and_why(september_intake, staff):
    known = StudentFactory(email="known@example.rw")

    report = run_import(
        september_intake,
        csv_file(applicant_row(), applicant_row("K", "P", "KNOWN@example.rw", status="waitlisted")),
        by=staff,
        name="rdb-list.csv",
    )

    assert report.written
    assert report.summary() == (
        f"Imported 2 applicants into {september_intake} from rdb-list.csv: "
        "1 new student, 1 existing student, 0 rows refused."
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
        report = run_import(
            september_intake, csv_file(applicant_row(), applicant_row(email="b@example.rw"))
        )

    assert report.written
    assert mailoutbox == []


def test_one_bad_row_and_nothing_is_written(september_intake):
    before = _snapshot()

    report = run_import(
        september_intake,
        csv_file(
            applicant_row(email="a@example.rw"),
            applicant_row(email="b@"),
            applicant_row(email="c@example.rw"),
        ),
    )

    assert report.refused == 1
    assert not report.written
    assert report.summary().startswith("Nothing was imported from applicants.csv")
    assert _snapshot() == before


def test_a_refused_row_leaves_no_new_student_behind_for_later_rows(september_intake, fill):
    """The student of a refused row is rolled back at once, not only at the end."""
    fill(september_intake, 22)

    report = run_import(
        september_intake,
        csv_file(applicant_row(status="enrolled"), applicant_row(email="x@example.rw")),
    )

    assert report.rows[0].action == "refused"
    assert report.rows[1].action == "create"  # not "update" of the first row's student

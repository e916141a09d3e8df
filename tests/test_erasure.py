"""Erasure on request: the person goes, the counts stay."""

import datetime
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from programs import services
from programs.erasure import student_erase
from programs.models import Enrollment, Intake, Student

from .factories import EnrollmentFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Enrollment.Status


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def aimee(september_intake, joint_scholarship, staff):
    """A funded student with an account, notes, a history and entries in the admin log."""
    account = UserFactory(username="aimee.uwase", email="aimee.private@example.rw")
    student = StudentFactory(
        first_name="Aimée",
        last_name="Uwase",
        email="Aimee.Uwase@example.rw",
        phone="+250788123456",
        national_id="1199880012345678",
        date_of_birth=datetime.date(1998, 3, 14),
        country="RW",
        user=account,
    )
    enrollment = services.enrollment_create(
        student=student,
        intake=september_intake,
        status=Status.OFFERED,
        funding_source=joint_scholarship,
        notes="Aimée prefers French; call +250788123456. Annual review in May.",
        by=staff,
        reason="Offer agreed with Aimée Uwase by phone",
    )
    services.enrollment_set_status(
        enrollment=enrollment, status=Status.ENROLLED, by=staff, reason="Aimée signed"
    )
    LogEntry.objects.log_actions(
        staff.pk, [student], ADDITION, change_message="Added.", single_object=True
    )
    LogEntry.objects.log_actions(
        staff.pk,
        [enrollment],
        CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Status"]}}]),
        single_object=True,
    )
    # Adding the enrollment inline on the intake page names her in the intake's log entry.
    LogEntry.objects.log_actions(
        staff.pk,
        [september_intake],
        CHANGE,
        change_message=json.dumps([{"added": {"name": "enrollment", "object": str(enrollment)}}]),
        single_object=True,
    )
    return student


def _text_of_everything_about(student: Student) -> str:
    history = Enrollment.history.filter(student_id=student.pk)
    return " ".join(
        [
            *map(
                str,
                Student.objects.filter(pk=student.pk).values_list(
                    "first_name", "last_name", "email", "phone", "national_id"
                )[0],
            ),
            *Enrollment.objects.filter(student=student).values_list("notes", flat=True),
            *history.values_list("notes", flat=True),
            *(reason or "" for reason in history.values_list("history_change_reason", flat=True)),
            *LogEntry.objects.values_list("object_repr", flat=True),
            *LogEntry.objects.values_list("change_message", flat=True),
        ]
    )


def test_erasure_replaces_the_personal_data_and_keeps_the_country(aimee, staff):
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    aimee.refresh_from_db()
    assert aimee.first_name == "Erased"
    assert aimee.last_name == f"Student #{aimee.pk}"
    assert aimee.email == f"erased-{aimee.pk}@invalid.example"
    assert (aimee.phone, aimee.national_id, aimee.date_of_birth) == ("", "", None)
    assert aimee.country == "RW"
    assert aimee.user is None
    assert aimee.erased_at is not None


def test_erasure_keeps_enrollments_statuses_funding_and_counts(
    aimee, staff, september_intake, joint_scholarship
):
    def counts():
        intake = Intake.objects.with_counts().get(pk=september_intake.pk)
        funded = september_intake.enrollments.seat_holding().filter(
            funding_source=joint_scholarship
        )
        return intake.seats_taken, funded.count(), Enrollment.history.count()

    before = counts()
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    assert counts() == before
    enrollment = Enrollment.objects.get(student=aimee)
    assert enrollment.status == Status.ENROLLED
    assert enrollment.funding_source == joint_scholarship
    statuses = Enrollment.history.filter(student_id=aimee.pk).values_list("status", flat=True)
    assert sorted(statuses) == ["enrolled", "offered"]


def test_erasure_scrubs_notes_history_and_the_admin_log(aimee, staff):
    before = _text_of_everything_about(aimee)
    assert "Aimée" in before and "Aim\\u00e9e Uwase" in before  # as the admin log stores it
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")

    after = _text_of_everything_about(aimee)
    for value in (
        "Aimée",
        "Aim\\u00e9e",
        "Uwase",
        "Aimee.Uwase@example.rw",
        "+250788123456",
        "1199880012345678",
        "aimee.uwase",
    ):
        assert value.lower() not in after.lower(), value
    notes = Enrollment.objects.get(student=aimee).notes
    assert notes == "[erased] prefers French; call [erased]. Annual review in May."

    student_type = ContentType.objects.get_for_model(Student)
    entry = LogEntry.objects.filter(content_type=student_type, object_id=str(aimee.pk)).first()
    assert entry.object_repr == f"Erased Student #{aimee.pk}"


def test_erasure_retitles_only_her_own_entries_in_the_admin_log(september_intake, staff):
    """Her entries, her enrollment's and her account's get their new titles and lose her
    first name; another student's entries with the same ids (of another kind) keep theirs."""
    account = UserFactory(username="aimee.uwase")
    her = StudentFactory(pk=50, first_name="Aimée", last_name="Uwase", user=account)
    hers = EnrollmentFactory(pk=60, student=her, intake=september_intake)
    other = StudentFactory(pk=60, first_name="Jean", last_name="Habimana")
    others = EnrollmentFactory(pk=50, student=other, intake=september_intake)
    entries = {}
    for name, obj in {
        "her": her,
        "hers": hers,
        "account": account,
        "other": other,
        "others": others,
    }.items():
        LogEntry.objects.log_actions(
            staff.pk, [obj], CHANGE, change_message="Aimée called.", single_object=True
        )
        entries[name] = LogEntry.objects.latest("pk").pk

    student_erase(student=her, by=staff, reason="Request DP-2027-015")
    her.refresh_from_db()
    hers.refresh_from_db()
    account.refresh_from_db()
    after = {name: LogEntry.objects.get(pk=pk) for name, pk in entries.items()}
    assert {name: entry.object_repr for name, entry in after.items()} == {
        "her": f"Erased Student #{her.pk}",
        "hers": f"Erased Student #{her.pk} in {september_intake}",
        "account": f"erased-student-{account.pk}",
        "other": "Jean Habimana",
        "others": f"Jean Habimana in {september_intake}",
    }
    assert str(hers) == after["hers"].object_repr
    # A first name alone is hers only in her own records: another Aimée may be meant elsewhere.
    assert {name: entry.change_message for name, entry in after.items()} == {
        "her": "[erased] called.",
        "hers": "[erased] called.",
        "account": "[erased] called.",
        "other": "Aimée called.",
        "others": "Aimée called.",
    }


def test_erasure_is_recorded_with_who_and_why(aimee, staff):
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    entry = LogEntry.objects.filter(change_message__startswith="Personal data erased").get()
    assert entry.user == staff
    assert entry.object_id == str(aimee.pk)
    assert entry.change_message == "Personal data erased on request. Reason: Request DP-2027-014"


def test_after_erasure_no_staff_list_shows_the_personal_data(aimee, staff_client, staff):
    """Two admin lists showed her name; the next view of each shows it nowhere, and nothing
    kept in the process's cache holds it."""
    from django.core.cache import cache
    from django.urls import reverse

    urls = [reverse("admin:programs_student_changelist")]
    urls.append(reverse("admin:programs_enrollment_changelist"))
    for url in urls:
        assert "Uwase" in staff_client.get(url).content.decode()

    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")

    for url in urls:
        assert "Uwase" not in staff_client.get(url).content.decode()
    assert not any(b"Uwase" in value for value in cache._cache.values())


def test_erasure_closes_the_students_own_account(aimee, staff):
    account = aimee.user
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    account.refresh_from_db()
    assert not account.is_active
    assert not account.has_usable_password()
    assert account.username == f"erased-student-{account.pk}"
    assert account.email == ""


def test_erasure_only_unlinks_a_staff_account(september_intake, staff):
    student = StudentFactory(user=staff)
    student_erase(student=student, by=staff, reason="Request DP-2027-015")
    staff.refresh_from_db()
    assert staff.is_active and staff.username == "staff-member"


@pytest.mark.parametrize(
    ("is_staff", "is_superuser"), [(True, False), (False, True)], ids=["staff", "superuser"]
)
def test_erasure_only_unlinks_an_account_that_is_staff_or_superuser(is_staff, is_superuser):
    """Either flag alone makes it a staff account: it keeps its name and still signs in."""
    account = UserFactory(
        username="programme-officer",
        first_name="Jean",
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    student = StudentFactory(user=account)
    student_erase(student=student, by=account, reason="Request DP-2027-016")
    account.refresh_from_db()
    assert (account.username, account.first_name, account.is_active) == (
        "programme-officer",
        "Jean",
        True,
    )
    assert account.has_usable_password()


def test_erasure_blanks_the_name_on_her_own_account(aimee, staff):
    account = aimee.user
    account.first_name, account.last_name = "Aimée", "Uwase"
    account.save()
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    account.refresh_from_db()
    assert (account.first_name, account.last_name) == ("", "")


def test_erasure_leaves_other_students_alone(aimee, staff, september_intake):
    other = StudentFactory(first_name="Aimée", last_name="Mukamana", email="aimee.m@example.rw")
    services.enrollment_create(
        student=other, intake=september_intake, notes="Aimée Mukamana, cousin of a student."
    )
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    other.refresh_from_db()
    assert (other.first_name, other.email) == ("Aimée", "aimee.m@example.rw")
    assert Enrollment.objects.get(student=other).notes == "Aimée Mukamana, cousin of a student."


def test_erasing_twice_or_without_a_reason_is_refused(aimee, staff):
    with pytest.raises(ValidationError, match="Give the reason"):
        student_erase(student=aimee, by=staff, reason="  ")
    aimee.refresh_from_db()
    assert aimee.erased_at is None

    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    with pytest.raises(ValidationError, match="already erased"):
        student_erase(student=aimee, by=staff, reason="Request DP-2027-014")


def test_two_students_erased_get_distinct_addresses(september_intake, staff):
    first, second = StudentFactory.create_batch(2)
    student_erase(student=first, by=staff, reason="Request 1")
    student_erase(student=second, by=staff, reason="Request 2")
    assert Student.objects.filter(email__endswith="@invalid.example").count() == 2


# --- her national ID and date of birth, wherever staff typed them ---------------------------

NATIONAL_ID = "1199880012345678"
BIRTH_DATES = ("1998-03-14", "14/03/1998", "14 March 1998")  # hers, as staff type it
# In her own records a date of birth goes even alone; in others' only beside what points at her.
ID_ALONE = f"ID {NATIONAL_ID} seen."
BIRTH_DATE_ALONE = "Born " + ", ".join(BIRTH_DATES) + "."
ID_AND_BIRTH_DATE = f"ID {NATIONAL_ID}, born " + ", ".join(BIRTH_DATES) + "."
HER_TEXTS = pytest.mark.parametrize("text", [ID_ALONE, BIRTH_DATE_ALONE], ids=["id", "birth"])


@pytest.fixture
def noted(aimee, september_intake):
    """Her enrollment, whose notes and reasons the tests fill with her ID and date of birth."""
    return Enrollment.objects.get(student=aimee, intake=september_intake)


def _assert_scrubbed(text: str, typed: str) -> None:
    for value in (NATIONAL_ID, *BIRTH_DATES):
        assert value not in text, value
    values = sum(typed.count(value) for value in (NATIONAL_ID, *BIRTH_DATES))
    assert text.count("[erased]") == values  # each value replaced, the words around it kept


@HER_TEXTS
def test_erasure_scrubs_the_id_and_birth_date_from_her_enrollments_notes(noted, aimee, staff, text):
    services.enrollment_update(enrollment=noted, notes=f"Checked. {text}")
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    noted.refresh_from_db()
    _assert_scrubbed(noted.notes, text)
    assert noted.notes.startswith("Checked. ")


@HER_TEXTS
def test_erasure_scrubs_the_id_and_birth_date_from_earlier_notes_in_the_history(
    noted, aimee, staff, text
):
    """Notes since corrected live on only in the history rows."""
    services.enrollment_update(enrollment=noted, notes=f"Typed by mistake. {text}")
    services.enrollment_update(enrollment=noted, notes="Corrected.")
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    (earlier,) = Enrollment.history.filter(student_id=aimee.pk, notes__startswith="Typed by")
    _assert_scrubbed(earlier.notes, text)


@HER_TEXTS
def test_erasure_scrubs_the_id_and_birth_date_from_her_enrollments_change_reasons(
    noted, aimee, staff, text
):
    services.enrollment_update(enrollment=noted, notes="Checked.", reason=f"Papers seen. {text}")
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    (row,) = Enrollment.history.filter(
        student_id=aimee.pk, history_change_reason__startswith="Papers seen"
    )
    _assert_scrubbed(row.history_change_reason, text)


def test_erasure_scrubs_the_id_and_birth_date_from_another_records_change_reason(
    aimee, staff, september_intake
):
    """A change to the intake whose reason points at her by her ID: the date beside it goes too."""
    september_intake.capacity = 23
    september_intake._change_reason = f"One more seat for the student with {ID_AND_BIRTH_DATE}"
    september_intake.save()
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    (row,) = Intake.history.filter(id=september_intake.pk, history_change_reason__startswith="One")
    _assert_scrubbed(row.history_change_reason, ID_AND_BIRTH_DATE)


@HER_TEXTS
def test_erasure_scrubs_the_id_and_birth_date_from_the_reason_it_records(aimee, staff, text):
    student_erase(student=aimee, by=staff, reason=f"Request DP-2027-014. {text}")
    entry = LogEntry.objects.filter(change_message__startswith="Personal data erased").get()
    _assert_scrubbed(entry.change_message, text)

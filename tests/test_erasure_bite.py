"""Erasure at the edges mutation testing found unchecked (docs/testing.md, "Mutation testing"):
what is someone else's stays, what is hers goes, whatever shape the record has."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from programs import services
from programs.erasure import student_erase
from programs.models import Enrollment, ExportLog, Intake, Student

from .factories import StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Request DP-2027-020"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def aimee(db):
    account = UserFactory(username="aimee.uwase", email="aimee.private@example.rw")
    return StudentFactory(
        first_name="Aimée",
        last_name="Uwase",
        email="aimee.uwase@example.rw",
        national_id="1199880012345678",
        date_of_birth=datetime.date(1998, 3, 14),
        user=account,
    )


def _log(staff, content_type, object_id, object_repr, message="", flag=CHANGE) -> int:
    entry = LogEntry.objects.create(
        user=staff,
        content_type=content_type,
        object_id=str(object_id),
        object_repr=object_repr,
        action_flag=flag,
        change_message=message,
    )
    return entry.pk


# --- someone else's records: only what points at her goes -----------------------------------


def test_in_another_students_notes_another_aimee_stays_beside_her_email(
    aimee, staff, september_intake
):
    """Her address points at her, so it goes; the other Aimée named in the same note is not her."""
    other = StudentFactory(first_name="Aimée", last_name="Mukamana", email="a.m@example.rw")
    enrollment = services.enrollment_create(
        student=other,
        intake=september_intake,
        notes="Aimée Mukamana, cousin of aimee.uwase@example.rw, born 1998.",
    )
    student_erase(student=aimee, by=staff, reason=REASON)
    enrollment.refresh_from_db()
    assert enrollment.notes == "Aimée Mukamana, cousin of [erased], born 1998."


def test_in_another_objects_admin_log_another_aimee_stays_and_her_title_goes(
    aimee, staff, september_intake
):
    """An entry about the intake that quotes her address, and the entry of an enrollment of hers
    since deleted (titled by her name): her values go, the rest of each stays."""
    intake_type = ContentType.objects.get_for_model(Intake)
    enrollment_type = ContentType.objects.get_for_model(Enrollment)
    quoted = _log(
        staff,
        intake_type,
        september_intake.pk,
        str(september_intake),
        "Aimée Mukamana replaces aimee.uwase@example.rw",
    )
    deleted = _log(staff, enrollment_type, 999, f"Aimée Uwase in {september_intake}", flag=DELETION)

    student_erase(student=aimee, by=staff, reason=REASON)

    entry = LogEntry.objects.get(pk=quoted)
    assert (entry.object_repr, entry.change_message) == (
        str(september_intake),
        "Aimée Mukamana replaces [erased]",
    )
    assert LogEntry.objects.get(pk=deleted).object_repr == f"[erased] in {september_intake}"


def test_only_her_accounts_entries_are_retitled(aimee, staff, september_intake):
    """Her account's entries take its new name; an entry about another account, and one about
    another kind of object that has her account's id, keep theirs."""
    account = aimee.user
    user_type = ContentType.objects.get_for_model(get_user_model())
    intake_type = ContentType.objects.get_for_model(Intake)
    hers = _log(staff, user_type, account.pk, "aimee.uwase", "Aimée changed her email.")
    staffs = _log(staff, user_type, staff.pk, "staff-member", "Aimée asked for help.")
    same_id = _log(staff, intake_type, account.pk, "September intake", "Aimée asked for help.")

    student_erase(student=aimee, by=staff, reason=REASON)

    after = {
        name: LogEntry.objects.values_list("object_repr", "change_message").get(pk=pk)
        for name, pk in {"hers": hers, "staff": staffs, "same id": same_id}.items()
    }
    assert after == {
        "hers": (f"erased-student-{account.pk}", "[erased] changed her email."),
        "staff": ("staff-member", "Aimée asked for help."),
        "same id": ("September intake", "Aimée asked for help."),
    }


# --- the export log: searches she was looked up by --------------------------------------------


@pytest.mark.parametrize(
    ("search", "kept"),
    [
        ("uwa", "[erased]"),  # 3 characters of her surname: a search for her
        ("uw", "uw"),  # 2 characters find half the school: not about her
        ("Mukamana", "Mukamana"),  # someone else's name
    ],
)
def test_a_search_term_goes_when_it_is_part_of_her_values_from_3_characters(
    aimee, staff, search, kept
):
    log = ExportLog.objects.create(
        user=staff, username=staff.username, filters={"search": search, "selected": 2}
    )
    student_erase(student=aimee, by=staff, reason=REASON)
    log.refresh_from_db()
    assert log.filters == {"search": kept, "selected": 2}


def test_export_filters_kept_as_a_list_are_scrubbed_item_by_item(aimee, staff):
    """Filters that are not a dict (a list of terms, nested): each of her values goes, the rest
    stays, and the erasure does not stop on the shape."""
    log = ExportLog.objects.create(
        user=staff,
        username=staff.username,
        filters=["Aimée Uwase", ["Mukamana", "aimee.uwase@example.rw"], 3],
    )
    student_erase(student=aimee, by=staff, reason=REASON)
    log.refresh_from_db()
    assert log.filters == ["[erased]", ["Mukamana", "[erased]"], 3]


# --- refusals say what happened ------------------------------------------------------------------


def test_a_refused_erasure_says_why_and_on_which_day_it_was_done(aimee, staff):
    with pytest.raises(ValidationError) as refused:
        student_erase(student=aimee, by=staff, reason=" ")
    assert refused.value.messages == [
        "Give the reason for the erasure, e.g. the request's reference."
    ]

    student_erase(student=aimee, by=staff, reason=REASON)
    erased_on = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    Student.objects.filter(pk=aimee.pk).update(erased_at=erased_on)
    with pytest.raises(ValidationError) as refused:
        student_erase(student=aimee, by=staff, reason=REASON)
    assert refused.value.messages == [
        "This student's personal data was already erased on 2026-01-05."
    ]


def test_her_language_goes_too(aimee, staff):
    Student.objects.filter(pk=aimee.pk).update(language="fr")
    student_erase(student=aimee, by=staff, reason=REASON)
    aimee.refresh_from_db()
    assert aimee.language == ""


def test_a_staff_accounts_own_log_keeps_a_first_name_it_quotes(db):
    """A staff member's account (staff, not superuser) linked to the student is only unlinked:
    its log is about the staff member, so a first name alone there stays."""
    officer = UserFactory(username="officer", is_staff=True, is_superuser=False)
    student = StudentFactory(first_name="Aimée", last_name="Uwase", user=officer)
    user_type = ContentType.objects.get_for_model(get_user_model())
    entry = _log(officer, user_type, officer.pk, "officer", "Aimée asked for access.")
    student_erase(student=student, by=officer, reason=REASON)
    assert LogEntry.objects.values_list("object_repr", "change_message").get(pk=entry) == (
        "officer",
        "Aimée asked for access.",
    )

"""Erasure leaves no trace: after it, none of her values is in any text column of any table.

The scan reads the database's own list of tables and columns, so a table added later (queued
emails, a new log) is covered without changing this file.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import connection

from programs import services
from programs.erasure import student_erase
from programs.models import Enrollment, ExportLog, Student

from .factories import StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Enrollment.Status

# How the database describes a column that holds text (introspection's field names).
TEXT_TYPES = {"CharField", "TextField", "JSONField", "EmailField", "SlugField", "URLField"}

DATES_OF_BIRTH = [
    "1998-03-14",
    "14/03/1998",
    "14 March 1998",
    "March 14, 1998",
    "14.03.1998",
    "14 mars 1998",
    "14th of March 1998",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def aimee(september_intake, staff):
    """A student who left her values in every place the issue names."""
    account = UserFactory(username="aimee.uwase", email="aimee.private@example.rw")
    student = StudentFactory(
        first_name="Aimée",
        last_name="Uwase",
        email="Aimee.Uwase@example.rw",
        phone="+250788123456",
        national_id="1199880012345678",
        date_of_birth=datetime.date(1998, 3, 14),
        user=account,
    )
    services.enrollment_create(
        student=student,
        intake=september_intake,
        notes="Born 1998-03-14 (form: 14/03/1998, ID card: 14 March 1998). Aimée prefers French.",
        by=staff,
        reason="Offer agreed with Aimée by phone",
    )
    # Someone else's records that name her.
    other = StudentFactory(first_name="Claudine", last_name="Mukamana", email="c.m@example.rw")
    other_enrollment = services.enrollment_create(
        student=other,
        intake=september_intake,
        notes="Room-mate of Aimée Uwase (born March 14, 1998); reach her on +250788123456.",
        by=staff,
        reason="Referred by aimee.uwase@example.rw",
    )
    services.enrollment_set_status(
        enrollment=other_enrollment,
        status=Status.OFFERED,
        by=staff,
        reason="Place freed by Uwase Aimée, ID 1199880012345678, born 14.03.1998",
    )
    september_intake.capacity = 23
    september_intake._change_reason = "One more seat for AIMEE.UWASE@EXAMPLE.RW's cousin"
    september_intake.save()
    # Her account's own admin log.
    LogEntry.objects.log_actions(
        staff.pk, [account], ADDITION, change_message="Added.", single_object=True
    )
    LogEntry.objects.log_actions(
        staff.pk,
        [account],
        CHANGE,
        change_message=json.dumps("Changed email for Aimée Uwase (aimee.private@example.rw)"),
        single_object=True,
    )
    # Exports she was looked up by.
    for search in ("Aimee.Uwase@example.rw", "Uwase", "uwase@", "788123456", "14 mars 1998"):
        ExportLog.objects.create(
            user=staff,
            username=staff.username,
            filters={"via": "admin action", "search": search, "selected": 1},
        )
    # Sign-in attempts: under her account name, her email, and a form that quoted her.
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        extra = extra if model is AccessAttempt else {}
        for username in ("aimee.uwase", "Aimee.Uwase@example.rw", "aimee.private@example.rw"):
            model.objects.create(
                username=username, ip_address="10.0.0.1", user_agent="Firefox", **extra
            )
    AccessAttempt.objects.create(
        username="someone",
        ip_address="10.0.0.2",
        user_agent="Firefox",
        get_data="next=/my/?email=Aimee.Uwase@example.rw",
        post_data="username=someone\nnote=Aimée Uwase +250788123456\npassword=********",
        failures_since_start=1,
    )
    return student


def _her_values(student: Student) -> list[str]:
    assert student.user is not None, "these tests erase a student with an account"
    assert student.email is not None, "these tests erase a student with an address"
    values = [
        student.first_name,
        student.last_name,
        student.full_name,
        student.email,
        student.phone,
        student.national_id,
        student.user.username,
        student.user.email,
        *DATES_OF_BIRTH,
    ]
    # JSON columns may keep non-ASCII letters escaped.
    return sorted({form for value in values for form in (value, json.dumps(value)[1:-1])})


def _text_columns() -> Iterator[tuple[str, str]]:
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            for column in introspection.get_table_description(cursor, table):
                if introspection.get_field_type(column.type_code, column) in TEXT_TYPES:
                    yield table, column.name


def _traces(values: list[str]) -> list[str]:
    """ "table.column: value" for every text cell that holds one of the values."""
    found = []
    quote = connection.ops.quote_name
    columns = list(_text_columns())
    assert len(columns) > 30  # the scan sees the whole schema, not a few tables
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")
            for (cell,) in cursor.fetchall():
                text = str(cell).casefold() if cell is not None else ""
                found += [f"{table}.{column}: {v}" for v in values if v.casefold() in text]
    return found


def test_the_scan_finds_her_everywhere_before_erasure(aimee):
    traces = _traces(_her_values(aimee))
    tables = {trace.split(".")[0] for trace in traces}
    assert {
        "programs_student",
        "programs_enrollment",
        "programs_historicalenrollment",
        "programs_historicalintake",
        "programs_exportlog",
        "django_admin_log",
        "auth_user",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
    } <= tables


def test_after_erasure_no_text_column_of_any_table_holds_her_values(aimee, staff):
    values = _her_values(aimee)
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    assert _traces(values) == []


def test_erasure_keeps_what_is_not_hers(aimee, staff):
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    other = Enrollment.objects.get(student__last_name="Mukamana")
    assert other.notes == "Room-mate of [erased] (born [erased]); reach her on [erased]."
    assert other.status == Status.OFFERED
    # Every export stays attributable: who, what kind, how many.
    assert ExportLog.objects.filter(username=staff.username).count() == 5
    assert {log.filters["via"] for log in ExportLog.objects.all()} == {"admin action"}
    assert {log.filters["search"] for log in ExportLog.objects.all()} == {"[erased]"}
    # Attempts under her names go; another person's attempt stays, without her in it.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone"]
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 0
    assert AccessAttempt.objects.get().post_data.startswith("username=someone\nnote=[erased]")


def test_a_date_alone_in_someone_elses_notes_stays(aimee, staff, september_intake):
    """The same date beside another person's name is theirs, not hers."""
    other = StudentFactory(first_name="Eric", last_name="Habimana", email="eric@example.rw")
    services.enrollment_create(
        student=other, intake=september_intake, notes="Eric, born 14 March 1998."
    )
    student_erase(student=aimee, by=staff, reason="Request DP-2027-014")
    assert Enrollment.objects.get(student=other).notes == "Eric, born 14 March 1998."

"""Phone numbers: read in the person's country, stored in E.164, written back as dialled."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given
from hypothesis import strategies as st

from programs.erasure import student_erase
from programs.models import Enrollment, Student
from programs.phones import parse_phone, phone_as_dialled, phone_for_csv, phone_forms

from .factories import EnrollmentFactory, StudentFactory
from .imports_support import applicant_row, csv_file, run_import

REGIONS = ["RW", "FR", "KE", "UG", "CD", "US", "GB", "BE", "CN", "IN"]


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("0788 123 456", "RW", "+250788123456"),  # a Rwandan's local number
        ("0788 123 456", "", "+250788123456"),  # no country: the site's (Rwanda)
        ("0788 123 456", "AQ", "+250788123456"),  # a country the library does not know
        ("06 12 34 56 78", "FR", "+33612345678"),  # a French mobile, read in France
        ("+33 6 12 34 56 78", "RW", "+33612345678"),  # a country code wins over the country
        ("0033 6 12 34 56 78", "RW", "+33612345678"),  # 00, the international prefix
        ("(078) 812-3456", "RW", "+250788123456"),
    ],
)
def test_a_number_is_read_in_the_persons_country(typed, country, stored):
    assert parse_phone(typed, country) == stored


@pytest.mark.parametrize("typed", ["0788 12", "+250 788 123 456 789", "not a phone", "+0"])
def test_a_number_that_cannot_be_called_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as refused:
        parse_phone(typed, "RW")
    assert refused.value.messages == [
        "This is not a phone number we can call. Write it as you dial it in your country "
        "(e.g. 0720 123 456) or with the country code (e.g. +250720123456)."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("stored", ["0788123456", "250788123456", "+250 788 123 456", "+2507"])
def test_the_record_keeps_only_e164(stored):
    student = StudentFactory.build(phone=stored)
    with pytest.raises(ValidationError) as refused:
        student.full_clean(validate_unique=False, exclude=["user"])
    assert "phone" in refused.value.message_dict


@given(st.integers(min_value=0, max_value=99_999_999), st.sampled_from("2389"))
def test_the_fast_way_to_show_a_rwandan_mobile_is_the_librarys(digits, operator):
    e164 = f"+2507{operator}{digits:07d}"[:13]
    number = phonenumbers.parse(e164)
    if not phonenumbers.is_valid_number(number):
        return
    expected = phonenumbers.format_out_of_country_calling_number(number, "RW")
    assert phone_as_dialled(e164) == expected


@given(st.integers(min_value=0, max_value=99_999_999), st.sampled_from("2389"))
def test_the_fast_csv_cell_of_a_rwandan_mobile_abroad_is_the_librarys(digits, operator):
    e164 = f"+2507{operator}{digits:07d}"[:13]
    number = phonenumbers.parse(e164)
    if not phonenumbers.is_valid_number(number):
        return
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    expected = ("00 " + international.removeprefix("+")).replace(" ", "-")
    assert phone_for_csv(e164, "FR") == expected


@given(st.sampled_from(REGIONS), st.sampled_from(REGIONS), st.sampled_from(list(range(6))))
def test_the_csv_cell_reads_back_to_the_same_number(region, country, kind):
    """Any number, any country of residence: what the CSV holds is text a spreadsheet keeps
    (no leading "+" or "-", a hyphen between groups, no space: docs/exports.md) and the import
    reads it back to the stored number."""
    types = [
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    ]
    example = phonenumbers.example_number_for_type(region, types[kind])
    if example is None:
        return
    stored = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    cell = phone_for_csv(stored, country)
    assert cell[:1] not in "=+-@\t\r\n" and "-" in cell and " " not in cell
    assert parse_phone(cell, country) == stored


def test_a_number_kept_unreadable_by_the_migration_is_shown_as_it_is():
    assert phone_as_dialled("+250 12") == "+250 12"
    assert phone_for_csv("call me", "FR") == "call me"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "country", "stored"),
    [
        ("788123456", "Rwanda", "+250788123456"),  # the spreadsheet lost the leading 0
        ("250788123456", "Rwanda", "+250788123456"),  # ... or the "+"
        ("788123456", "", "+250788123456"),
        ("612345678", "France", "+33612345678"),
        ("0788 123 456", "Rwanda", "+250788123456"),
        ("00 33 6 12 34 56 78", "Rwanda", "+33612345678"),
        ("0788-123-456", "Rwanda", "+250788123456"),  # as the export writes it
        ("00-33-6-12-34-56-78", "Rwanda", "+33612345678"),  # ... for someone abroad
    ],
)
def test_the_import_reads_a_number_a_spreadsheet_mangled(september_intake, cell, country, stored):
    report = run_import(
        september_intake, csv_file(applicant_row(phone=cell, country=country)), dry_run=False
    )
    assert [row.reasons for row in report.rows] == [[]]
    assert Student.objects.get().phone == stored
    assert not stored.startswith("+788")


@pytest.mark.django_db
def test_the_import_refuses_a_number_it_could_read_two_ways(september_intake):
    # In the United States 2015550123 is +1 201 555 0123; with a "+" lost it is also Egypt's.
    report = run_import(
        september_intake,
        csv_file(applicant_row(phone="2015550123", country="US")),
        dry_run=True,
    )
    assert report.rows[0].reasons == [
        "Phone: “2015550123” can be read as +12015550123 or +2015550123. Write the number with "
        "its country code, starting with +, or as dialled in the country, starting with 0."
    ]


def test_every_written_form_of_a_number_is_known_for_erasure():
    forms = phone_forms("+250788123456")
    for written in (
        "+250788123456",
        "+250 788 123 456",
        "0788 123 456",
        "0788123456",
        "0788-123-456",
    ):
        assert written in forms
    assert "788123456" in forms


@pytest.mark.django_db
def test_erasure_removes_the_number_however_a_note_wrote_it(september_intake, staff):
    student = StudentFactory(phone="+250788123456", country="RW")
    enrollment = EnrollmentFactory(
        student=student,
        intake=september_intake,
        notes="Call 0788 123 456 or 0788123456 (or +250 788 123 456). Office: 0788 999 000.",
    )
    student_erase(student=student, by=staff, reason="Request DP-2027-031")
    notes = Enrollment.objects.get(pk=enrollment.pk).notes
    assert "788" not in notes.replace("0788 999 000", "")
    assert "0788 999 000" in notes  # someone else's number stays


@pytest.mark.django_db(transaction=True)
def test_the_migration_rewrites_numbers_in_e164_and_keeps_what_it_cannot_read(capsys):
    before = [("programs", "0012_money_disbursements")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("programs", "Student")
    for email, phone, country in [
        ("spaced@example.rw", "+250 788-123-456", "RW"),
        ("local@example.rw", "0788123456", "RW"),
        ("french@example.fr", "0612345678", "FR"),
        ("already@example.rw", "+250788000111", ""),
        ("broken@example.rw", "12", "RW"),
        ("none@example.rw", "", "RW"),
    ]:
        old.objects.create(first_name="A", last_name="B", email=email, phone=phone, country=country)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("programs"))

    phones = dict(Student.objects.values_list("email", "phone"))
    assert phones == {
        "spaced@example.rw": "+250788123456",
        "local@example.rw": "+250788123456",
        "french@example.fr": "+33612345678",
        "already@example.rw": "+250788000111",
        "broken@example.rw": "12",  # never lost: staff correct it
        "none@example.rw": "",
    }
    printed = capsys.readouterr().out
    broken = Student.objects.get(email="broken@example.rw")
    assert f"students with id {broken.pk})" in printed


@pytest.mark.django_db
def test_staff_see_the_number_as_dialled_from_rwanda(staff_client):
    from django.urls import reverse

    rwandan = StudentFactory(last_name="Uwase", phone="+250788123456")
    StudentFactory(last_name="Dubois", phone="+33612345678")
    listing = staff_client.get(reverse("admin:programs_student_changelist")).content.decode()
    assert "0788 123 456" in listing
    assert "00 33 6 12 34 56 78" in listing
    assert "+250788123456" not in listing
    page = staff_client.get(reverse("admin:programs_student_change", args=[rwandan.pk]))
    assert 'value="0788 123 456"' in page.content.decode()

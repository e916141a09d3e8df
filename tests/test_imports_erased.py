"""An import never brings back a student whose personal data was erased, nor adds to the
erased record: not from a file checked before the erasure, nor from a row with the erased
address."""

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs import imports
from programs.erasure import erased_email, student_erase
from programs.models import Enrollment, Student

from .factories import StudentFactory

pytestmark = pytest.mark.django_db


def _csv(*rows: tuple[str, str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["first_name", "last_name", "email"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.fixture
def aline(db):
    return StudentFactory(first_name="Aline", last_name="Uwase", email="aline@example.rw")


def test_a_pending_import_of_a_student_erased_since_is_refused_at_confirmation(
    client, manager, staff, september_intake, aline
):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    client.force_login(manager)
    content = _csv(("Aline", "Uwase", "aline@example.rw"), ("Eric", "Manzi", "eric@example.rw"))
    dry_run = client.post(url, {"file": SimpleUploadedFile("list.csv", content, "text/csv")})
    assert "0 rows refused" in dry_run.content.decode()
    student_erase(student=aline, by=staff, reason="Request DP-2027-014")

    response = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Nothing was imported from list.csv" in page
    assert "Something changed since the dry run; see the reasons below." in page
    assert (
        "The personal data of this applicant was erased after the dry run; the row cannot be "
        "imported. Remove it from the file and upload the file again."
    ) in page
    # Nothing re-created, nothing attached to the erased record, and the other row not written.
    assert not Student.objects.filter(email__iexact="aline@example.rw").exists()
    assert not Student.objects.filter(first_name="Aline").exists()
    assert not Enrollment.objects.exists()
    assert Student.objects.count() == 1


def test_a_row_with_an_erased_address_attaches_nothing_to_the_erased_record(
    staff, september_intake, aline
):
    student_erase(student=aline, by=staff, reason="Request DP-2027-014")
    content = _csv(("Aline", "Uwase", erased_email(aline.pk).upper()))

    report = imports.applicants_import(
        intake=september_intake,
        applicant_file=imports.read_applicants_file(content, "list.csv"),
        dry_run=False,
    )

    assert report.rows[0].reasons == [
        f"Email: “{erased_email(aline.pk).upper()}” is the address given to an erased record; "
        "it belongs to nobody and cannot be imported."
    ]
    assert not report.written
    assert not aline.enrollments.exists()


def test_an_erased_address_with_no_record_yet_is_refused_too(september_intake):
    """Else the new student's address would collide with the erasure of student 999999."""
    content = _csv(("Someone", "Else", erased_email(999999)))

    report = imports.applicants_import(
        intake=september_intake,
        applicant_file=imports.read_applicants_file(content, "list.csv"),
        dry_run=True,
    )

    assert report.refused == 1
    assert "is the address given to an erased record" in report.rows[0].reasons[0]

"""Staff follow a cohort in the admin: terms, promotion, records, exits, by their own POSTs."""

from __future__ import annotations

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.models import Enrollment, TermRecord

from .cohort import make_terms, record

Status = Enrollment.Status
Result = TermRecord.Result
pytestmark = pytest.mark.django_db


def _enrollment_form(enrollment: Enrollment, **changes) -> dict:
    data = {
        "student": enrollment.student_id,
        "intake": enrollment.intake_id,
        "status": enrollment.status,
        "funding_source": enrollment.funding_source_id or "",
        "waitlist_position": "",
        "notes": "",
        "exit_reason": "",
        "exit_date": "",
        "completed_on": "",
        "offer_expires_on": "",
        "change_reason": "",
    }
    data.update(changes)
    return data


def test_the_enrollment_page_refuses_a_withdrawal_without_reason_and_date(
    client, manager, september_intake, fill
):
    (student,) = fill(september_intake, 1)
    client.force_login(manager)
    url = reverse("admin:programs_enrollment_change", args=[student.pk])
    response = client.post(url, _enrollment_form(student, status=Status.WITHDRAWN))
    assert response.status_code == HTTPStatus.OK
    assert "never leaves without a reason and a date" in response.content.decode()
    assert Enrollment.objects.get(pk=student.pk).status == Status.ENROLLED

    response = client.post(
        url,
        _enrollment_form(
            student, status=Status.WITHDRAWN, exit_reason="employment", exit_date="2027-11-03"
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    student.refresh_from_db()
    assert (student.status, student.exit_reason, student.exit_date) == (
        Status.WITHDRAWN,
        "employment",
        datetime.date(2027, 11, 3),
    )


def _bulk(enrollments, **extra) -> dict:
    return {
        "action": "mark_withdrawn",
        "_selected_action": [e.pk for e in enrollments],
        "reason": "",
        **extra,
    }


def test_the_bulk_withdrawal_needs_the_exit_reason_and_date(
    client, manager, september_intake, fill
):
    enrolled = fill(september_intake, 2)
    client.force_login(manager)
    url = reverse("admin:programs_enrollment_changelist")
    page = client.post(url, _bulk(enrolled), follow=True).content.decode()
    assert page.count("never leaves without a reason and a date") == 2
    assert set(Enrollment.objects.values_list("status", flat=True)) == {Status.ENROLLED}

    page = client.post(
        url, _bulk(enrolled, exit_reason="financial", exit_date="2027-12-01"), follow=True
    ).content.decode()
    assert "2 enrollments changed to Withdrawn." in page
    assert set(Enrollment.objects.values_list("exit_reason", flat=True)) == {"financial"}


def test_an_import_row_withdrawn_is_refused_with_the_reason(client, manager, september_intake):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["first_name", "last_name", "email", "status"])
    writer.writerow(["Eric", "Manzi", "eric@example.rw", "withdrawn"])
    client.force_login(manager)
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    upload = SimpleUploadedFile("list.csv", buffer.getvalue().encode(), "text/csv")
    page = client.post(url, {"file": upload}).content.decode()
    assert "A withdrawal needs an exit reason and date" in page
    assert not Enrollment.objects.exists()


def test_staff_promote_a_term_from_the_term_list(client, manager, september_intake, fill):
    terms = make_terms(september_intake, years=1)
    passed, repeating = fill(september_intake, 2)
    record(passed, terms[0], result=Result.PASSED)
    record(repeating, terms[0], result=Result.REPEAT)
    client.force_login(manager)
    url = reverse("admin:programs_term_changelist")
    page = client.post(
        url,
        {"action": "promote_to_next_term", "_selected_action": [terms[0].pk]},
        follow=True,
    ).content.decode()
    assert "1 promoted, 1 repeating, 0 finished the programme." in page
    assert TermRecord.objects.filter(term=terms[1]).count() == 2


def test_promotion_refused_while_a_record_is_in_progress_says_how_many(
    client, manager, september_intake, fill
):
    terms = make_terms(september_intake, years=1)
    (student,) = fill(september_intake, 1)
    record(student, terms[0])
    client.force_login(manager)
    page = client.post(
        reverse("admin:programs_term_changelist"),
        {"action": "promote_to_next_term", "_selected_action": [terms[0].pk]},
        follow=True,
    ).content.decode()
    assert "1 record of Year 1, semester 1 is still in progress" in page
    assert not TermRecord.objects.filter(term=terms[1]).exists()


def test_opening_the_first_term_from_the_term_list(client, manager, september_intake, fill):
    terms = make_terms(september_intake, years=1)
    fill(september_intake, 3)
    client.force_login(manager)
    page = client.post(
        reverse("admin:programs_term_changelist"),
        {"action": "start_term", "_selected_action": [terms[0].pk]},
        follow=True,
    ).content.decode()
    assert "3 records opened for enrolled students." in page


def test_a_viewer_cannot_promote(client, viewer, september_intake, fill):
    terms = make_terms(september_intake, years=1)
    (student,) = fill(september_intake, 1)
    record(student, terms[0], result=Result.PASSED)
    client.force_login(viewer)
    client.post(
        reverse("admin:programs_term_changelist"),
        {"action": "promote_to_next_term", "_selected_action": [terms[0].pk]},
    )
    assert not TermRecord.objects.filter(term=terms[1]).exists()


@pytest.mark.parametrize("n", [2, 12])
def test_the_records_of_a_term_list_in_constant_queries(
    client, manager, september_intake, fill, n, django_assert_max_num_queries
):
    terms = make_terms(september_intake, years=1)
    for student in fill(september_intake, n):
        record(student, terms[0])
    client.force_login(manager)
    url = reverse("admin:programs_termrecord_changelist") + f"?term__id__exact={terms[0].pk}"
    # Session, user, permissions; the count, the page's rows with student, term, intake and
    # programme in one query; the term filter's choices; the edit formset's rows.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count('name="form-') >= n


def test_standing_and_result_edited_in_the_list(client, manager, september_intake, fill):
    terms = make_terms(september_intake, years=1)
    first, second = (record(s, terms[0]) for s in fill(september_intake, 2))
    client.force_login(manager)
    url = reverse("admin:programs_termrecord_changelist") + f"?term__id__exact={terms[0].pk}"
    rows = sorted([first, second], key=lambda r: r.pk)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "_save": "Save",
    }
    listed = client.get(url).context["cl"].result_list
    for i, row in enumerate(listed):
        data[f"form-{i}-id"] = row.pk
        data[f"form-{i}-standing"] = "probation" if row.pk == rows[0].pk else "good"
        data[f"form-{i}-result"] = "passed"
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.standing, first.result) == ("probation", "passed")
    assert (second.standing, second.result) == ("good", "passed")
    assert first.history.first().history_user == manager


def test_the_intake_page_lists_its_terms(client, manager, september_intake):
    make_terms(september_intake, years=1)
    client.force_login(manager)
    page = client.get(
        reverse("admin:programs_intake_change", args=[september_intake.pk])
    ).content.decode()
    assert "Terms (2)" in page
    assert "Year 1, semester 2" in page


def test_the_waitlist_box_is_gone_once_the_intake_started(client, manager, september_intake, fill):
    from django.utils import timezone

    fill(september_intake, 21)
    fill(september_intake, 1, status=Status.WAITLISTED)
    client.force_login(manager)
    url = reverse("admin:programs_intake_change", args=[september_intake.pk])
    assert "Places free while people wait" in client.get(url).content.decode()
    september_intake.start_date = timezone.localdate()
    september_intake.save()
    assert "Places free while people wait" not in client.get(url).content.decode()


def test_the_intake_page_sets_the_days_to_answer_an_offer(client, manager, september_intake):
    from .admin_support import funding_rows, intake_post
    from .test_admin_intake_page import _change_url

    client.force_login(manager)
    data = intake_post(september_intake, fundings=funding_rows(september_intake))
    response = client.post(_change_url(september_intake), {**data, "offer_response_days": "7"})
    assert response.status_code == HTTPStatus.FOUND
    september_intake.refresh_from_db()
    assert september_intake.offer_response_days == 7
    response = client.post(_change_url(september_intake), {**data, "offer_response_days": "0"})
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()

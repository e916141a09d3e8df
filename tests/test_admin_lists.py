"""The staff's workplace: changelists in a fixed number of queries, the waitlist and the bulk
actions."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.models import Enrollment

from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    ProgramFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


# --- changelists: a fixed number of queries whatever the rows ------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "enrollment",
        "intake",
        "student",
        "fundingsource",
        "intakefunding",
        "program",
        "partner",
        "fundingshare",
    ],
)
def test_changelists_do_not_query_per_row(staff_client, model, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"admin:programs_{model}_changelist")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(url)
        assert response.status_code == HTTPStatus.OK
        return len(ctx.captured_queries)

    source = FundingSourceFactory()
    intake = IntakeFactory(capacity=100)
    IntakeFundingFactory(intake=intake, funding_source=source, places=50)
    EnrollmentFactory(intake=intake, status=Status.ENROLLED, funding_source=source)
    few = count()
    for _ in range(5):
        intake = IntakeFactory(capacity=100, program=ProgramFactory())
        IntakeFundingFactory(intake=intake, funding_source=FundingSourceFactory(), places=50)
        EnrollmentFactory.create_batch(8, intake=intake, status=Status.ENROLLED)
    assert count() == few


def _enrollment_list_queries(client, query: str = "") -> tuple[str, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:programs_enrollment_changelist") + query)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _counts_every_row(sql: str) -> bool:
    return sql.startswith('SELECT COUNT(*) AS "__count" FROM "programs_enrollment"')


def test_a_long_list_counts_its_rows_once(staff_client, september_intake):
    """The paginator's count, and no second COUNT(*) of the whole table for "show all"."""
    EnrollmentFactory.create_batch(12, intake=september_intake, status=Status.APPLIED)
    page, queries = _enrollment_list_queries(staff_client)
    assert "12 enrollments" in page
    assert sum(_counts_every_row(sql) for sql in queries) == 1
    page, queries = _enrollment_list_queries(staff_client, "?status__exact=applied")
    assert "12 enrollments" in page
    assert sum(_counts_every_row(sql) for sql in queries) == 1


# --- the waitlist ----------------------------------------------------------------------------


def test_a_freed_funded_place_is_offered_to_the_next_eligible_on_the_waitlist(
    staff_client, staff, september_intake, joint_scholarship, fill
):
    funded = fill(september_intake, 20, funding_source=joint_scholarship)
    other_source = FundingSourceFactory(name="Self-funded")
    IntakeFundingFactory(intake=september_intake, funding_source=other_source, places=2)
    wants_other = EnrollmentFactory(
        intake=september_intake,
        status=Status.WAITLISTED,
        waitlist_position=1,
        funding_source=other_source,
    )
    wants_any = EnrollmentFactory(
        intake=september_intake, status=Status.WAITLISTED, waitlist_position=2
    )
    url = reverse("admin:programs_intake_change", args=[september_intake.pk])
    page = staff_client.get(url).content.decode()
    assert "funded place from HEC" not in page  # nothing is free yet

    funded[0].status = Status.WITHDRAWN
    funded[0].save()
    page = staff_client.get(url).content.decode()
    assert "1 funded place from HEC–Alibaba Joint Scholarship is free." in page
    assert f"Next eligible on the waitlist: {wants_any.student.full_name}." in page

    response = staff_client.post(
        reverse("admin:programs_intake_offer_next", args=[september_intake.pk]),
        {"funding_source": joint_scholarship.pk, "reason": "Place freed by a withdrawal"},
        follow=True,
    )
    assert f"Offered a place to {wants_any.student.full_name}" in response.content.decode()
    wants_any.refresh_from_db()
    wants_other.refresh_from_db()
    assert (wants_any.status, wants_any.funding_source) == (Status.OFFERED, joint_scholarship)
    assert wants_other.status == Status.WAITLISTED
    assert wants_any.history.first().history_change_reason == "Place freed by a withdrawal"
    assert wants_any.history.first().history_user == staff


def test_offer_next_with_nobody_eligible_says_so(staff_client, september_intake):
    response = staff_client.post(
        reverse("admin:programs_intake_offer_next", args=[september_intake.pk]), follow=True
    )
    assert "Nobody on the waitlist of this intake can take this place." in (
        response.content.decode()
    )


def test_bulk_offer_applies_what_fits_and_names_who_was_refused(
    staff_client, september_intake, fill
):
    fill(september_intake, 21)
    applicants = EnrollmentFactory.create_batch(3, intake=september_intake)
    response = staff_client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "mark_offered", "_selected_action": [a.pk for a in applicants]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 enrollment changed to Offered." in html
    for refused in applicants[1:]:
        assert f"Refused for {refused.student.full_name}: This intake is full: 22 of 22" in html
    assert september_intake.enrollments.seat_holding().count() == 22


def test_erasure_action_needs_a_reason_and_keeps_the_counts(staff_client, september_intake):
    enrollment = EnrollmentFactory(
        intake=september_intake,
        status=Status.ENROLLED,
        student=StudentFactory(first_name="Aline", last_name="Uwase", phone="+250788123456"),
    )
    url = reverse("admin:programs_student_changelist")
    selected = {"action": "erase_personal_data", "_selected_action": [enrollment.student_id]}
    response = staff_client.post(url, {**selected, "reason": ""}, follow=True)
    assert "Nothing was erased" in response.content.decode()
    enrollment.student.refresh_from_db()
    assert enrollment.student.first_name == "Aline"

    response = staff_client.post(url, {**selected, "reason": "Request DP-2026-14"}, follow=True)
    assert "The personal data of 1 student was erased." in response.content.decode()
    student = enrollment.student
    student.refresh_from_db()
    assert "Aline" not in str(student) and student.phone == ""
    assert student.erased_at is not None
    assert september_intake.enrollments.seat_holding().count() == 1


def test_bulk_action_keeps_the_typed_reason_in_each_history(staff_client, staff, september_intake):
    applicants = EnrollmentFactory.create_batch(2, intake=september_intake)
    staff_client.post(
        reverse("admin:programs_enrollment_changelist"),
        {
            "action": "mark_waitlisted",
            "_selected_action": [a.pk for a in applicants],
            "reason": "Interviews in March",
        },
    )
    for applicant in applicants:
        record = applicant.history.first()
        assert (record.status, record.history_user, record.history_change_reason) == (
            Status.WAITLISTED,
            staff,
            "Interviews in March",
        )

"""The staff's workplace: the rules hold when staff post the admin's own forms."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.models import Enrollment, FundingShare, FundingSource, Intake, IntakeFunding, Program

from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    ProgramFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    """All error text the admin shows on a re-rendered form."""
    assert response.status_code == HTTPStatus.OK, "expected the form back with errors"
    parts = []
    form = response.context["adminform"].form
    parts += [str(e) for errors in form.errors.values() for e in errors]
    for formset in response.context["inline_admin_formsets"]:
        parts += [str(e) for e in formset.formset.non_form_errors()]
        parts += [str(e) for form_errors in formset.formset.errors for e in form_errors.values()]
    return " ".join(parts)


def _enrollment_post(student, intake, status=Status.ENROLLED, funding_source=None, **extra):
    data = {
        "student": student.pk,
        "intake": intake.pk,
        "status": status,
        "funding_source": funding_source.pk if funding_source else "",
        "waitlist_position": "",
        "notes": "",
        "change_reason": "",
    }
    data.update(extra)
    return data


def test_staff_enroll_the_22nd_and_are_refused_the_23rd_with_the_numbers(
    staff_client, september_intake, fill
):
    fill(september_intake, 21)
    url = reverse("admin:programs_enrollment_add")
    response = staff_client.post(url, _enrollment_post(StudentFactory(), september_intake))
    assert response.status_code == HTTPStatus.FOUND
    assert september_intake.enrollments.seat_holding().count() == 22

    response = staff_client.post(url, _enrollment_post(StudentFactory(), september_intake))
    assert "This intake is full: 22 of 22 seats are taken." in _errors(response)
    assert september_intake.enrollments.count() == 22


def test_staff_are_refused_the_21st_funded_place(
    staff_client, september_intake, joint_scholarship, fill
):
    fill(september_intake, 20, funding_source=joint_scholarship)
    response = staff_client.post(
        reverse("admin:programs_enrollment_add"),
        _enrollment_post(StudentFactory(), september_intake, funding_source=joint_scholarship),
    )
    assert (
        "No funded place from HEC–Alibaba Joint Scholarship is left in this intake: "
        "20 of 20 funded places are taken." in _errors(response)
    )
    assert september_intake.enrollments.count() == 20


def test_changing_an_enrollment_to_a_seat_in_a_full_intake_is_refused(
    staff_client, september_intake, fill
):
    fill(september_intake, 22)
    waiting = EnrollmentFactory(intake=september_intake, status=Status.WAITLISTED)
    response = staff_client.post(
        reverse("admin:programs_enrollment_change", args=[waiting.pk]),
        _enrollment_post(waiting.student, september_intake, status=Status.OFFERED),
    )
    assert "22 of 22 seats are taken" in _errors(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_enrolling_a_student_twice_in_one_intake_is_refused(staff_client, september_intake):
    existing = EnrollmentFactory(intake=september_intake)
    response = staff_client.post(
        reverse("admin:programs_enrollment_add"),
        _enrollment_post(existing.student, september_intake),
    )
    assert "already enrolled in this intake" in _errors(response)
    assert september_intake.enrollments.count() == 1


def test_history_shows_who_changed_what_and_why(staff_client, staff, september_intake):
    enrollment = EnrollmentFactory(intake=september_intake, status=Status.APPLIED)
    response = staff_client.post(
        reverse("admin:programs_enrollment_change", args=[enrollment.pk]),
        _enrollment_post(
            enrollment.student,
            september_intake,
            status=Status.OFFERED,
            change_reason="Scored highest at interview",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    record = enrollment.history.first()
    assert (record.status, record.history_user, record.history_change_reason) == (
        Status.OFFERED,
        staff,
        "Scored highest at interview",
    )

    page = staff_client.get(reverse("admin:programs_enrollment_history", args=[enrollment.pk]))
    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "Scored highest at interview" in html
    assert staff.username in html
    assert "applied" in html and "offered" in html


def _intake_post(intake, *, capacity=None, fundings=(), enrollments=(), **extra):
    """The intake change form as the admin renders it, with both inlines."""
    data = {
        "program": intake.program_id,
        "name": intake.name,
        "capacity": capacity if capacity is not None else intake.capacity,
        "start_date": intake.start_date.isoformat(),
        "end_date": "",
        "applications_open_on": "",
        "applications_close_on": "",
        "_save": "Save",
    }
    existing_f = list(intake.fundings.order_by("funding_source__name"))
    data.update(
        {
            "fundings-TOTAL_FORMS": len(fundings),
            "fundings-INITIAL_FORMS": len(existing_f),
            "fundings-MIN_NUM_FORMS": 0,
            "fundings-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(fundings):
        for key, value in row.items():
            data[f"fundings-{i}-{key}"] = value
        data[f"fundings-{i}-intake"] = intake.pk
    existing_e = list(intake.enrollments.all())
    data.update(
        {
            "enrollments-TOTAL_FORMS": len(enrollments),
            "enrollments-INITIAL_FORMS": len(existing_e),
            "enrollments-MIN_NUM_FORMS": 0,
            "enrollments-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(enrollments):
        for key, value in row.items():
            data[f"enrollments-{i}-{key}"] = value
        data[f"enrollments-{i}-intake"] = intake.pk
    data.update(extra)
    return data


def _funding_rows(intake, **places_by_pk):
    return [
        {
            "id": f.pk,
            "funding_source": f.funding_source_id,
            "places": places_by_pk.get(str(f.pk), f.places),
        }
        for f in intake.fundings.order_by("funding_source__name")
    ]


def _enrollment_rows(intake):
    return [
        {
            "id": e.pk,
            "student": e.student_id,
            "status": e.status,
            "funding_source": e.funding_source_id or "",
            "waitlist_position": e.waitlist_position or "",
        }
        for e in intake.enrollments.all()
    ]


def test_intake_capacity_cannot_drop_below_seats_taken(staff_client, september_intake, fill):
    fill(september_intake, 21)
    url = reverse("admin:programs_intake_change", args=[september_intake.pk])
    response = staff_client.post(
        url,
        _intake_post(
            september_intake,
            capacity=20,
            fundings=_funding_rows(september_intake),
            enrollments=_enrollment_rows(september_intake),
        ),
    )
    assert (
        "This intake has 20 seats, but 21 would be taken by offers, enrollments and completions."
        in _errors(response)
    )
    september_intake.refresh_from_db()
    assert september_intake.capacity == 22


def test_inline_cannot_add_more_funded_places_than_seats(staff_client, september_intake):
    other = FundingSourceFactory(name="Self-funded")
    rows = _funding_rows(september_intake) + [{"funding_source": other.pk, "places": 3}]
    response = staff_client.post(
        reverse("admin:programs_intake_change", args=[september_intake.pk]),
        _intake_post(september_intake, fundings=rows),
    )
    assert "The funded places would add up to 23, more than the intake's 22 seats." in _errors(
        response
    )
    assert not IntakeFunding.objects.filter(funding_source=other).exists()


def test_funding_source_page_refuses_shares_that_do_not_add_up(staff_client):
    hec, alibaba = PartnerFactory(name="HEC"), PartnerFactory(name="Alibaba")
    data = {
        "name": "HEC–Alibaba Joint Scholarship",
        "kind": "scholarship",
        "description": "",
        "cost_per_place": "",
        "currency": "",
        "shares-TOTAL_FORMS": 2,
        "shares-INITIAL_FORMS": 0,
        "shares-MIN_NUM_FORMS": 0,
        "shares-MAX_NUM_FORMS": 1000,
        "shares-0-partner": hec.pk,
        "shares-0-share_percent": "60",
        "shares-1-partner": alibaba.pk,
        "shares-1-share_percent": "30",
    }
    url = reverse("admin:programs_fundingsource_add")
    response = staff_client.post(url, data)
    assert "Co-funder shares must add up to 100%; these add up to 90%." in _errors(response)
    assert not FundingShare.objects.exists()

    data["shares-1-share_percent"] = "40"
    response = staff_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert FundingShare.objects.count() == 2


def test_staff_build_the_customers_intake_in_the_admin_alone(staff_client):
    """Programme, intake of 22, joint scholarship of 20 places, 22 students; then refusals."""
    school = PartnerFactory(name="Alibaba Business School")
    hec, alibaba = PartnerFactory(name="HEC"), PartnerFactory(name="Alibaba")
    response = staff_client.post(
        reverse("admin:programs_program_add"),
        {
            "name": "International Business and Cross-Border E-commerce",
            "slug": "ibce",
            "kind": "degree",
            "summary": "",
            "description": "",
            "duration_months": 48,
            "delivered_by": school.pk,
            "is_published": "on",
            "intakes-TOTAL_FORMS": 0,
            "intakes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    response = staff_client.post(
        reverse("admin:programs_fundingsource_add"),
        {
            "name": "HEC–Alibaba Joint Scholarship",
            "kind": "scholarship",
            "shares-TOTAL_FORMS": 2,
            "shares-INITIAL_FORMS": 0,
            "shares-0-partner": hec.pk,
            "shares-1-partner": alibaba.pk,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    program = Program.objects.get(slug="ibce")
    scholarship = FundingSource.objects.get()
    response = staff_client.post(
        reverse("admin:programs_intake_add"),
        {
            "program": program.pk,
            "name": "September 2027",
            "capacity": 22,
            "start_date": "2027-09-06",
            "fundings-TOTAL_FORMS": 1,
            "fundings-INITIAL_FORMS": 0,
            "fundings-0-funding_source": scholarship.pk,
            "fundings-0-places": 20,
            "enrollments-TOTAL_FORMS": 0,
            "enrollments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    intake = Intake.objects.get()
    add = reverse("admin:programs_enrollment_add")
    for n in range(22):
        source = scholarship if n < 20 else None
        response = staff_client.post(
            add, _enrollment_post(StudentFactory(), intake, funding_source=source)
        )
        assert response.status_code == HTTPStatus.FOUND, _errors(response)
    # A 23rd seat, and a 21st funded place (after a withdrawal frees a seat), are refused.
    response = staff_client.post(add, _enrollment_post(StudentFactory(), intake))
    assert "This intake is full: 22 of 22 seats are taken." in _errors(response)
    unfunded = intake.enrollments.filter(funding_source=None).first()
    staff_client.post(
        reverse("admin:programs_enrollment_change", args=[unfunded.pk]),
        _enrollment_post(
            unfunded.student,
            intake,
            status=Status.WITHDRAWN,
            exit_reason="personal",
            exit_date="2027-10-01",
        ),
    )
    response = staff_client.post(
        add, _enrollment_post(StudentFactory(), intake, funding_source=scholarship)
    )
    assert "20 of 20 funded places are taken" in _errors(response)
    assert intake.enrollments.seat_holding().count() == 21


# --- changelists: a fixed number of queries whatever the rows ------------------------------


def _changelist_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response


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
    assert "1 enrollment(s) changed to Offered." in html
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
    assert "The personal data of 1 student(s) was erased." in response.content.decode()
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

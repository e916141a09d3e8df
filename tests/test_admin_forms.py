"""The staff's workplace: the rules hold when staff post the admin's own forms."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.models import Enrollment, FundingShare, FundingSource, Intake, IntakeFunding, Program

from .admin_support import admin_errors, enrollment_rows, funding_rows, intake_post
from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    PartnerFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


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
    assert "This intake is full: 22 of 22 seats are taken." in admin_errors(response)
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
        "20 of 20 funded places are taken." in admin_errors(response)
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
    assert "22 of 22 seats are taken" in admin_errors(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_enrolling_a_student_twice_in_one_intake_is_refused(staff_client, september_intake):
    existing = EnrollmentFactory(intake=september_intake)
    response = staff_client.post(
        reverse("admin:programs_enrollment_add"),
        _enrollment_post(existing.student, september_intake),
    )
    assert "already enrolled in this intake" in admin_errors(response)
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
    assert "Applied" in html and "Offered" in html  # labels, not codes


def test_intake_capacity_cannot_drop_below_seats_taken(staff_client, september_intake, fill):
    fill(september_intake, 21)
    url = reverse("admin:programs_intake_change", args=[september_intake.pk])
    response = staff_client.post(
        url,
        intake_post(
            september_intake,
            capacity=20,
            fundings=funding_rows(september_intake),
            enrollments=enrollment_rows(september_intake),
        ),
    )
    assert (
        "This intake has 20 seats, but 21 would be taken by offers, enrollments and completions."
        in admin_errors(response)
    )
    september_intake.refresh_from_db()
    assert september_intake.capacity == 22


def test_inline_cannot_add_more_funded_places_than_seats(staff_client, september_intake):
    other = FundingSourceFactory(name="Self-funded")
    rows = funding_rows(september_intake) + [{"funding_source": other.pk, "places": 3}]
    response = staff_client.post(
        reverse("admin:programs_intake_change", args=[september_intake.pk]),
        intake_post(september_intake, fundings=rows),
    )
    assert "The funded places would add up to 23, more than the intake's 22 seats." in admin_errors(
        response
    )
    assert not IntakeFunding.objects.filter(funding_source=other).exists()


def test_funding_source_page_refuses_shares_that_do_not_add_up(staff_client):
    hec, alibaba = PartnerFactory(name="HEC"), PartnerFactory(name="Alibaba")
    data = {
        "name_en": "HEC–Alibaba Joint Scholarship",
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
    assert "Co-funder shares must add up to 100%; these add up to 90%." in admin_errors(response)
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
            "name_en": "International Business and Cross-Border E-commerce",
            "slug": "ibce",
            "kind": "degree",
            "summary": "",
            "description": "",
            "duration_months": 48,
            "delivered_by": school.pk,
            "is_published": "on",
            "position": 1,  # the form shows 100; the flagship is put first
            "intakes-TOTAL_FORMS": 0,
            "intakes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    response = staff_client.post(
        reverse("admin:programs_fundingsource_add"),
        {
            "name_en": "HEC–Alibaba Joint Scholarship",
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
            "name_en": "September 2027",
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
        assert response.status_code == HTTPStatus.FOUND, admin_errors(response)
    # A 23rd seat, and a 21st funded place (after a withdrawal frees a seat), are refused.
    response = staff_client.post(add, _enrollment_post(StudentFactory(), intake))
    assert "This intake is full: 22 of 22 seats are taken." in admin_errors(response)
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
    assert "20 of 20 funded places are taken" in admin_errors(response)
    assert intake.enrollments.seat_holding().count() == 21

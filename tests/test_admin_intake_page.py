"""The intake page: one intake at a glance; enrollments listed, not edited, there; and the
admin paths that move a funding row check the place it leaves as well as the place it joins."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.models import Enrollment, FundingShare, IntakeFunding

from .admin_support import admin_errors, enrollment_rows, funding_rows, intake_post
from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    PartnerFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def _change_url(intake) -> str:
    return reverse("admin:programs_intake_change", args=[intake.pk])


def test_intake_page_lists_its_enrollments_read_only_with_links(staff_client, september_intake):
    enrollment = EnrollmentFactory(intake=september_intake, status=Status.OFFERED)
    page = staff_client.get(_change_url(september_intake)).content.decode()
    assert "Enrollments (1)" in page
    change = reverse("admin:programs_enrollment_change", args=[enrollment.pk])
    assert f'href="{change}">{enrollment.student.full_name}</a>' in page
    assert 'name="enrollments-TOTAL_FORMS"' not in page
    assert f"?intake__id__exact={september_intake.pk}" in page


def test_enrollment_rows_posted_to_the_intake_page_change_nothing(
    staff_client, september_intake, fill
):
    """A swap of students posted to the intake page answered 500; a status change through it
    was not dated, recorded or emailed. Enrollments no longer change there at all."""
    first, second = fill(september_intake, 2)
    rows = enrollment_rows(september_intake)
    rows[0]["student"], rows[1]["student"] = rows[1]["student"], rows[0]["student"]
    rows[0]["status"] = Status.WITHDRAWN
    rows.append({"student": StudentFactory().pk, "status": Status.ENROLLED, "funding_source": ""})
    response = staff_client.post(
        _change_url(september_intake),
        intake_post(september_intake, fundings=funding_rows(september_intake), enrollments=rows),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert [
        (e.pk, e.student_id, e.status) for e in september_intake.enrollments.order_by("pk")
    ] == [
        (first.pk, first.student_id, Status.ENROLLED),
        (second.pk, second.student_id, Status.ENROLLED),
    ]


def test_intake_page_lowers_capacity_and_funded_places_in_one_save(
    staff_client, staff, september_intake, fill
):
    fill(september_intake, 21)
    rows = [{**row, "places": 19} for row in funding_rows(september_intake)]
    response = staff_client.post(
        _change_url(september_intake), intake_post(september_intake, capacity=21, fundings=rows)
    )
    assert response.status_code == HTTPStatus.FOUND, admin_errors(response)
    september_intake.refresh_from_db()
    assert september_intake.capacity == 21
    assert september_intake.fundings.get().places == 19
    assert september_intake.history.first().history_user == staff


def test_a_refused_save_says_why_at_the_top_and_shows_the_saved_numbers(
    staff_client, september_intake, fill
):
    fill(september_intake, 3)
    response = staff_client.post(
        _change_url(september_intake),
        intake_post(september_intake, capacity=18, fundings=funding_rows(september_intake)),
    )
    message = "The funded places would add up to 20, more than the intake&#x27;s 18 seats."
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert message in page
    # At the top of the form, before the first field set, not only in the funded-places table.
    assert page.index('class="refused-plan"') < page.index('name="capacity"')
    assert page.index(message) < page.index('name="capacity"')
    # "Now" shows the intake as it is saved, not the refused capacity.
    assert "3 of 22 seats taken (19 left)" in page
    september_intake.refresh_from_db()
    assert september_intake.capacity == 22


def test_a_capacity_below_the_seats_taken_is_shown_next_to_the_capacity(
    staff_client, september_intake, fill
):
    fill(september_intake, 21)
    response = staff_client.post(
        _change_url(september_intake),
        intake_post(september_intake, capacity=20, fundings=funding_rows(september_intake)),
    )
    form = response.context["adminform"].form
    assert form.errors["capacity"] == [
        "This intake has 20 seats, but 21 would be taken by offers, enrollments and completions."
    ]


# --- moves between intakes and sources -------------------------------------------------------


def test_moving_funded_places_to_another_intake_checks_the_intake_they_leave(
    staff_client, september_intake, joint_scholarship, fill
):
    fill(september_intake, 5, funding_source=joint_scholarship)
    other = IntakeFactory(name="January 2028", capacity=30)
    funding = september_intake.fundings.get()
    response = staff_client.post(
        reverse("admin:programs_intakefunding_change", args=[funding.pk]),
        {"intake": other.pk, "funding_source": joint_scholarship.pk, "places": 20},
    )
    assert (
        "HEC–Alibaba Joint Scholarship has no funded places in this intake, but enrollments here "
        "use it." in admin_errors(response)
    )
    funding.refresh_from_db()
    assert funding.intake == september_intake


def test_moving_unused_funded_places_to_another_intake_is_allowed(
    staff_client, september_intake, joint_scholarship
):
    other = IntakeFactory(name="January 2028", capacity=30)
    funding = september_intake.fundings.get()
    response = staff_client.post(
        reverse("admin:programs_intakefunding_change", args=[funding.pk]),
        {"intake": other.pk, "funding_source": joint_scholarship.pk, "places": 20},
    )
    assert response.status_code == HTTPStatus.FOUND
    funding.refresh_from_db()
    assert funding.intake == other


def test_switching_funded_places_to_another_source_checks_the_source_they_leave(
    staff_client, september_intake, joint_scholarship, fill
):
    fill(september_intake, 2, funding_source=joint_scholarship)
    other = FundingSourceFactory(name="Mastercard Foundation")
    funding = september_intake.fundings.get()
    response = staff_client.post(
        reverse("admin:programs_intakefunding_change", args=[funding.pk]),
        {"intake": september_intake.pk, "funding_source": other.pk, "places": 20},
    )
    assert "HEC–Alibaba Joint Scholarship has no funded places in this intake" in admin_errors(
        response
    )
    assert IntakeFunding.objects.get(pk=funding.pk).funding_source == joint_scholarship


def test_moving_a_share_to_another_source_checks_the_source_it_leaves(staff_client):
    left = FundingSourceFactory(name="Left")
    kept = FundingShareFactory(funding_source=left, share_percent=Decimal("60"))
    moved = FundingShareFactory(funding_source=left, share_percent=Decimal("40"))
    joined = FundingSourceFactory(name="Joined")
    FundingShareFactory(funding_source=joined, share_percent=Decimal("60"))
    response = staff_client.post(
        reverse("admin:programs_fundingshare_change", args=[moved.pk]),
        {
            "funding_source": joined.pk,
            "partner": moved.partner_id,
            "share_percent": "40",
        },
    )
    assert "Co-funder shares must add up to 100%; these add up to 60%." in admin_errors(response)
    assert FundingShare.objects.get(pk=moved.pk).funding_source == left
    assert kept.funding_source.shares.count() == 2


def test_deleting_funded_places_in_use_is_refused(staff_client, september_intake, fill):
    fill(september_intake, 1, funding_source=september_intake.fundings.get().funding_source)
    funding = september_intake.fundings.get()
    response = staff_client.post(
        reverse("admin:programs_intakefunding_delete", args=[funding.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert IntakeFunding.objects.filter(pk=funding.pk).exists()


@pytest.mark.parametrize("value", ["abc", "9" * 30, "\x00", "-1"])
def test_offer_next_with_a_funding_source_that_is_no_key_says_so(
    staff_client, september_intake, value
):
    response = staff_client.post(
        reverse("admin:programs_intake_offer_next", args=[september_intake.pk]),
        {"funding_source": value},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "That funding source no longer exists." in response.content.decode()


def test_every_admin_form_that_changes_a_rules_numbers_checks_it(staff_client, september_intake):
    """Walk the admin forms that can change capacity, places or shares: each refuses a value
    that breaks its rule and saves nothing."""
    funding = september_intake.fundings.get()
    share = FundingShare.objects.filter(funding_source=funding.funding_source).first()
    partner = PartnerFactory()
    cases = [
        (
            reverse("admin:programs_intakefunding_change", args=[funding.pk]),
            {
                "intake": september_intake.pk,
                "funding_source": funding.funding_source_id,
                "places": 23,
            },
        ),
        (
            reverse("admin:programs_intakefunding_add"),
            {
                "intake": september_intake.pk,
                "funding_source": FundingSourceFactory().pk,
                "places": 3,
            },
        ),
        (
            reverse("admin:programs_fundingshare_change", args=[share.pk]),
            {
                "funding_source": share.funding_source_id,
                "partner": share.partner_id,
                "share_percent": "10",
            },
        ),
        (
            reverse("admin:programs_fundingshare_add"),
            {
                "funding_source": share.funding_source_id,
                "partner": partner.pk,
                "share_percent": "10",
            },
        ),
        (
            _change_url(september_intake),
            intake_post(september_intake, capacity=19, fundings=funding_rows(september_intake)),
        ),
    ]
    before = (
        list(IntakeFunding.objects.values_list("pk", "intake", "funding_source", "places")),
        list(FundingShare.objects.values_list("pk", "funding_source", "partner", "share_percent")),
    )
    for url, post in cases:
        response = staff_client.post(url, post)
        assert response.status_code == HTTPStatus.OK, url
        assert admin_errors(response), url
    after = (
        list(IntakeFunding.objects.values_list("pk", "intake", "funding_source", "places")),
        list(FundingShare.objects.values_list("pk", "funding_source", "partner", "share_percent")),
    )
    assert after == before

"""Everywhere staff read a number of funded places, offers and enrollments are told apart, and
seats whose students pay (a "self-funded" source) are never called funded places (issue 13)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from programs import reports
from programs.models import Enrollment, FundingSource
from programs.selectors.home import staff_home

from .factories import FundingSourceFactory, IntakeFundingFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(september_intake, joint_scholarship, fill):
    """12 enrolled and 2 offered on the scholarship; a "Self-funded" source with 2 reserved
    seats, 1 taken; 1 seat without a source taken."""
    fill(september_intake, 12, funding_source=joint_scholarship)
    fill(september_intake, 2, status=Status.OFFERED, funding_source=joint_scholarship)
    self_funded = FundingSourceFactory(name="Self-funded", kind=FundingSource.Kind.SELF)
    IntakeFundingFactory(intake=september_intake, funding_source=self_funded, places=1)
    fill(september_intake, 1, funding_source=self_funded)
    fill(september_intake, 1)
    return september_intake


def test_the_dashboard_tells_offers_apart_and_keeps_self_funded_seats_out_of_funded_places(
    filled, client, staff
):
    dashboard = reports.intake_dashboard(filled)

    assert [bar.text for bar in dashboard.funded] == [
        "HEC–Alibaba Joint Scholarship: 14 of 20 funded places taken: 12 enrolled, 2 offered "
        "(6 left)."
    ]
    assert [bar.text for bar in dashboard.self_funded] == [
        "Self-funded: 1 of 1 reserved seats taken (0 left)."
    ]
    assert (
        dashboard.unfunded.text == "Self-funded seats (no funding source): 1 of 1 taken (0 left)."
    )
    client.force_login(staff)
    page = client.get(reverse("programs:intake-dashboard", args=[filled.pk])).content.decode()
    funded_section = page.split('id="funded-title"')[1].split("</section>")[0]
    assert "12 enrolled, 2 offered" in funded_section
    assert "Self-funded" not in funded_section
    self_section = page.split('id="self-funded-title"')[1].split("</section>")[0]
    assert "Self-funded seats (no funding source): 1 of 1 taken" in self_section
    assert "Self-funded: 1 of 1 reserved seats taken" in self_section


def test_the_staff_home_keeps_self_funded_sources_out_of_funded_places(filled):
    (row,) = staff_home(today=filled.start_date - datetime.timedelta(days=30)).intakes

    assert [line.text for line in row.funded] == [
        "HEC–Alibaba Joint Scholarship: 14 of 20 filled (12 enrolled, 2 offered); 6 left"
    ]
    assert [line.source for line in row.self_funded_sources] == ["Self-funded"]
    assert row.self_funded.total == 1


def test_the_admin_intake_pages_tell_offers_apart(filled, staff_client):
    listing = staff_client.get(reverse("admin:programs_intake_changelist")).content.decode()
    assert "HEC–Alibaba Joint Scholarship: 14 / 20 (2 offered)" in listing

    page = staff_client.get(
        reverse("admin:programs_intake_change", args=[filled.pk])
    ).content.decode()
    assert "14 (12 enrolled or completed, 2 offered)" in page

    fundings = staff_client.get(reverse("admin:programs_intakefunding_changelist"))
    assert "14 (12 enrolled or completed, 2 offered)" in fundings.content.decode()


def test_without_offers_the_admin_shows_the_plain_count(
    september_intake, joint_scholarship, fill, staff_client
):
    fill(september_intake, 3, funding_source=joint_scholarship)

    listing = staff_client.get(reverse("admin:programs_intake_changelist")).content.decode()

    assert "HEC–Alibaba Joint Scholarship: 3 / 20<" in listing


def test_the_funder_report_leaves_self_funded_sources_out(filled, client, manager):
    assert [r.source.name for r in reports.funder_report(intake=filled)] == [
        "HEC–Alibaba Joint Scholarship"
    ]
    client.force_login(manager)
    page = client.get(reverse("programs:funder-report"), {"intake": filled.pk}).content.decode()
    assert "14 filled: 12 enrolled, 2 offered" in page
    assert "Self-funded" not in page

"""The funder report in Chromium: a manager reads "filled" told apart, then presses the link to
one source's funders' version, which lists that source's students only."""

import pytest
from django.contrib.auth.models import Group

from programs.models import Enrollment

from ..factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFundingFactory,
    StudentFactory,
    UserFactory,
)
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Enrollment.Status


def test_a_manager_opens_one_sources_version_for_funders(new_page, catalogue, staff_roles):
    user = UserFactory(username="report-manager", is_staff=True)
    user.groups.add(Group.objects.get(name="Programme managers"))
    intake = catalogue["september"]
    scholarship = intake.fundings.get().funding_source
    EnrollmentFactory(
        intake=intake,
        status=Status.ENROLLED,
        funding_source=scholarship,
        student=StudentFactory(first_name="Aline", last_name="Uwase"),
    )
    EnrollmentFactory(intake=intake, status=Status.OFFERED, funding_source=scholarship)
    bursary = FundingSourceFactory(name="RDB Bursary")
    IntakeFundingFactory(intake=intake, funding_source=bursary, places=1)
    EnrollmentFactory(
        intake=intake,
        status=Status.ENROLLED,
        funding_source=bursary,
        student=StudentFactory(first_name="Eric", last_name="Habimana"),
    )
    page = new_page(user=user)
    page.goto(f"/staff/funder-report/?intake={intake.pk}")
    assert "2 filled: 1 enrolled, 1 offered" in page.locator("main, #content").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert serious_violations(page) == []

    page.get_by_role("link", name=f"Version for the funders of {scholarship.name}").click()

    page.get_by_role("heading", name=f"Funded places report: {scholarship.name}").wait_for()
    text = page.locator("body").inner_text()
    assert "Aline Uwase" in text
    assert "Eric Habimana" not in text and "RDB Bursary" not in text
    assert "2 filled: fewer than 5 enrolled, fewer than 5 offered" in text
    assert serious_violations(page) == []
    page.get_by_role("link", name="Back to the staff version").click()
    page.get_by_role("link", name=f"Version for the funders of {scholarship.name}").wait_for()
    assert "audience" not in page.url
    assert page.problems == []

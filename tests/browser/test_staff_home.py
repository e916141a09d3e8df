"""The staff home in Chromium: a manager reads the intakes now and opens an intake's dashboard."""

import pytest
from django.contrib.auth.models import Group

from programs.models import Enrollment

from ..factories import EnrollmentFactory, UserFactory
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}


@pytest.fixture
def manager_user(catalogue, staff_roles):
    user = UserFactory(username="home-manager", is_staff=True)
    user.groups.add(Group.objects.get(name="Programme managers"))
    intake = catalogue["september"]
    scholarship = intake.fundings.get().funding_source
    EnrollmentFactory.create_batch(
        3, intake=intake, status=Enrollment.Status.ENROLLED, funding_source=scholarship
    )
    EnrollmentFactory(intake=intake, status=Enrollment.Status.OFFERED, funding_source=scholarship)
    return user


def test_a_manager_opens_an_intake_dashboard_from_the_home(new_page, manager_user, catalogue):
    page = new_page(user=manager_user)
    page.goto("/admin/")
    row = page.locator(".staff-home tbody tr", has_text="September 2027")
    assert "4 of 22 taken" in row.inner_text()
    assert "4 of 20 filled (3 enrolled, 1 offered); 16 left" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert serious_violations(page) == []
    row.get_by_role("link", name="Cross-Border E-commerce Degree — September 2027").click()
    page.get_by_role("heading", name="Seats", exact=True).wait_for()
    assert "/staff/intakes/" in page.url
    assert page.problems == []


def test_the_home_fits_a_phone(new_page, manager_user):
    page = new_page(viewport=PHONE, user=manager_user)
    page.goto("/admin/")
    page.get_by_role("link", name="Funder report (all sources)").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Funder report (all sources)").click()
    page.get_by_role("heading", name="Funder report").wait_for()
    assert page.problems == []


def test_the_staff_pages_a_manager_works_on_pass_axe(new_page, manager_user, catalogue):
    """The intake page, an enrollment, the intake's dashboard, the funder report, a history."""
    from django.urls import reverse

    intake = catalogue["september"]
    enrollment = intake.enrollments.first()
    page = new_page(user=manager_user)
    for url in (
        reverse("admin:programs_intake_change", args=[intake.pk]),
        reverse("admin:programs_enrollment_change", args=[enrollment.pk]),
        reverse("admin:programs_enrollment_history", args=[enrollment.pk]),
        reverse("programs:intake-dashboard", args=[intake.pk]),
        reverse("programs:funder-report"),
    ):
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert page.problems == [], url
        assert serious_violations(page) == [], url
        page.problems.clear()  # axe-core's own inline styles are refused by the CSP

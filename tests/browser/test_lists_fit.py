"""Every changelist fits 1280 px: staff read a whole row without scrolling sideways; axe-core
finds nothing serious on it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programs.models import Enrollment

from ..factories import EnrollmentFactory, StaffFactory, StudentFactory
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTS = [
    f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    for model in admin.site._registry
    if model._meta.app_label in ("programs", "post_office", "auth")
]


@pytest.fixture
def long_rows(catalogue):
    """Rows as long as the real ones: the degree's full name, long student names and addresses."""
    intake = catalogue["september"]
    intake.program.name = (
        "Undergraduate Program in International Business and Cross-Border E-commerce"
    )
    intake.program.save()
    scholarship = intake.fundings.get().funding_source
    for n in range(5):
        EnrollmentFactory(
            intake=intake,
            status=Enrollment.Status.ENROLLED,
            funding_source=scholarship,
            student=StudentFactory(
                first_name="Marie-Claire Uwimana",
                last_name=f"Nshimiyimana-Mukamana {n}",
                email=f"marie-claire.nshimiyimana-mukamana.{n}@university.example.rw",
            ),
        )


@pytest.mark.parametrize("url_name", LISTS)
def test_the_list_fits_1280_px(new_page, long_rows, url_name):
    page = new_page(user=StaffFactory(username="wide-staff"))
    page.goto(reverse(url_name))
    page.locator("#changelist").wait_for()
    results = page.locator(".results")
    if results.count():
        overflow = results.evaluate("r => r.scrollWidth - r.clientWidth")
        assert overflow <= 0, f"{url_name} scrolls {overflow} px sideways"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.problems == []
    assert serious_violations(page) == [], url_name

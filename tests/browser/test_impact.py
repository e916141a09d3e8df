"""The public impact page as the public reads it: from the menu, on a phone and in French,
counts only, axe-core clean."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import PHONE, press_language
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", "--no-staff", stdout=io.StringIO())


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280px", "360px"])
def test_the_impact_page_from_the_menu_in_french_on_a_phone(new_page, demo, viewport):
    page = new_page(viewport=viewport) if viewport else new_page()
    page.goto("/")
    if viewport:
        page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("link", name="Impact").click()
    expect(page.get_by_text("40 entrepreneurs")).to_be_visible()
    assert serious_violations(page) == []
    press_language(page, page.get_by_role("button", name="français"), phone=bool(viewport))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("12 délégués gouvernementaux")).to_be_visible()
    width = (viewport or {"width": 1280})["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    assert page.problems == []

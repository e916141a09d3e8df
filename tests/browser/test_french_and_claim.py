"""A French visitor reads the programme in French (its content, not only the page's words), and
an applicant creates her account from the emailed link without inventing a username, then signs
in with her email address."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import Student

from ..factories import EnrollmentFactory, StudentFactory
from ..outbox import deliver
from .conftest import PHONE, press_language
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-good-password-123"


@pytest.fixture
def in_french(catalogue):
    """The degree, its intake and its scholarship with French names, as staff enter them."""
    degree, september = catalogue["degree"], catalogue["september"]
    degree.name_fr = "Licence en commerce international et e-commerce transfrontalier"
    degree.summary_fr = "Une licence de quatre ans en commerce international."
    degree.description_fr = "Enseignée à Kigali."
    degree.save()
    september.name_fr = "Septembre 2027"
    september.save()
    scholarship = september.fundings.get().funding_source
    scholarship.name_fr = "Bourse conjointe HEC–Alibaba"
    scholarship.save()
    return catalogue


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280px", "360px"])
def test_the_french_programme_page_shows_french_content_and_passes_axe(
    new_page, in_french, viewport
):
    page = new_page(viewport=viewport) if viewport else new_page()
    page.goto(in_french["degree"].get_absolute_url())
    press_language(page, page.get_by_role("button", name="français"), phone=bool(viewport))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Licence en commerce international et e-commerce transfrontalier"
    )
    expect(page.get_by_text("Une licence de quatre ans en commerce international.")).to_be_visible()
    expect(page.get_by_text("Enseignée à Kigali.")).to_be_visible()
    expect(page.get_by_text("Bourse conjointe HEC–Alibaba").first).to_be_visible()
    assert "HEC–Alibaba Joint Scholarship" not in page.content()
    assert (
        page.evaluate("document.documentElement.scrollWidth")
        <= (viewport or {"width": 1280})["width"]
    )
    assert serious_violations(page) == []
    page.get_by_role("link", name="Postuler pour Septembre 2027").click()
    expect(page.get_by_role("button", name="Envoyer ma candidature")).to_be_visible()
    assert serious_violations(page) == []
    assert page.problems == []


def test_an_applicant_claims_her_account_from_the_email_then_signs_in_by_address(
    new_page, catalogue, live_server, settings
):
    settings.SITE_URL = live_server.url  # the emailed link leads to this server
    student = StudentFactory(first_name="Grace", email="Grace.Ingabire@example.rw")
    EnrollmentFactory(student=student, intake=catalogue["september"])
    page = new_page()
    page.goto(reverse("programs:account-claim"))
    page.get_by_label("The email address you applied with").fill("grace.ingabire@example.rw")
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_url(re.compile(r"/accounts/claim/sent/$"))

    (message,) = deliver()
    (link,) = re.findall(rf"{re.escape(live_server.url)}/accounts/claim/\S+/", message.body)
    page.goto(link)
    expect(page.get_by_text("You will sign in with your email address")).to_be_visible()
    assert page.locator('input[name="username"]').count() == 0  # nothing to invent
    assert serious_violations(page) == []
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    expect(page.get_by_text("Your account is ready.")).to_be_visible()
    assert serious_violations(page) == []
    assert Student.objects.get(pk=student.pk).user is not None

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address or username").fill("Grace.Ingabire@example.rw")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    expect(page.get_by_text("Cross-Border E-commerce Degree")).to_be_visible()
    assert page.problems == []

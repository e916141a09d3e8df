"""An applicant's journeys in a real browser: apply, switch language, sign in, on a phone."""

import re

import pytest
from playwright.sync_api import expect

from programs.models import Enrollment, Student

from ..factories import EnrollmentFactory, StudentFactory, UserFactory
from .conftest import PHONE

pytestmark = pytest.mark.browser


def fill_application(page, email="claudine@example.rw", phone="+250 788 123 456") -> None:
    page.get_by_label("First name").fill("Claudine")
    page.get_by_label("Last name").fill("Mukamana")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill(phone)
    page.get_by_label("Date of birth").fill("2001-09-30")
    page.get_by_label("Country of residence").select_option("RW")
    page.get_by_label("Funded place requested (optional)").select_option(
        label="HEC–Alibaba Joint Scholarship"
    )
    page.get_by_label("I agree that my personal data is processed").check()


def test_apply_from_the_programme_page_to_the_confirmation(page, catalogue):
    page.goto("/")
    page.get_by_role("link", name="Cross-Border E-commerce Degree").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cross-Border E-commerce Degree")
    expect(page.get_by_text("HEC–Alibaba Joint Scholarship").first).to_be_visible()
    page.get_by_role("link", name="Apply for September 2027").click()

    # Sending it empty shows what is missing, without losing the page.
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_text("Please enter your first name.")).to_be_visible()

    fill_application(page)
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we have your application")
    assert "claudine" not in page.content().lower()
    enrollment = Enrollment.objects.select_related("student", "funding_source").get()
    assert enrollment.student.phone == "+250788123456"
    assert enrollment.status == Enrollment.Status.APPLIED
    assert enrollment.funding_source.name == "HEC–Alibaba Joint Scholarship"
    assert page.problems == []


def test_switch_language(page, catalogue):
    page.goto(catalogue["degree"].get_absolute_url())
    page.get_by_role("button", name="Ikinyarwanda").click()
    expect(page.locator("html")).to_have_attribute("lang", "rw")
    expect(page.get_by_role("heading", name="Ibyiciro biri imbere")).to_be_visible()
    assert page.url.endswith(catalogue["degree"].get_absolute_url())

    page.get_by_role("button", name="français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Prochaines promotions")).to_be_visible()
    page.get_by_role("link", name="Postuler pour September 2027").click()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Veuillez saisir votre prénom.")).to_be_visible()
    assert page.problems == []


def test_sign_in_by_email_and_see_my_applications(page, catalogue):
    student = StudentFactory(
        first_name="Aline",
        email="aline.uwase@example.rw",
        user=UserFactory(username="aline", password="a-good-password-123"),
    )
    EnrollmentFactory(
        student=student,
        intake=catalogue["september"],
        status=Enrollment.Status.OFFERED,
        funding_source=catalogue["september"].fundings.get().funding_source,
    )
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address or username").fill("Aline.Uwase@example.rw")
    page.get_by_label("Password").fill("a-good-password-123")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    expect(page.get_by_text("Cross-Border E-commerce Degree")).to_be_visible()
    expect(page.get_by_text("Offered", exact=True)).to_be_visible()
    expect(page.get_by_text("Yes: HEC–Alibaba Joint Scholarship")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert page.problems == []


def test_a_phone_sized_screen(new_page, catalogue):
    page = new_page(viewport=PHONE)
    page.goto(catalogue["degree"].get_absolute_url())

    def fits_the_screen() -> bool:
        page.wait_for_load_state()  # after a click, the next page must be there to measure
        return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    assert fits_the_screen()
    # The menu folds behind a button and opens on a tap.
    sign_in = page.get_by_role("link", name="Sign in")
    expect(sign_in).to_be_hidden()
    page.get_by_role("button", name="Show or hide the menu").click()
    expect(sign_in).to_be_visible()

    page.get_by_role("link", name="Apply for September 2027").click()
    expect(page).to_have_url(re.compile(r"/apply/$"))
    assert fits_the_screen()
    # A Rwandan types the number as she dials it; it is kept with the country code.
    fill_application(page, email="phone@example.rw", phone="0788 12")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_text("This is not a phone number we can call.")).to_be_visible()
    page.get_by_label("Phone number").fill("0788 123 456")
    page.get_by_label("I agree that my personal data is processed").check()
    page.get_by_role("button", name="Send my application").click()
    expect(page).to_have_url(re.compile(r"/apply/thanks/$"))
    assert fits_the_screen()
    assert Student.objects.get(email="phone@example.rw").phone == "+250788123456"
    assert page.problems == []

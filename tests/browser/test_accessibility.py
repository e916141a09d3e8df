"""axe-core on every public page and form: no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from programs.views import claim_token

from ..factories import EnrollmentFactory, StudentFactory, UserFactory
from .conftest import PHONE, press_language
from .test_journeys import fill_application

pytestmark = pytest.mark.browser

axe = Axe()


def serious_violations(page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page, url: str) -> None:
    response = page.goto(url)
    assert response.ok or response.status == 429, f"{url}: HTTP {response.status}"
    assert serious_violations(page) == [], url


def test_public_pages_pass_axe(new_page, catalogue):
    september, closed = catalogue["september"], catalogue["closed"]
    applicant = StudentFactory()
    EnrollmentFactory(student=applicant, intake=september)
    urls = [
        "/",
        catalogue["degree"].get_absolute_url(),
        closed.program.get_absolute_url(),
        reverse("programs:intake-apply", args=[september.pk]),
        reverse("programs:intake-apply", args=[closed.pk]),
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("programs:account-claim"),
        reverse("programs:account-claim-sent"),
        reverse("programs:account-claim-confirm", args=[claim_token(applicant)]),
        reverse("programs:account-claim-confirm", args=["expired-or-forged"]),
    ]
    page = new_page()
    for url in urls:
        check(page, url)
    # The thanks page is shown only to the person who has just applied.
    page.goto(reverse("programs:intake-apply", args=[september.pk]))
    fill_application(page, email="axe@example.rw")
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Thank you: we have your application").wait_for()
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["fr", "rw"])
def test_pages_pass_axe_in_french_and_kinyarwanda_on_a_phone(new_page, catalogue, language):
    page = new_page(viewport=PHONE)
    page.goto("/")
    press_language(page, page.locator(f'button[name="language"][value="{language}"]'), phone=True)
    for url in (
        catalogue["degree"].get_absolute_url(),
        reverse("programs:intake-apply", args=[catalogue["september"].pk]),
    ):
        check(page, url)


def test_forms_with_errors_pass_axe(page, catalogue):
    page.goto(reverse("programs:intake-apply", args=[catalogue["september"].pk]))
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Please enter your first name.").wait_for()
    assert serious_violations(page) == []

    page.goto(reverse("login"))
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Please enter a correct username and password.").wait_for()
    assert serious_violations(page) == []


def test_the_students_pages_pass_axe(new_page, catalogue):
    student = StudentFactory(user=UserFactory(username="aline"))
    enrollment = EnrollmentFactory(student=student, intake=catalogue["september"])
    page = new_page(user=student.user)
    check(page, reverse("programs:my-applications"))
    check(page, reverse("programs:my-application", args=[enrollment.pk]))


def test_the_focus_moves_to_what_went_wrong_after_a_refused_submit(page, catalogue):
    page.goto(reverse("programs:intake-apply", args=[catalogue["september"].pk]))
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Please enter your first name.").wait_for()
    assert page.evaluate("document.activeElement.id") == "form-errors"

    page.goto(reverse("login"))
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    message = page.get_by_text("Please enter a correct username and password.")
    message.wait_for()
    focused = page.evaluate("document.activeElement.textContent")
    assert "Please enter a correct username and password." in focused

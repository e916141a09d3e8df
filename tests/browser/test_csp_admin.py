"""The staff's admin works under the Content-Security-Policy: no violation, no script error.

Each page is loaded in Chromium with its widgets opened (calendar, select2 autocomplete, a new
row of funded places), and the console is read for anything the policy refused.
"""

import pytest

from programs.models import Enrollment

from ..factories import EnrollmentFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_calendar_and_autocomplete(page) -> None:
    page.locator("#calendarlink0").click()
    page.locator(".calendarbox").first.wait_for(state="visible")
    page.keyboard.press("Escape")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")


def _open_autocomplete(page) -> None:
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()


def _add_a_funded_places_row(page) -> None:
    _open_calendar_and_autocomplete(page)
    page.get_by_text("Add another Funded place").click()
    page.locator("#id_fundings-1-places").wait_for()


def test_admin_pages_and_widgets_run_under_the_policy(new_page, catalogue, fast_password_hashing):
    intake = catalogue["september"]
    enrollment = EnrollmentFactory(intake=intake, status=Enrollment.Status.ENROLLED)
    page = new_page(user=StaffFactory(username="csp-staff"))
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    pages = [
        ("/admin/", None),
        ("/admin/programs/intake/add/", _open_calendar_and_autocomplete),
        (f"/admin/programs/intake/{intake.pk}/change/", _add_a_funded_places_row),
        (f"/admin/programs/intake/{intake.pk}/history/", None),
        ("/admin/programs/intake/?start_date__year=2027", None),
        ("/admin/programs/enrollment/add/", _open_autocomplete),
        (f"/admin/programs/enrollment/{enrollment.pk}/history/", None),
        ("/admin/programs/enrollment/?status__exact=enrolled", None),
        ("/admin/programs/student/add/", _open_calendar_and_autocomplete),
        ("/admin/programs/program/add/", lambda page: page.fill("#id_name_en", "New degree")),
        ("/admin/programs/fundingsource/add/", None),
    ]
    for path, open_widgets in pages:
        response = page.goto(path)
        assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
        if open_widgets:
            open_widgets(page)
        page.wait_for_timeout(100)
        refused = [p for p in problems if "Content Security Policy" in p or "script error" in p]
        assert refused == [], f"{path}: {refused}"

"""The intake page in Chromium: the waitlist box's button and the page's Save both work while
the box shows (the box once sat inside the admin form, and the browser dropped its form)."""

import pytest

from programs.models import Enrollment

from ..factories import EnrollmentFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Enrollment.Status


@pytest.fixture
def intake_with_a_freed_place(catalogue):
    intake = catalogue["september"]
    scholarship = intake.fundings.get().funding_source
    EnrollmentFactory.create_batch(
        19, intake=intake, status=Status.ENROLLED, funding_source=scholarship
    )
    EnrollmentFactory(intake=intake, status=Status.WITHDRAWN, funding_source=scholarship)
    waiting = EnrollmentFactory(
        intake=intake,
        status=Status.WAITLISTED,
        waitlist_position=1,
        student__first_name="Aline",
        student__last_name="Mukamana",
    )
    return intake, scholarship, waiting


def _open(new_page, intake):
    page = new_page(user=StaffFactory(username="intake-staff"))
    page.goto(f"/admin/programs/intake/{intake.pk}/change/")
    page.get_by_text("Places free while people wait").wait_for()
    return page


def test_staff_offer_the_freed_place_to_the_next_on_the_waitlist(
    new_page, intake_with_a_freed_place
):
    intake, scholarship, waiting = intake_with_a_freed_place
    page = _open(new_page, intake)
    box = page.locator(".waitlist-openings li", has_text=scholarship.name)
    box.get_by_label("Reason for the offer (optional)").fill("A withdrawal freed it")
    box.get_by_role("button", name="Offer to next on waitlist").click()
    page.get_by_text("Offered a place to Aline Mukamana, funded by").wait_for()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.funding_source) == (Status.OFFERED, scholarship)
    assert waiting.history.first().history_change_reason == "A withdrawal freed it"
    assert "ManagementForm" not in page.content()
    assert page.problems == []


def test_staff_save_the_intake_while_the_waitlist_box_shows(new_page, intake_with_a_freed_place):
    intake, _scholarship, _waiting = intake_with_a_freed_place
    page = _open(new_page, intake)
    page.get_by_label("Name [en]:").fill("September 2027 (Kigali)")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    intake.refresh_from_db()
    assert intake.name == "September 2027 (Kigali)"


def test_a_refused_save_shows_its_reason_at_the_top(new_page, intake_with_a_freed_place):
    intake, _scholarship, _waiting = intake_with_a_freed_place
    page = _open(new_page, intake)
    page.get_by_label("Capacity:").fill("18")
    page.get_by_role("button", name="Save", exact=True).click()
    alert = page.locator(".refused-plan")
    alert.wait_for()
    assert "more than the intake's 18 seats" in alert.inner_text()
    assert (
        "This intake has 18 seats, but 19 would be taken"
        in page.locator(".field-capacity").inner_text()
    )
    assert alert.bounding_box()["y"] < page.get_by_label("Capacity:").bounding_box()["y"]
    page.screenshot(path="/tmp/intake_refused.png", full_page=True)
    intake.refresh_from_db()
    assert intake.capacity == 22

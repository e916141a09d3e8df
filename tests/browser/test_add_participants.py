"""A programme manager adds a workshop's delegation by pasting it from a spreadsheet: the
intake's "Add participants", the dry run's table, the confirmation (issue 18)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from programs.models import Organisation

from ..factories import IntakeFactory, UserFactory
from .conftest import PHONE
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DELEGATION = (
    "Ines Kamikazi\tMinistry of Trade and Industry\tTrade policy analyst\n"
    "Jean Bosco Habimana\tRwanda Revenue Authority\tTax officer\tjb@example.org\n"
    "Eric Mugisha\tministry of trade and industry\tAnalyst\n"
)


@pytest.fixture
def manager(staff_roles):
    user = UserFactory(username="manager", is_staff=True)
    user.groups.add(Group.objects.get(name="Programme managers"))
    return user


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_manager_pastes_a_delegation_checks_it_and_adds_it(new_page, manager, viewport):
    workshop = IntakeFactory(name="2027 delegation", capacity=12)
    page = new_page(user=manager, **({"viewport": viewport} if viewport else {}))
    page.goto(f"/admin/programs/intake/{workshop.pk}/change/")
    page.get_by_role("link", name="Add participants").click()

    page.get_by_label("Paste the list").fill(DELEGATION)
    page.get_by_role("button", name="Check the list (dry run)").click()

    page.get_by_text("Dry run of the pasted list: 3 new people").wait_for()
    table = page.locator(".import-report table")
    assert table.locator("tbody tr").count() == 3
    assert "New organisation: Ministry of Trade and Industry (Other)." in table.inner_text()
    assert serious_violations(page) == []
    width = "360" if viewport else "1280"
    page.screenshot(path=str(SCREENSHOTS / f"add-participants-{width}.png"), full_page=True)
    assert not workshop.enrollments.exists()

    page.get_by_role("button", name=f"Add 3 participants to {workshop}").click()

    page.get_by_text(f"Added 3 participants to {workshop} from the pasted list").wait_for()
    assert sorted(workshop.enrollments.values_list("student__last_name", flat=True)) == [
        "Habimana",
        "Kamikazi",
        "Mugisha",
    ]
    assert Organisation.objects.count() == 2
    assert page.problems == []


def test_a_line_the_rules_refuse_is_shown_with_its_reason(new_page, manager):
    workshop = IntakeFactory(name="2027 delegation", capacity=12)
    page = new_page(user=manager)
    page.goto(f"/admin/programs/intake/{workshop.pk}/add-participants/")
    page.get_by_label("Paste the list").fill(DELEGATION + "Uwase\tA school\tTeacher\n")
    page.get_by_role("button", name="Check the list (dry run)").click()
    page.get_by_text("Line 4 (Uwase): Name: “Uwase” is one word").wait_for()
    assert page.get_by_role("button", name="Add 4 participants").count() == 0
    assert not workshop.enrollments.exists()

"""Finance staff in Chromium: press "Schedule an intake" on the disbursement list, read the
count and total, confirm; cancel a payment (a paid one refused with the reason); add an
adjustment with "Add an adjustment"."""

import pytest
from django.contrib.auth.models import Group

from programs import services
from programs.models import Disbursement

from ..factories import UserFactory
from ..money import cost_and_split, costed_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finance_page(new_page, staff_roles, september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "33.33", "66.67")
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    finance = UserFactory(username="claire", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    return new_page(user=finance)


def test_finance_schedules_an_intake(finance_page, september_intake):
    page = finance_page
    count = september_intake.terms.count() * 2
    page.goto("/admin/programs/disbursement/")
    page.get_by_role("link", name="Schedule an intake").click()
    page.get_by_label("Intake").select_option(label=str(september_intake))
    page.get_by_role("button", name="Show what would be scheduled").click()
    page.get_by_text(f"{count} disbursements to schedule").wait_for()
    page.get_by_text("Total: 1000.00 RWF").wait_for()
    assert not Disbursement.objects.exists()
    page.get_by_role("button", name="Yes, schedule them").click()
    page.get_by_text(f"{count} disbursements scheduled for {september_intake}.").wait_for()
    assert Disbursement.objects.count() == count
    assert page.problems == []


def _pick(page, field: str, search: str) -> None:
    """Choose in an autocomplete (select2) field: open it, type, take the first match."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=search).first.click()


def test_finance_cancels_and_adds_an_adjustment(finance_page, september_intake):
    page = finance_page
    services.disbursements_schedule(intake=september_intake)
    paid, scheduled = Disbursement.objects.filter(partner__name="HEC").order_by("pk")[:2]
    services.disbursement_approve(disbursement=paid, by=None)
    services.disbursement_mark_paid(disbursement=paid, on=paid.due_on, reference="B1", by=None)
    page.goto("/admin/programs/disbursement/")
    for row in (paid, scheduled):
        page.locator(f"input[name=_selected_action][value='{row.pk}']").check()
    page.get_by_label("Action:").select_option(label="Cancel (before payment)")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Why are they cancelled?").fill("Paid by the ministry")
    page.get_by_role("button", name="Yes, I am sure").click()
    page.get_by_text("1 disbursement changed.").wait_for()
    page.get_by_text("This disbursement is paid and cannot be cancelled").wait_for()
    scheduled.refresh_from_db()
    paid.refresh_from_db()
    assert (paid.status, scheduled.status) == ("paid", "cancelled")

    page.get_by_role("link", name="Add an adjustment").click()
    _pick(page, "enrollment", paid.enrollment.student.last_name)
    _pick(page, "term", paid.term.name)
    _pick(page, "partner", "HEC")
    page.get_by_label("Amount").fill("-20.00")
    page.get_by_label("Due on").fill("2027-10-01")
    page.get_by_label("Reason").fill("Overpaid the first term")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()
    row = Disbursement.objects.get(amount__lt=0)
    assert (str(row.amount), row.currency, row.reason) == (
        "-20.00",
        "RWF",
        "Overpaid the first term",
    )
    assert page.problems == []

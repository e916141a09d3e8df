"""Finance staff in Chromium: select disbursements, approve them, mark them paid, each after a
confirmation page that shows the total, then open the co-funder's statement."""

import pytest
from django.contrib.auth.models import Group

from programs import services
from programs.models import Disbursement, Partner

from ..factories import UserFactory
from ..money import cost_and_split, costed_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_approves_then_marks_paid(
    new_page, staff_roles, september_intake, joint_scholarship
):
    cost_and_split(joint_scholarship, "1000.00", "33.33", "66.67")
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    services.disbursements_schedule(intake=september_intake)
    rows = list(Disbursement.objects.order_by("pk")[:2])  # one term: 166.65 + 333.35
    finance = UserFactory(username="claire", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    page = new_page(user=finance)

    def select_and_run(action: str) -> None:
        page.goto("/admin/programs/disbursement/")
        for row in rows:
            page.locator(f"input[name=_selected_action][value='{row.pk}']").check()
        page.get_by_label("Action:").select_option(label=action)
        page.get_by_role("button", name="Go").click()
        page.get_by_text("500.00 RWF").wait_for()

    select_and_run("Approve for payment")
    page.get_by_role("button", name="Yes, I am sure").click()
    page.get_by_text("2 disbursements changed.").wait_for()
    select_and_run("Mark paid")
    page.get_by_label("Paid on").fill("2027-09-05")
    page.get_by_label("Reference").fill("BK-2027-09")
    page.get_by_role("button", name="Yes, I am sure").click()
    page.get_by_text("2 disbursements changed.").wait_for()
    assert sorted(
        Disbursement.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", "reference")
    ) == [("paid", "BK-2027-09"), ("paid", "BK-2027-09")]
    hec = Partner.objects.get(name="HEC")
    page.goto(f"/staff/funder-statement/?partner={hec.pk}")
    page.get_by_role(
        "heading", name=f"HEC–Alibaba Joint Scholarship – {september_intake}"
    ).wait_for()
    paid = page.locator("tfoot td").nth(3)
    assert paid.inner_text() == "333.35"  # HEC's paid share of the first term
    assert page.problems == []

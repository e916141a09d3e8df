"""A manager in Chromium adds a co-funder's statement contact on the partner page and saves;
then reads the statements sent, read-only."""

import datetime

import pytest
from django.contrib.auth.models import Group

from programs.models import PartnerContact, StatementDelivery

from ..factories import PartnerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_adds_a_contact_inline_and_reads_the_statements_sent(new_page, staff_roles):
    hec = PartnerFactory(name="Higher Education Council of Rwanda", short_name="HEC")
    StatementDelivery.objects.create(partner=hec, month=datetime.date(2027, 9, 1), recipients=1)
    manager = UserFactory(username="marie", is_staff=True)
    manager.groups.add(Group.objects.get(name="Programme managers"))
    page = new_page(user=manager)
    page.goto(f"/admin/programs/partner/{hec.pk}/change/")
    page.get_by_role("button", name="Add another contact").click()
    page.locator("input[name='contacts-0-name']").fill("Solange Uwamahoro")
    page.locator("input[name='contacts-0-email']").fill("statements.hec@example.org")
    assert page.locator("input[name='contacts-0-receives_statements']").is_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    (contact,) = PartnerContact.objects.filter(partner=hec)
    assert (contact.name, contact.email, contact.receives_statements) == (
        "Solange Uwamahoro",
        "statements.hec@example.org",
        True,
    )
    page.goto("/admin/programs/statementdelivery/")
    page.get_by_role("cell", name="2027-09").wait_for()
    assert page.get_by_role("link", name="Add statement sent").count() == 0
    assert page.problems == []

"""Who receives a co-funder's statement (contacts, inline on the partner page, with history)
and the record of each statement sent (one per co-funder and month, read-only for staff)."""

from __future__ import annotations

import datetime
import io
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from programs.models import Partner, PartnerContact, StatementDelivery

from .factories import PartnerFactory

pytestmark = pytest.mark.django_db


def _inline(partner, rows: list[dict], initial: int = 0) -> dict:
    data = {
        "name": partner.name,
        "short_name": partner.short_name,
        "kind": partner.kind,
        "website": "",
        "contacts-TOTAL_FORMS": str(len(rows)),
        "contacts-INITIAL_FORMS": str(initial),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"contacts-{i}-{key}": value for key, value in row.items()})
        data[f"contacts-{i}-partner"] = str(partner.pk)
    return data


def test_staff_add_a_contact_on_the_partner_page_and_its_history_names_them(staff_client, staff):
    hec = PartnerFactory(name="HEC")
    url = reverse("admin:programs_partner_change", args=[hec.pk])
    assert "receives statements" in staff_client.get(url).content.decode().lower()
    row = {"name": "Claudine Mukamana", "email": "c.mukamana@example.org"}
    response = staff_client.post(url, _inline(hec, [{**row, "receives_statements": "on"}]))
    assert response.status_code == HTTPStatus.FOUND
    (contact,) = hec.contacts.all()
    assert (contact.name, contact.email, contact.receives_statements) == (
        "Claudine Mukamana",
        "c.mukamana@example.org",
        True,
    )
    (created,) = contact.history.all()
    assert (created.history_type, created.history_user) == ("+", staff)


def test_the_same_email_twice_for_one_partner_is_refused_with_a_message(staff_client):
    hec = PartnerFactory(name="HEC")
    PartnerContact.objects.create(partner=hec, name="A", email="desk@example.org")
    url = reverse("admin:programs_partner_change", args=[hec.pk])
    data = _inline(hec, [{"name": "B", "email": "DESK@example.org"}])
    response = staff_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "already has a contact with this email" in response.content.decode()
    assert hec.contacts.count() == 1
    twice = _inline(hec, [{"name": n, "email": f"{n}@example.org"} for n in ("c", "C")])
    response = staff_client.post(url, twice)
    assert "already has a contact with this email" in response.content.decode()
    assert hec.contacts.count() == 1
    # another partner may have the same address
    PartnerContact(partner=PartnerFactory(), name="B", email="desk@example.org").full_clean()


def test_an_unticked_contact_stays_but_receives_nothing(staff_client):
    hec = PartnerFactory(name="HEC")
    contact = PartnerContact.objects.create(partner=hec, name="A", email="a@example.org")
    url = reverse("admin:programs_partner_change", args=[hec.pk])
    data = _inline(hec, [{"id": str(contact.pk), "name": "A", "email": "a@example.org"}], 1)
    assert staff_client.post(url, data).status_code == HTTPStatus.FOUND
    contact.refresh_from_db()
    assert contact.receives_statements is False


def test_a_delivery_is_one_per_partner_and_month():
    hec = PartnerFactory(name="HEC")
    StatementDelivery.objects.create(partner=hec, month=datetime.date(2027, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementDelivery.objects.create(partner=hec, month=datetime.date(2027, 9, 1))
    StatementDelivery.objects.create(partner=hec, month=datetime.date(2027, 10, 1))
    StatementDelivery.objects.create(partner=PartnerFactory(), month=datetime.date(2027, 9, 1))
    assert StatementDelivery.objects.count() == 3


@pytest.mark.parametrize("day", [2, 28, 31])
def test_a_month_is_its_first_day_in_the_database_and_in_clean(day):
    hec = PartnerFactory(name="HEC")
    row = StatementDelivery(partner=hec, month=datetime.date(2027, 10, day))
    with pytest.raises(ValidationError, match="The month is given by its first day"):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    assert not StatementDelivery.objects.exists()


def test_staff_read_the_deliveries_and_cannot_change_them(
    client, viewer, django_assert_num_queries
):
    client.force_login(viewer)
    for n in range(3):
        StatementDelivery.objects.create(
            partner=PartnerFactory(), month=datetime.date(2027, 9, 1), recipients=n + 1
        )
    url = reverse("admin:programs_statementdelivery_changelist")
    # session, user, the user's and the groups' permissions, the partner filter's choices,
    # the count of the page and of the whole list, the rows with their partner, the date
    # hierarchy's first and last month and its days
    with django_assert_num_queries(10):
        page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert page.content.decode().count("2027-09") == 3
    for _ in range(3, 9):
        StatementDelivery.objects.create(partner=PartnerFactory(), month=datetime.date(2027, 9, 1))
    with django_assert_num_queries(10):
        client.get(url)
    row = StatementDelivery.objects.first()
    change = client.post(
        reverse("admin:programs_statementdelivery_change", args=[row.pk]), {"recipients": "9"}
    )
    assert change.status_code == HTTPStatus.FORBIDDEN
    row.refresh_from_db()
    assert row.recipients != 9


def test_the_demo_data_has_one_invented_contact_per_co_funder_once():
    for _ in range(2):
        call_command("seed_demo", "--no-staff", stdout=io.StringIO())
    co_funders = Partner.objects.filter(funding_shares__isnull=False).distinct()
    contacts = PartnerContact.objects.filter(partner__in=co_funders)
    assert contacts.count() == co_funders.count() == 4
    assert all(c.email.endswith("@example.org") and c.receives_statements for c in contacts)
    assert not PartnerContact.objects.exclude(partner__in=co_funders).exists()

"""Hostile input on the new inputs of the monthly statements: a contact typed on the partner
page (a form error or a save, never a 500, nothing written when refused) and --month of
send_statements (a month or a CommandError, never another error, nothing sent when refused)."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.management import CommandError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from programs.management.commands.send_statements import parse_month
from programs.models import PartnerContact

from .factories import PartnerFactory
from .test_hypothesis_admin import EXAMPLES, HOSTILE, hostile_text

pytestmark = pytest.mark.django_db
emails = st.one_of(st.emails().map(str), st.sampled_from([*HOSTILE, "a@b", "x@example.org"]))


@EXAMPLES
@given(name=hostile_text, email=emails, ticked=st.booleans())
def test_a_contact_from_hostile_input_is_saved_as_typed_or_refused(
    staff_client, name, email, ticked
):
    partner = PartnerFactory()
    data = {
        "name": partner.name,
        "short_name": partner.short_name,
        "kind": partner.kind,
        "website": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-name": name,
        "contacts-0-email": email,
        "contacts-0-partner": str(partner.pk),
        **({"contacts-0-receives_statements": "on"} if ticked else {}),
    }
    before = PartnerContact.objects.count()
    response = staff_client.post(reverse("admin:programs_partner_change", args=[partner.pk]), data)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.OK:
        assert PartnerContact.objects.count() == before
    elif not name.strip() and not email.strip() and ticked:
        # The row as the page offers it (blank, ticked by default): Django skips an extra
        # inline row nobody changed, so saving the partner adds no contact.
        assert not partner.contacts.exists()
    else:
        contact = partner.contacts.get()
        assert (contact.email, contact.receives_statements) == (email.strip(), ticked)
        assert contact.name == name.strip()


@EXAMPLES
@given(
    text=st.one_of(
        st.text(max_size=30),
        st.sampled_from(HOSTILE),
        st.from_regex(r"\d{4}-\d{2}", fullmatch=True),
    )
)
def test_any_month_argument_is_a_month_or_a_clear_refusal(text):
    today = datetime.date(2028, 1, 15)
    try:
        month = parse_month(text, today)
    except CommandError as refused:
        assert "YYYY-MM" in str(refused) or "is not over yet" in str(refused)
        assert str(refused).isprintable()  # whatever was typed, the message is plain text
    else:
        assert month.day == 1 and month < today.replace(day=1)

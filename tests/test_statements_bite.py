"""statements_send at the service, each edge found unchecked by mutation testing: who is
recorded as having sent a statement, how many were already sent, and that one co-funder
already sent does not stop the others."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from post_office.models import Email

from programs import services
from programs.models import Partner, PartnerContact, StatementDelivery

from .factories import FundingShareFactory, FundingSourceFactory, PartnerFactory

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2027, 10, 1)


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def co_funders() -> list[Partner]:
    """Two co-funders, each the whole of one funding source, each with one contact."""
    partners = []
    for name in ("HEC", "Alibaba"):
        partner: Partner = PartnerFactory.create(name=name)
        FundingShareFactory(
            funding_source=FundingSourceFactory(), partner=partner, share_percent=100
        )
        PartnerContact.objects.create(partner=partner, name="Finance", email=f"{name}@example.org")
        partners.append(partner)
    return partners


def test_the_staff_member_who_sends_is_recorded_on_each_delivery(co_funders, staff):
    result = services.statements_send(month=OCTOBER, by=staff)
    assert len(result.sent) == 2
    assert [d.sent_by for d in StatementDelivery.objects.order_by("pk")] == [staff, staff]


@pytest.mark.parametrize("by", [None, AnonymousUser()], ids=["the mail worker", "anonymous"])
def test_no_one_is_recorded_when_no_signed_in_person_sends(co_funders, by):
    services.statements_send(month=OCTOBER, by=by)
    assert [d.sent_by for d in StatementDelivery.objects.all()] == [None, None]


def test_a_second_run_counts_each_statement_already_sent_once(co_funders):
    services.statements_send(month=OCTOBER)
    again = services.statements_send(month=OCTOBER)
    assert (again.sent, again.already_sent, again.recipients) == ([], 2, 0)
    assert Email.objects.count() == 2


def test_one_co_funder_already_sent_does_not_stop_the_next(co_funders):
    first, second = sorted(co_funders, key=lambda partner: partner.pk)
    StatementDelivery.objects.create(partner=first, month=OCTOBER, recipients=1)
    result = services.statements_send(month=OCTOBER)
    assert result.already_sent == 1
    assert [delivery.partner for delivery in result.sent] == [second]
    assert [email.to for email in Email.objects.all()] == [[f"{second.name}@example.org"]]


def test_a_month_not_given_by_its_first_day_is_refused_and_nothing_is_sent(co_funders):
    with pytest.raises(ValueError) as refused:
        services.statements_send(month=datetime.date(2027, 10, 2))
    assert str(refused.value) == "A month is given by its first day."
    assert not StatementDelivery.objects.exists() and not Email.objects.exists()

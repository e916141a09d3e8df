"""Two runs of send_statements at once (the mail worker on the 1st and a person by hand): each
co-funder gets one email. On PostgreSQL both read "not sent yet" before either wrote; the
second's insert of its StatementDelivery waits on the first's in the unique index, then fails,
and that co-funder is skipped. SQLite's write lock serialises them anyway."""

from __future__ import annotations

import pytest
from post_office.models import Email

from programs import services
from programs.models import Partner, PartnerContact, StatementDelivery

from .concurrency_support import at_once
from .statements_support import OCTOBER, paid_hec

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def co_funders(settings, tmp_path, september_intake, joint_scholarship):
    settings.MEDIA_ROOT = str(tmp_path)
    hec = paid_hec(september_intake, joint_scholarship)
    PartnerContact.objects.create(partner=hec, name="A", email="a@hec.example.org")
    alibaba = Partner.objects.get(name="Alibaba")
    PartnerContact.objects.create(partner=alibaba, name="B", email="b@example.org")
    return hec, alibaba


def test_two_runs_at_once_send_one_email_per_co_funder(co_funders):
    results = at_once(lambda: services.statements_send(month=OCTOBER), n=3)
    assert all(isinstance(r, services.StatementsResult) for r in results), results
    assert sorted(len(r.sent) for r in results)[-1] >= 1
    assert sum(len(r.sent) for r in results) == 2
    assert sum(r.already_sent for r in results) == 4
    assert Email.objects.count() == 2
    assert StatementDelivery.objects.count() == 2
    assert sorted(e.to[0] for e in Email.objects.all()) == ["a@hec.example.org", "b@example.org"]

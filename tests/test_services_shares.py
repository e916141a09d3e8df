"""Rule 5 at its boundary: three co-funders' shares add up to exactly 100%, not "about" 100%.

Thirds are where a tolerance would hide: 33.33 + 33.33 + 33.33 = 99.99 looks like 100 to a
reader, and a rule that rounded would accept it. Checked through the service and through the
funding source's admin page, which staff use.
"""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs import services
from programs.models import FundingShare

from .factories import FundingSourceFactory, PartnerFactory
from .test_admin import _errors

pytestmark = pytest.mark.django_db

EXACT = ("33.33", "33.33", "33.34")
REFUSED = [
    (("33.33", "33.33", "33.33"), "99.99"),
    (("33.33", "33.33", "33.35"), "100.01"),
]


def _message(total: str) -> str:
    return f"Co-funder shares must add up to 100%; these add up to {total}%."


def test_thirds_that_add_up_to_exactly_100_are_accepted():
    source = FundingSourceFactory()
    partners = PartnerFactory.create_batch(3)
    services.funding_source_set_shares(
        funding_source=source,
        shares=[(p, Decimal(share)) for p, share in zip(partners, EXACT, strict=True)],
    )
    assert sorted(s.share_percent for s in source.shares.all()) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]


@pytest.mark.parametrize(("shares", "total"), REFUSED)
def test_thirds_a_hundredth_off_100_are_refused(shares, total):
    source = FundingSourceFactory()
    with pytest.raises(ValidationError) as refused:
        services.funding_source_set_shares(
            funding_source=source,
            shares=[(PartnerFactory(), Decimal(share)) for share in shares],
        )
    assert refused.value.messages == [_message(total)]
    assert not source.shares.exists()


def _source_post(partners, shares) -> dict:
    data = {
        "name": "HEC–Alibaba–UNCTAD Scholarship",
        "kind": "scholarship",
        "description": "",
        "cost_per_place": "",
        "currency": "",
        "shares-TOTAL_FORMS": len(shares),
        "shares-INITIAL_FORMS": 0,
        "shares-MIN_NUM_FORMS": 0,
        "shares-MAX_NUM_FORMS": 1000,
    }
    for i, (partner, share) in enumerate(zip(partners, shares, strict=True)):
        data[f"shares-{i}-partner"] = partner.pk
        data[f"shares-{i}-share_percent"] = share
    return data


@pytest.mark.parametrize(("shares", "total"), REFUSED)
def test_the_funding_source_page_refuses_thirds_a_hundredth_off(staff_client, shares, total):
    partners = PartnerFactory.create_batch(3)
    response = staff_client.post(
        reverse("admin:programs_fundingsource_add"), _source_post(partners, shares)
    )
    assert _message(total) in _errors(response)
    assert not FundingShare.objects.exists()


def test_the_funding_source_page_accepts_thirds_that_add_up_to_100(staff_client):
    partners = PartnerFactory.create_batch(3)
    response = staff_client.post(
        reverse("admin:programs_fundingsource_add"), _source_post(partners, EXACT)
    )
    assert response.status_code == HTTPStatus.FOUND
    assert sorted(FundingShare.objects.values_list("share_percent", flat=True)) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]

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

from .admin_support import admin_errors
from .factories import FundingSourceFactory, PartnerFactory

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
        "name_en": "HEC–Alibaba–UNCTAD Scholarship",
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
    assert _message(total) in admin_errors(response)
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


# --- one co-funder row at a time (the share's own admin page) ---------------------------------


@pytest.fixture
def halves():
    """A source shared 50/50 by two co-funders."""
    source = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    services.funding_source_set_shares(
        funding_source=source,
        shares=[(PartnerFactory(), Decimal("50")), (PartnerFactory(), Decimal("50"))],
    )
    return source


def test_changing_one_share_is_checked_against_the_others(halves):
    share = halves.shares.first()
    share.share_percent = Decimal("60")
    with pytest.raises(ValidationError) as refused:
        services.funding_share_check(share=share)
    assert refused.value.messages == [_message("110")]
    share.share_percent = Decimal("50")
    services.funding_share_check(share=share)  # unchanged: still 100


def test_a_new_share_is_checked_with_the_existing_ones(halves):
    extra = FundingShare(funding_source=halves, partner=PartnerFactory(), share_percent=None)
    with pytest.raises(ValidationError) as refused:
        services.funding_share_check(share=extra)
    assert refused.value.messages == [
        "Give a share for every co-funder, or for none: 2 of 3 co-funders have a share."
    ]


def test_deleting_or_moving_a_share_checks_the_source_it_leaves(halves):
    share = halves.shares.first()
    with pytest.raises(ValidationError) as refused:
        services.funding_share_check(share=share, delete=True)
    assert refused.value.messages == [_message("50")]

    share.funding_source = FundingSourceFactory()
    with pytest.raises(ValidationError) as refused:
        services.funding_share_check(share=share)
    assert refused.value.messages == [_message("50")]


def test_a_partner_is_a_co_funder_of_a_source_once():
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as refused:
        services.shares_validate([(partner, Decimal("50")), (partner, Decimal("50"))])
    assert refused.value.messages == ["A partner can be a co-funder of the same source only once."]


def test_setting_shares_again_changes_the_rows_in_place_and_keeps_who_and_why(halves, staff):
    before = {share.partner_id: share.pk for share in halves.shares.all()}
    partners = [share.partner for share in halves.shares.order_by("pk")]
    kept = services.funding_source_set_shares(
        funding_source=halves,
        shares=[(partners[0], Decimal("70")), (partners[1], Decimal("30"))],
        by=staff,
        reason="New agreement",
    )
    assert [(s.partner, s.share_percent) for s in kept] == [
        (partners[0], Decimal("70")),
        (partners[1], Decimal("30")),
    ]
    assert {share.partner_id: share.pk for share in halves.shares.all()} == before
    latest = kept[0].history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "New agreement")
    assert halves.shares.first().history.last().history_change_reason is None


def test_a_moved_share_checks_the_source_it_leaves_whatever_the_ids():
    """The source a share leaves is read by the share's id: a share whose id is not its
    source's (in the other tests the first of each is 1) is still checked against it."""
    FundingSourceFactory()
    source = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    services.funding_source_set_shares(
        funding_source=source,
        shares=[(PartnerFactory(), Decimal("50")), (PartnerFactory(), Decimal("50"))],
    )
    share = next(row for row in source.shares.all() if row.pk != source.pk)
    # It joins a source where it makes 100 %: only the source it leaves is short.
    joins = FundingSourceFactory()
    FundingShare.objects.create(
        funding_source=joins, partner=PartnerFactory(), share_percent=Decimal("50")
    )
    share.funding_source = joins
    with pytest.raises(ValidationError) as refused:
        services.funding_share_check(share=share)
    assert refused.value.messages == [_message("50")]

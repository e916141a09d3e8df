"""Self-funded seats are not funded places: the public pages and the apply form say so."""

import pytest
from django.urls import reverse

from programs.models import FundingSource

from .factories import FundingSourceFactory, IntakeFundingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_with_a_self_funded_allocation(september_intake, joint_scholarship, fill):
    """An older set-up kept a "Self-funded" source with places; it must not read as funding."""
    self_funded = FundingSourceFactory(name="Self-funded", kind=FundingSource.Kind.SELF)
    IntakeFundingFactory(intake=september_intake, funding_source=self_funded, places=2)
    fill(september_intake, 20, funding_source=joint_scholarship)
    fill(september_intake, 1, funding_source=self_funded)
    return september_intake


def test_the_card_counts_only_funder_paid_places(client, intake_with_a_self_funded_allocation):
    html = client.get(
        reverse("programs:program-detail", args=[intake_with_a_self_funded_allocation.program.slug])
    ).content.decode()
    assert "seat left of 22" in html
    assert "funded places left of 20" in html
    assert "HEC–Alibaba Joint Scholarship" in html
    assert "Self-funded" not in html


def test_the_apply_form_does_not_offer_self_funded_as_a_funded_place(
    client, intake_with_a_self_funded_allocation
):
    html = client.get(
        reverse("programs:intake-apply", args=[intake_with_a_self_funded_allocation.pk])
    ).content.decode()
    assert "HEC–Alibaba Joint Scholarship" in html
    assert "Self-funded" not in html

"""The funder report's CSV cells at their edges, found unchecked by mutation testing: the cost
and its currency are written only where the cost per place is known, and each co-funder's
committed amount sits in its own column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from programs.exports.funder_report import funder_report_header, funder_report_rows
from programs.models import Enrollment
from programs.selectors.funder_report import funder_report

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db


def _rows() -> dict[str, dict[str, str]]:
    sources = funder_report()
    header = funder_report_header(sources)
    return {row[0]: dict(zip(header, row, strict=True)) for row in funder_report_rows(sources)}


def test_the_cost_and_currency_are_written_only_where_the_cost_is_known():
    intake = IntakeFactory(name="September 2027")
    costed = FundingSourceFactory(name="Costed", cost_per_place=Decimal("1500.50"), currency="RWF")
    # A currency recorded before the cost is: the report does not show it alone.
    uncosted = FundingSourceFactory(name="Uncosted", currency="USD")
    hec, alibaba = PartnerFactory(short_name="HEC"), PartnerFactory(short_name="Alibaba")
    FundingShareFactory(funding_source=costed, partner=hec, share_percent=60)
    FundingShareFactory(funding_source=costed, partner=alibaba, share_percent=40)
    FundingShareFactory(funding_source=uncosted, partner=alibaba, share_percent=100)
    for source in (costed, uncosted):
        IntakeFundingFactory(intake=intake, funding_source=source, places=4)
        EnrollmentFactory.create_batch(
            2, intake=intake, funding_source=source, status=Enrollment.Status.ENROLLED
        )

    rows = _rows()
    assert (rows["Costed"]["Cost per place"], rows["Costed"]["Currency"]) == ("1500.50", "RWF")
    assert rows["Costed"]["Committed total"] == "3001.00"
    assert (rows["Uncosted"]["Cost per place"], rows["Uncosted"]["Currency"]) == ("", "")
    assert rows["Uncosted"]["Committed total"] == ""
    # Each co-funder's committed amount is in its own column, empty where it does not fund.
    assert rows["Costed"][f"Committed by {hec.display_name}"] == "1800.60"
    assert rows["Costed"][f"Committed by {alibaba.display_name}"] == "1200.40"
    assert rows["Uncosted"][f"Committed by {hec.display_name}"] == ""

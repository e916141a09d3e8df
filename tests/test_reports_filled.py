"""The funder report tells filled places apart: enrolled and completed students commit money,
offers are pending; the CSV has one row per source and intake with a column per co-funder; the
funders' version lists one source's students only."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import reports
from programs.models import Enrollment, ExportLog

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
)
from .money import cost_and_split

Status = Enrollment.Status
pytestmark = pytest.mark.django_db
REPORT_URL = reverse("programs:funder-report")
CSV_URL = reverse("programs:funder-report-csv")


@pytest.fixture
def costed(september_intake, joint_scholarship, fill):
    """1,000.01 RWF a place, Alibaba 40 % and HEC 60 %: 3 enrolled, 1 completed, 2 offered."""
    for share in cost_and_split(joint_scholarship, "1000.01", "40", "60"):
        share.partner.short_name = share.partner.name  # the names the report shows
        share.partner.save()
    fill(september_intake, 3, funding_source=joint_scholarship)
    fill(september_intake, 1, status=Status.COMPLETED, funding_source=joint_scholarship)
    fill(september_intake, 2, status=Status.OFFERED, funding_source=joint_scholarship)
    fill(september_intake, 2, status=Status.APPLIED, funding_source=joint_scholarship)
    return joint_scholarship


@pytest.fixture
def bursary(september_intake, fill):
    """Another source with 2 places in the same intake, co-funded by RDB alone."""
    source = FundingSourceFactory(name="RDB Bursary", cost_per_place=Decimal("500"), currency="RWF")
    FundingShareFactory(
        funding_source=source,
        partner=PartnerFactory(name="RDB", short_name="RDB"),
        share_percent=Decimal(100),
    )
    IntakeFundingFactory(intake=september_intake, funding_source=source, places=2)
    fill(september_intake, 1, funding_source=source)
    return source


def test_filled_is_told_apart_and_only_enrolled_and_completed_commit(costed, september_intake):
    (report,) = reports.funder_report(funding_source=costed)

    (line,) = report.lines
    assert (line.places, line.filled, line.left) == (20, 6, 14)
    assert line.filled_text == "6 filled: 3 enrolled, 1 completed, 2 offered"
    assert line.committed_total == Decimal("4000.04")  # 4 x 1,000.01
    assert line.pending_total == Decimal("2000.02")  # the 2 offers, apart
    # HEC 60 % of 4,000.04 is 2,400.024, Alibaba 40 % is 1,600.016: the cent left over goes
    # to the larger remainder, so the parts add up to the total.
    assert [(c.name, c.share_text, c.amount) for c in line.co_funders] == [
        ("HEC", "60%", Decimal("2400.02")),
        ("Alibaba", "40%", Decimal("1600.02")),
    ]
    assert sum(c.amount for c in line.co_funders) == line.committed_total


def test_an_offer_accepted_moves_from_pending_to_committed(costed, september_intake):
    offer = september_intake.enrollments.filter(status=Status.OFFERED).first()
    offer.status = Status.ENROLLED
    offer.save()

    (line,) = reports.funder_report(funding_source=costed)[0].lines

    assert line.filled_text == "6 filled: 4 enrolled, 1 completed, 1 offered"
    assert (line.committed_total, line.pending_total) == (Decimal("5000.05"), Decimal("1000.01"))


def test_no_offer_no_completion_says_enrolled_only_and_nothing_filled_says_so(
    september_intake, joint_scholarship, fill
):
    (line,) = reports.funder_report(funding_source=joint_scholarship)[0].lines
    assert line.filled_text == "0 filled"
    fill(september_intake, 12, funding_source=joint_scholarship)
    (line,) = reports.funder_report(funding_source=joint_scholarship)[0].lines
    assert line.filled_text == "12 filled: 12 enrolled"


def test_the_staff_page_shows_the_breakdown_and_the_pending_amount(
    client, manager, costed, bursary
):
    client.force_login(manager)

    page = client.get(REPORT_URL, {"funding_source": costed.pk}).content.decode()

    assert "6 filled: 3 enrolled, 1 completed, 2 offered" in page
    assert "4,000.04 RWF" in page
    assert "2,000.02 RWF pending" in page
    assert f"?funding_source={costed.pk}&amp;audience=funder" in page


def test_the_funders_version_lists_only_that_sources_students(
    client, manager, september_intake, costed, bursary
):
    client.force_login(manager)
    other = september_intake.enrollments.get(funding_source=bursary).student

    response = client.get(REPORT_URL, {"funding_source": costed.pk, "audience": "funder"})

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for enrollment in september_intake.enrollments.seat_holding().filter(funding_source=costed):
        assert enrollment.student.full_name in page
    assert other.full_name not in page
    assert "RDB Bursary" not in page
    # Rule 8: counts 1 to 4 in a breakdown made for funders read "fewer than 5".
    assert "6 filled: fewer than 5 enrolled, fewer than 5 completed, fewer than 5 offered" in page
    assert ExportLog.objects.get().row_count == 6
    # Its own report lists the other source's student.
    theirs = client.get(REPORT_URL, {"funding_source": bursary.pk, "audience": "funder"})
    assert other.full_name in theirs.content.decode()


def test_the_funders_version_without_a_source_is_refused_and_logs_nothing(
    client, manager, costed, bursary, september_intake
):
    client.force_login(manager)

    response = client.get(REPORT_URL, {"intake": september_intake.pk, "audience": "funder"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "choose the funding source it is for" in response.content.decode()
    assert not ExportLog.objects.exists()


def test_the_funders_version_without_a_source_is_refused_in_french(client, manager, costed):
    client.force_login(manager)

    response = client.get(REPORT_URL, {"audience": "funder"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "choisissez la source de financement" in response.content.decode()


def _csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_has_one_row_per_source_and_intake_and_a_column_per_co_funder(
    client, manager, september_intake, costed, bursary
):
    later = IntakeFactory(
        name="September 2028",
        capacity=10,
        start_date=september_intake.start_date + datetime.timedelta(days=366),
    )
    IntakeFundingFactory(intake=later, funding_source=costed, places=8)
    client.force_login(manager)

    rows = _csv(client.get(CSV_URL))

    assert [(r["Funding source"], r["Intake"]) for r in rows] == [
        ("HEC–Alibaba Joint Scholarship", "September 2028"),
        ("HEC–Alibaba Joint Scholarship", "September 2027"),
        ("RDB Bursary", "September 2027"),
    ]
    assert sum(int(r["Funded places"]) for r in rows) == 8 + 20 + 2
    figures = [
        [r[k] for k in ("Places filled", "Enrolled", "Completed", "Offered", "Places left")]
        + [r[k] for k in ("Committed total", "Pending (offers)")]
        + [r[k] for k in ("Committed by HEC", "Committed by Alibaba", "Committed by RDB")]
        for r in rows
    ]
    assert figures == [
        ["0", "0", "0", "0", "8", "0.00", "0.00", "0.00", "0.00", ""],
        ["6", "3", "1", "2", "14", "4000.04", "2000.02", "2400.02", "1600.02", ""],
        ["1", "1", "0", "0", "1", "500.00", "0.00", "", "", "500.00"],
    ]
    assert rows[1]["Co-funders"] == "HEC (60%); Alibaba (40%)"
    assert len(rows[1]["Funded students"].split("; ")) == 6
    assert ExportLog.objects.get().row_count == 3


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_the_pages_and_the_csv_take_the_same_queries_for_more_students(
    client, manager, september_intake, costed, bursary
):
    client.force_login(manager)
    urls = [
        (REPORT_URL, {}),
        (REPORT_URL, {"funding_source": costed.pk, "audience": "funder"}),
        (CSV_URL, {}),
    ]
    before = [_queries(client, url, query) for url, query in urls]
    EnrollmentFactory.create_batch(
        8, intake=september_intake, status=Status.ENROLLED, funding_source=costed
    )
    EnrollmentFactory.create_batch(
        4, intake=september_intake, status=Status.OFFERED, funding_source=costed
    )
    assert [_queries(client, url, query) for url, query in urls] == before

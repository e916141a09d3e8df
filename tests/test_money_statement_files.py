"""The statement as CSV and as a printable page: the page's figures, BOM and formula escaping,
logged, names of partners only (no student), a 400 for a bad filter."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from django.urls import reverse

from programs import services
from programs.exports import BOM
from programs.models import ExportLog, Partner

from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
CSV_URL = reverse("programs:funder-statement-csv")
PRINT_URL = reverse("programs:funder-statement-print")


@pytest.fixture
def hec(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000000", "40", "60")
    costed_intake(september_intake, joint_scholarship, students=2, years=1)
    services.disbursements_schedule(intake=september_intake)
    hec = Partner.objects.get(name="HEC")
    first = hec.disbursements.order_by("due_on", "pk").first()
    services.disbursement_approve(disbursement=first, by=None)
    services.disbursement_mark_paid(disbursement=first, on=first.due_on, reference="B1", by=None)
    return hec


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.removeprefix(BOM))))


def test_the_csv_has_each_term_and_a_total_that_add_up(client, manager, hec, september_intake):
    client.force_login(manager)
    response = client.get(CSV_URL, {"partner": hec.pk})
    assert response.status_code == HTTPStatus.OK
    assert "statement-hec-" in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header[:4] == ["Co-funder", "Funding source", "Programme", "Intake"]
    assert header[9:] == ["Committed", "Scheduled", "Approved", "Paid", "Outstanding", "Cancelled"]
    terms, total = rows[:-1], rows[-1]
    assert len(terms) == september_intake.terms.count() and total[6] == "Total"
    assert {row[0] for row in rows} == {"HEC"} and {row[4] for row in rows} == {"60.00"}
    for column in range(9, 15):
        assert sum(float(row[column]) for row in terms) == float(total[column])
    # Two students × 1,000,000 a year × 60 %; HEC's first-term payment for one student is paid.
    per_term = 600000 / len(terms)
    assert total[9:12] == ["1200000.00", "1200000.00", "0.00"]
    assert float(total[12]) == float(terms[0][12]) == per_term
    assert float(total[13]) == 1200000 - per_term and total[14] == "0.00"
    log = ExportLog.objects.get()
    assert log.username == "manager" and log.filters["via"] == "funder statement"
    assert log.row_count == len(rows)


def test_a_name_that_looks_like_a_formula_is_escaped(client, manager, hec):
    hec.name = "=HYPERLINK(1)"
    hec.save()
    client.force_login(manager)
    _header, *rows = _rows(client.get(CSV_URL, {"partner": hec.pk}))
    assert {row[0] for row in rows} == {"'=HYPERLINK(1)"}


def test_the_printable_page_has_the_figures_and_no_student(client, manager, hec):
    client.force_login(manager)
    response = client.get(PRINT_URL, {"partner": hec.pk})
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Statement for HEC" in page and "1200000.00" in page
    assert 'id="content"' not in page  # no admin around it
    for enrollment in hec.disbursements.select_related("enrollment__student"):
        student = enrollment.enrollment.student
        assert student.last_name not in page and student.email not in page
    assert ExportLog.objects.get().filters["via"] == "funder statement (printable page)"


def test_the_statement_page_links_to_both(client, manager, hec):
    client.force_login(manager)
    page = client.get(reverse("programs:funder-statement"), {"partner": hec.pk}).content.decode()
    assert f'href="{CSV_URL}?partner={hec.pk}"' in page
    assert f'href="{PRINT_URL}?partner={hec.pk}"' in page


@pytest.mark.parametrize("url", [CSV_URL, PRINT_URL])
def test_a_bad_filter_is_a_400_and_nothing_is_logged(client, manager, hec, url):
    client.force_login(manager)
    response = client.get(url, {"partner": "nope"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("url", [CSV_URL, PRINT_URL])
def test_a_viewer_may_not_download_statements(client, viewer, hec, url):
    client.force_login(viewer)
    assert client.get(url, {"partner": hec.pk}).status_code == HTTPStatus.FORBIDDEN


def test_the_total_row_has_no_term_date_and_the_log_says_funder_report(client, manager, hec):
    """Logged as a funder report before a byte is sent, with no rows counted until they are."""
    client.force_login(manager)
    response = client.get(CSV_URL, {"partner": hec.pk})
    log = ExportLog.objects.get()
    assert (log.kind, log.row_count) == (ExportLog.Kind.FUNDER_REPORT, 0)
    _header, *rows = _rows(response)
    total = rows[-1]
    assert (total[6], total[7], total[8]) == ("Total", "", "RWF")
    assert all(row[7] for row in rows[:-1])  # each term row has its start date

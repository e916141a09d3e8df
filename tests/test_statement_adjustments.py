"""An adjustment of no single term (a correction after payment, not tied to a term) is on the
co-funder's statement: its own line after the terms, in the total, the CSV and the month it
falls due in. It was once left out of every line (the query read only rows with a term)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest

from programs import services
from programs.exports.statement import statement_csv_bytes
from programs.models import Enrollment
from programs.selectors.statement import ADJUSTMENTS, funder_statement

from .statements_support import OCTOBER, paid_hec

pytestmark = pytest.mark.django_db
K = Decimal(1000)


@pytest.fixture
def adjusted(september_intake, joint_scholarship):
    hec = paid_hec(september_intake, joint_scholarship)
    student = Enrollment.objects.filter(intake=september_intake).order_by("pk").first()
    services.disbursement_adjust(
        enrollment=student,
        partner=hec,
        term=None,
        amount=Decimal("-50000.00"),
        due_on=datetime.date(2027, 10, 20),
        reason="Overpaid books allowance",
        by=None,
    )
    return hec


def test_the_adjustment_has_its_own_line_and_is_in_the_total(adjusted):
    (line,) = funder_statement(partner=adjusted)
    last = line.terms[-1]
    assert (last.name, last.start_date) == (ADJUSTMENTS, None)
    assert (last.figures.committed, last.figures.scheduled) == (0, Decimal("-50000.00"))
    terms_only = sum(row.figures.scheduled for row in line.terms[:-1])
    assert line.total.scheduled == terms_only - 50 * K
    assert line.total.outstanding == line.total.scheduled - line.total.paid


def test_the_csv_has_the_adjustments_row(adjusted):
    lines = funder_statement(partner=adjusted)
    rows = list(csv.reader(io.StringIO(statement_csv_bytes(lines).decode("utf-8-sig"))))
    adjustment = next(row for row in rows if ADJUSTMENTS in row)
    header = rows[0]
    assert adjustment[header.index("Scheduled")] == "-50000.00"
    assert adjustment[header.index("Term start date")] == ""
    total = rows[-1]
    assert Decimal(total[header.index("Scheduled")]) == sum(
        Decimal(row[header.index("Scheduled")]) for row in rows[1:-1]
    )


def test_the_month_it_falls_due_in_shows_it_and_the_month_before_does_not(adjusted):
    (october,) = funder_statement(partner=adjusted, month=OCTOBER)
    assert october.terms[-1].name == ADJUSTMENTS
    assert october.terms[-1].figures.due_in_month == Decimal("-50000.00")
    (september,) = funder_statement(partner=adjusted, month=datetime.date(2027, 9, 1))
    assert ADJUSTMENTS not in [row.name for row in september.terms]


def test_no_adjustment_no_line(september_intake, joint_scholarship):
    hec = paid_hec(september_intake, joint_scholarship)
    (line,) = funder_statement(partner=hec)
    assert ADJUSTMENTS not in [row.name for row in line.terms]

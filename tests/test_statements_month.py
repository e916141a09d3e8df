"""A month's statement: as at the month's last day, with what fell due and was paid in the
month itself. Boundaries: a term starting on the last day, payments on the first and the last
day of the next month, a payment made before its term begins."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import services
from programs.exports import BOM, cells
from programs.exports.statement import statement_csv_bytes
from programs.models import Partner
from programs.selectors.statement import funder_statement

from .factories import IntakeFactory
from .money import cost_and_split, costed_intake
from .statements_support import OCTOBER, SEPTEMBER, paid_hec

pytestmark = pytest.mark.django_db
K = Decimal(1000)


@pytest.fixture
def hec(september_intake, joint_scholarship):
    return paid_hec(september_intake, joint_scholarship)


def figures(line, *names):
    return tuple(getattr(line, name) for name in names)


COLUMNS = ("committed", "scheduled", "approved", "paid", "outstanding", "cancelled")
MONTH = ("due_in_month", "paid_in_month")


def test_september_counts_the_term_begun_on_its_last_day_and_nothing_paid_yet(hec):
    (line,) = funder_statement(partner=hec, month=SEPTEMBER)
    (term,) = line.terms
    assert term.term.start_date == datetime.date(2027, 9, 30)
    assert figures(term.figures, *COLUMNS, *MONTH) == (
        600 * K,
        600 * K,
        0,
        0,
        600 * K,
        0,
        600 * K,
        0,
    )
    assert figures(line.total, *COLUMNS, *MONTH) == figures(term.figures, *COLUMNS, *MONTH)


def test_october_counts_both_ends_of_the_month_and_the_early_payment(hec):
    (line,) = funder_statement(partner=hec, month=OCTOBER)
    first, march = line.terms
    assert figures(first.figures, *COLUMNS, *MONTH) == (
        600 * K,
        600 * K,
        0,
        600 * K,
        0,
        0,
        0,
        600 * K,
    )
    # March's term has not begun; it is shown because 300,000 of it was paid in October.
    assert march.term.start_date > datetime.date(2027, 10, 31)
    assert figures(march.figures, "scheduled", "paid", "outstanding", "paid_in_month") == (
        300 * K,
        300 * K,
        0,
        300 * K,
    )
    assert figures(line.total, "scheduled", "paid", "outstanding", *MONTH) == (
        900 * K,
        900 * K,
        0,
        0,
        900 * K,
    )


def test_a_month_before_the_first_term_shows_the_line_with_nothing_in_it(hec):
    (line,) = funder_statement(partner=hec, month=datetime.date(2027, 8, 1))
    assert line.terms == [] and figures(line.total, *COLUMNS, *MONTH) == (0,) * 8


def test_the_statement_to_date_is_unchanged_by_the_month_columns(hec):
    (line,) = funder_statement(partner=hec)
    assert figures(line.total, *COLUMNS) == (1200 * K, 1200 * K, 0, 900 * K, 300 * K, 0)
    assert figures(line.total, *MONTH) == (0, 0)


def test_the_months_csv_has_its_two_columns_and_totals_that_add_up(hec):
    lines = funder_statement(partner=hec, month=OCTOBER)
    body = statement_csv_bytes(lines, month=OCTOBER).decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(body.removeprefix(BOM))))
    assert header[-3:] == ["Cancelled", "Due this month", "Paid this month"]
    terms, total = rows[:-1], rows[-1]
    assert total[6] == "Total"
    amounts = ["1200000.00", "900000.00", "0.00", "900000.00", "0.00", "0.00", "0.00"]
    assert total[9:] == [*amounts, "900000.00"]
    for column in range(9, 17):
        assert sum(Decimal(row[column]) for row in terms) == Decimal(total[column])
    # the staff download keeps its columns
    assert len(next(csv.reader(io.StringIO(statement_csv_bytes(lines).decode())))) == 15


def test_a_months_statement_takes_the_same_queries_for_more_intakes_and_students(
    joint_scholarship,
):
    cost_and_split(joint_scholarship, "1000", "50", "50")
    hec = Partner.objects.get(name="HEC")
    counts = []
    for students in (1, 6):
        intake = IntakeFactory(start_date=datetime.date(2027, 9, 6))
        costed_intake(intake, joint_scholarship, students=students, years=2)
        services.disbursements_schedule(intake=intake)
        with CaptureQueriesContext(connection) as queries:
            funder_statement(partner=hec, month=OCTOBER)
        counts.append(len(queries))
    assert counts == [6, 6]


def test_a_statement_long_enough_for_several_chunks_is_the_same_file(hec, monkeypatch):
    """The email's attachment joins the export's chunks into one file: nothing between them."""
    lines = funder_statement(partner=hec, month=OCTOBER)
    whole = statement_csv_bytes(lines, month=OCTOBER)
    monkeypatch.setattr(cells, "ROWS_PER_CHUNK", 2)
    assert statement_csv_bytes(lines, month=OCTOBER) == whole
    assert len(list(csv.reader(io.StringIO(whole.decode().removeprefix(BOM))))) > 3

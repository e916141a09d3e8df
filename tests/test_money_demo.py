"""Issue 17's "Done when", from the demo data: finance staff schedule the September intake,
mark the first term paid for HEC's share, a student leaves, and HEC's statement adds up, with
exact figures. seed_demo's own money (the same steps) is checked, and is safe to run again.

The demo's cost (3,000,000 RWF a year) and 50/50 split are invented (programs/demo/money.py):
a term costs 1,500,000 RWF a student, 750,000 from each co-funder.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse

from programs import services
from programs.demo import money as demo_money
from programs.models import Disbursement, Enrollment, Intake, Partner

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:programs_disbursement_changelist")
SCHEDULE = reverse("admin:programs_disbursement_schedule")
K = Decimal(1000)


def _seed() -> None:
    call_command("seed_demo", "--no-staff", stdout=io.StringIO())


@pytest.fixture
def demo_before_money(monkeypatch):
    """The demo data with the September intake's terms but no payment: what staff start from."""
    monkeypatch.setattr(
        demo_money, "schedule_and_pay_hec", lambda intake, hec: demo_money.first_year_terms(intake)
    )
    _seed()
    return Intake.objects.get(name="September 2027")


def _act(client, action: str, rows, **extra):
    data = {"action": action, "_selected_action": [row.pk for row in rows], "confirm": "yes"}
    response = client.post(CHANGELIST, {**data, **extra})
    assert response.status_code == HTTPStatus.FOUND
    return response


def test_staff_schedule_pay_hecs_first_term_exit_one_and_the_statement_adds_up(
    finance_client, demo_before_money, staff
):
    september = demo_before_money
    hec = Partner.objects.get(short_name="HEC")
    first = september.terms.get(number=1)
    assert not Disbursement.objects.exists()

    scheduled = finance_client.post(SCHEDULE, {"intake": september.pk, "confirm": "yes"})
    assert scheduled.status_code == HTTPStatus.FOUND
    # 12 enrolled students x 2 terms x 2 co-funders; the 2 offers are not scheduled.
    assert Disbursement.objects.count() == 48
    hecs_first = list(Disbursement.objects.filter(partner=hec, term=first).order_by("pk"))
    assert sum(row.amount for row in hecs_first) == 12 * 750 * K
    _act(finance_client, "approve", hecs_first)
    _act(finance_client, "mark_paid", hecs_first, paid_on="2027-08-30", reference="HEC-T1")
    assert Disbursement.objects.filter(status="paid").count() == 12
    leaving = september.enrollments.filter(status=Enrollment.Status.ENROLLED).order_by("pk")[0]
    services.enrollment_exit(
        enrollment=leaving, reason="financial", on=datetime.date(2027, 10, 15), by=staff
    )

    page = finance_client.get(reverse("programs:funder-statement"), {"partner": hec.pk})
    assert page.status_code == HTTPStatus.OK
    (line,) = [s for s in page.context["lines"] if s.intake == september]
    assert (line.share.share_percent, line.students) == (50, 11)
    t1, t2 = (term.figures for term in line.terms)
    # Term 1 was paid for all 12 before the student left (due 6 Sept, left 15 Oct).
    assert (t1.committed, t1.scheduled, t1.approved, t1.paid, t1.outstanding, t1.cancelled) == (
        8250 * K, 9000 * K, 0, 9000 * K, 0, 0,
    )  # fmt: skip
    # Term 2 (due 14 Feb 2028): the leaver's 750,000 cancelled, 11 still owed.
    assert (t2.committed, t2.scheduled, t2.approved, t2.paid, t2.outstanding, t2.cancelled) == (
        8250 * K, 8250 * K, 0, 0, 8250 * K, 750 * K,
    )  # fmt: skip
    total = line.total
    assert (total.committed, total.scheduled, total.paid, total.outstanding, total.cancelled) == (
        16500 * K, 17250 * K, 9000 * K, 8250 * K, 750 * K,
    )  # fmt: skip
    assert total.scheduled == t1.scheduled + t2.scheduled
    assert total.outstanding == total.scheduled - total.paid
    # The same figures in the statement's CSV, total row included.
    csv_response = finance_client.get(
        reverse("programs:funder-statement-csv"), {"partner": hec.pk, "intake": september.pk}
    )
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    columns = ["Term", "Scheduled", "Paid", "Outstanding", "Cancelled"]
    assert [tuple(r[c] for c in columns) for r in rows] == [
        ("Year 1, semester 1", "9000000.00", "9000000.00", "0.00", "0.00"),
        ("Year 1, semester 2", "8250000.00", "0.00", "8250000.00", "750000.00"),
        ("Total", "17250000.00", "9000000.00", "8250000.00", "750000.00"),
    ]  # fmt: skip
    # Alibaba's share: nothing paid, the leaver's second term cancelled too.
    alibaba = Partner.objects.get(short_name="Alibaba")
    page = finance_client.get(reverse("programs:funder-statement"), {"partner": alibaba.pk})
    (theirs,) = [s for s in page.context["lines"] if s.intake == september]
    assert (theirs.total.scheduled, theirs.total.paid, theirs.total.cancelled) == (
        17250 * K, 0, 750 * K,
    )  # fmt: skip
    # Both co-funders' committed amounts for a term add up to its cost for 11 students.
    assert t1.committed + theirs.terms[0].figures.committed == 11 * 1500 * K


def test_seed_demo_schedules_the_first_year_and_pays_hecs_first_term_once():
    _seed()
    september = Intake.objects.get(name="September 2027")
    hec = Partner.objects.get(short_name="HEC")

    rows = Disbursement.objects.filter(enrollment__intake=september)
    paid = rows.filter(status="paid")
    assert rows.count() == 48
    assert (paid.count(), {r.partner_id for r in paid}, {r.term.number for r in paid}) == (
        12,
        {hec.pk},
        {1},
    )
    assert sum(r.amount for r in paid) == 9000 * K
    assert set(paid.values_list("reference", "paid_on")) == {
        ("HEC-RWF-2027-T1-0001", datetime.date(2027, 8, 30))
    }
    before = list(rows.order_by("pk").values_list("pk", "status", "amount"))
    _seed()  # again: nothing added, nothing changed
    assert list(rows.order_by("pk").values_list("pk", "status", "amount")) == before

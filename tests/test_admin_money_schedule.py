"""Finance schedules an intake from the disbursement list (a confirmation with the count and
total first), cancels payments not yet made (a paid one is refused, with the reason) and adds
an adjustment (a negative amount with a reason); a bad value is a message and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import services
from programs.models import Disbursement, Partner

from .factories import EnrollmentFactory
from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:programs_disbursement_changelist")
SCHEDULE = reverse("admin:programs_disbursement_schedule")
ADD = reverse("admin:programs_disbursement_add")


@pytest.fixture
def costed(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "33.33", "66.67")
    costed_intake(september_intake, joint_scholarship, students=2, years=1)
    return september_intake


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_schedule_shows_the_count_and_total_then_schedules_once(finance_client, costed):
    terms = costed.terms.count()
    page = finance_client.post(SCHEDULE, {"intake": costed.pk})
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert f"{2 * terms * 2} disbursements to schedule" in text  # 2 students × terms × 2 payers
    assert f"{Decimal(1000) * 2:.2f} RWF" in text  # one year's cost for each of 2 students
    assert not Disbursement.objects.exists()
    done = finance_client.post(SCHEDULE, {"intake": costed.pk, "confirm": "yes"})
    assert done.status_code == HTTPStatus.FOUND
    assert Disbursement.objects.count() == 2 * terms * 2
    assert Disbursement.objects.first().history.first().history_user == finance_client.user
    again = finance_client.post(SCHEDULE, {"intake": costed.pk, "confirm": "yes"}, follow=True)
    assert Disbursement.objects.count() == 2 * terms * 2
    assert f"0 disbursements scheduled for {costed}." in _messages(again)


def test_the_confirmation_takes_the_same_queries_for_more_students(finance_client, costed):
    with CaptureQueriesContext(connection) as few:
        finance_client.post(SCHEDULE, {"intake": costed.pk})
    EnrollmentFactory.create_batch(
        6, intake=costed, status="enrolled", funding_source=costed.fundings.get().funding_source
    )
    with CaptureQueriesContext(connection) as many:
        page = finance_client.post(SCHEDULE, {"intake": costed.pk})
    assert f"{8 * costed.terms.count() * 2} disbursements" in page.content.decode()
    assert len(many) == len(few)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(intake=st.text(max_size=20), confirm=st.sampled_from(["", "yes"]))
def test_any_intake_value_is_a_page_and_a_bad_one_changes_nothing(
    finance_client, costed, intake, confirm
):
    # Examples share the database: an earlier one ("1", "yes") may have scheduled the intake.
    before = list(Disbursement.objects.values_list("pk", "status", "amount"))
    response = finance_client.post(SCHEDULE, {"intake": intake, "confirm": confirm})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST, HTTPStatus.FOUND)
    if response.status_code != HTTPStatus.FOUND:
        assert list(Disbursement.objects.values_list("pk", "status", "amount")) == before


def test_a_viewer_may_not_schedule(client, viewer, costed):
    client.force_login(viewer)
    assert client.post(SCHEDULE, {"intake": costed.pk, "confirm": "yes"}).status_code == 403
    assert not Disbursement.objects.exists()


def test_cancel_asks_for_a_reason_and_refuses_a_paid_one(finance_client, costed):
    services.disbursements_schedule(intake=costed)
    paid, scheduled = Disbursement.objects.order_by("pk")[:2]
    services.disbursement_approve(disbursement=paid, by=None)
    services.disbursement_mark_paid(disbursement=paid, on=paid.due_on, reference="B1", by=None)
    chosen = {"action": "cancel", "_selected_action": [paid.pk, scheduled.pk]}
    page = finance_client.post(CHANGELIST, chosen)
    assert page.status_code == HTTPStatus.OK and "Cancel these payments?" in page.content.decode()
    again = finance_client.post(CHANGELIST, {**chosen, "confirm": "yes", "reason": " "})
    assert again.status_code == HTTPStatus.OK  # the page again, with the error
    assert not Disbursement.objects.filter(status="cancelled").exists()
    done = finance_client.post(
        CHANGELIST, {**chosen, "confirm": "yes", "reason": "Paid by the ministry"}, follow=True
    )
    paid.refresh_from_db()
    scheduled.refresh_from_db()
    assert (paid.status, scheduled.status) == ("paid", "cancelled")
    assert scheduled.history.first().history_change_reason == "Cancelled: Paid by the ministry"
    notes = " ".join(_messages(done))
    assert "1 disbursement changed." in notes
    assert "This disbursement is paid and cannot be cancelled" in notes


def _adjustment(costed, **changes):
    services.disbursements_schedule(intake=costed)
    row = Disbursement.objects.filter(partner__name="HEC").order_by("pk").first()
    data = {
        "enrollment": row.enrollment_id,
        "term": row.term_id,
        "partner": row.partner_id,
        "amount": "-50.00",
        "due_on": "2027-10-01",
        "reason": "Overpaid the first term",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "50.00"}, "An adjustment is a negative amount"),
        ({"reason": ""}, "needs a reason"),
        ({"partner": ""}, "is split between co-funders"),
    ],
)
def test_a_wrong_adjustment_is_refused_and_nothing_added(finance_client, costed, changes, message):
    data = _adjustment(costed, **changes)
    before = Disbursement.objects.count()
    response = finance_client.post(ADD, data)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert Disbursement.objects.count() == before


def test_an_adjustment_is_added_in_the_sources_currency(finance_client, costed):
    data = _adjustment(costed)
    response = finance_client.post(ADD, data)
    assert response.status_code == HTTPStatus.FOUND
    row = Disbursement.objects.get(amount__lt=0)
    assert (row.amount, row.currency, row.status) == (Decimal("-50.00"), "RWF", "scheduled")
    assert row.partner == Partner.objects.get(name="HEC")
    assert row.history.first().history_user == finance_client.user


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amount=st.text(max_size=12), reason=st.text(max_size=30))
def test_any_adjustment_input_is_a_page_never_a_500(finance_client, costed, amount, reason):
    Disbursement.objects.filter(status="scheduled").delete()
    data = _adjustment(costed, amount=amount, reason=reason)
    response = finance_client.post(ADD, data)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    for row in Disbursement.objects.filter(amount__lt=0):
        assert row.reason.strip()

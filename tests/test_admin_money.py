"""Finance staff approve and mark paid in bulk: a confirmation page with the total first,
then the change; nothing is deleted and a paid row is read-only; admissions stay out of reach."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from programs import services
from programs.models import Disbursement, Enrollment

from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:programs_disbursement_changelist")


@pytest.fixture
def scheduled(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "33.33", "66.67")
    costed_intake(september_intake, joint_scholarship, students=2, years=1)
    services.disbursements_schedule(intake=september_intake)
    return list(Disbursement.objects.order_by("pk"))


def _act(client, action: str, rows, **extra):
    data = {"action": action, "_selected_action": [row.pk for row in rows], **extra}
    return client.post(CHANGELIST, data)


def test_approve_asks_first_with_the_total_then_approves(finance_client, scheduled):
    chosen = scheduled[:3]  # 166.65 + 333.35 + 166.65
    page = _act(finance_client, "approve", chosen)
    assert page.status_code == HTTPStatus.OK
    assert "666.65 RWF" in page.content.decode()
    assert not Disbursement.objects.filter(status="approved").exists()
    done = _act(finance_client, "approve", chosen, confirm="yes")
    assert done.status_code == HTTPStatus.FOUND
    assert Disbursement.objects.filter(status="approved").count() == 3
    assert chosen[0].history.first().history_user == finance_client.user


def test_mark_paid_needs_a_date_and_pays_once(finance_client, scheduled):
    for row in scheduled[:2]:
        services.disbursement_approve(disbursement=row, by=None)
    page = _act(finance_client, "mark_paid", scheduled[:2], confirm="yes", paid_on="")
    assert page.status_code == HTTPStatus.OK  # shown again with the error
    assert not Disbursement.objects.filter(status="paid").exists()
    done = _act(
        finance_client, "mark_paid", scheduled, confirm="yes", paid_on="2027-09-05", reference="B7"
    )
    assert done.status_code == HTTPStatus.FOUND
    assert set(Disbursement.objects.filter(status="paid").values_list("pk", flat=True)) == {
        row.pk for row in scheduled[:2]
    }  # the scheduled ones were refused, with a message
    change = reverse("admin:programs_disbursement_change", args=[scheduled[0].pk])
    assert finance_client.post(change, {"amount": "1"}).status_code == HTTPStatus.FORBIDDEN


def test_finance_does_not_change_admissions(finance_client, scheduled):
    enrollment = scheduled[0].enrollment
    url = reverse("admin:programs_enrollment_change", args=[enrollment.pk])
    response = finance_client.post(url, {"status": Enrollment.Status.WITHDRAWN})
    assert response.status_code == HTTPStatus.FORBIDDEN
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED


def test_the_list_takes_the_same_queries_for_more_rows(
    finance_client, scheduled, django_assert_num_queries
):
    first = finance_client.get(CHANGELIST)
    assert first.status_code == HTTPStatus.OK
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as few:
        finance_client.get(CHANGELIST)
    from .factories import EnrollmentFactory

    EnrollmentFactory.create_batch(
        5,
        intake=scheduled[0].enrollment.intake,
        status="enrolled",
        funding_source=scheduled[0].enrollment.funding_source,
    )
    services.disbursements_schedule(intake=scheduled[0].enrollment.intake)
    with CaptureQueriesContext(django.db.connection) as many:
        finance_client.get(CHANGELIST)
    assert len(many) == len(few)

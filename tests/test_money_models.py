"""A disbursement's rules: the database refuses what it can hold, clean() the cross-row rules,
and a paid one never changes through any path (model, queryset, raw SQL)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from programs import services
from programs.models import Disbursement

from .factories import PartnerFactory
from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 10, 1)


@pytest.fixture
def paid(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000000", "60", "40")
    costed_intake(september_intake, joint_scholarship, students=1)
    services.disbursements_schedule(intake=september_intake)
    row = Disbursement.objects.order_by("pk").first()
    services.disbursement_approve(disbursement=row, by=None)
    return services.disbursement_mark_paid(disbursement=row, on=TODAY, reference="BK-1", by=None)


def test_a_paid_disbursement_refuses_save_and_delete(paid):
    paid.amount = Decimal("1.00")
    with pytest.raises(ValidationError, match="A paid disbursement never changes"):
        paid.save()
    with pytest.raises(ValidationError, match="A paid disbursement never changes"):
        paid.delete()
    paid.refresh_from_db()
    assert paid.amount == Decimal("300000.00")


def test_a_queryset_touching_a_paid_row_changes_nothing(paid):
    every = Disbursement.objects.all()
    with pytest.raises(ValidationError):
        every.update(amount=Decimal("1"))
    with pytest.raises(ValidationError):
        every.delete()
    assert Disbursement.objects.filter(amount=Decimal("1")).count() == 0
    assert Disbursement.objects.count() == 4
    # rows not paid still update
    assert every.exclude(pk=paid.pk).update(reference="x") == 3


def test_raw_sql_cannot_change_a_paid_row(paid):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE programs_disbursement SET amount = 1 WHERE id = %s", [paid.pk])
    paid.refresh_from_db()
    assert paid.amount == Decimal("300000.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_raw_sql_cannot_delete_a_paid_row_on_postgresql(paid):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_disbursement WHERE id = %s", [paid.pk])
    assert Disbursement.objects.filter(pk=paid.pk).exists()


def test_paid_needs_the_day_and_zero_is_refused_by_the_database(paid):
    other = Disbursement.objects.exclude(pk=paid.pk).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=other.pk).update(status="paid")
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=other.pk).update(amount=Decimal("0"))


def test_an_adjustment_is_negative_with_a_reason(paid):
    fields = {
        "enrollment": paid.enrollment,
        "partner": paid.partner,
        "currency": "RWF",
        "due_on": TODAY,
    }
    without = Disbursement(amount=Decimal("-100.00"), **fields)
    with pytest.raises(ValidationError) as refused:
        without.full_clean()
    assert "reason" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(amount=Decimal("-100.00"), **fields)
    correction = Disbursement(amount=Decimal("-100.00"), reason="Fee refunded", **fields)
    correction.full_clean()
    correction.save()
    assert correction.is_adjustment


def test_the_payer_is_a_co_funder_of_the_students_source(paid):
    outsider = Disbursement(
        enrollment=paid.enrollment,
        term=paid.term,
        partner=PartnerFactory(name="UNCTAD"),
        amount=Decimal("5.00"),
        currency="USD",
        due_on=TODAY,
    )
    with pytest.raises(ValidationError) as refused:
        outsider.full_clean()
    assert "UNCTAD is not a co-funder" in refused.value.message_dict["partner"][0]
    assert "RWF" in refused.value.message_dict["currency"][0]


def test_one_payment_per_student_term_and_co_funder(paid):
    twin = Disbursement(
        enrollment=paid.enrollment,
        term=paid.term,
        partner=paid.partner,
        amount=Decimal("5.00"),
        currency="RWF",
        due_on=TODAY,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_history_records_who_and_why(paid):
    reasons = list(paid.history.order_by("history_date").values_list("history_change_reason"))
    assert reasons == [("Scheduled",), ("Approved",), ("Paid",)]

"""Money: scheduling each co-funder's payment per student and term, approving and paying it,
and cancelling what is still due when a student leaves (programs/models/money.py).

Scheduling locks the intake first (services/base.py), so two staff members scheduling the same
intake at once queue up and the second adds nothing; the unique constraints (one payment per
student, term and payer) stand behind the lock. Approving and paying lock the disbursement row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Disbursement, Enrollment, FundingShare, Intake, Partner, Term
from . import base
from .base import Status

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CENT = Decimal("0.01")
Money = Disbursement.Status


def split_cents(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` (in cents) by `weights` so that the parts add up to exactly `total`:
    each part rounded down to the cent, the cents left over given one each to the largest
    remainders (the earlier part first on a tie)."""
    total = total.quantize(CENT)
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("weights must add up to more than zero")
    exact = [total * weight / whole for weight in weights]
    parts = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int((total - sum(parts)) / CENT)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += CENT
    return parts


def term_costs(cost_per_year: Decimal, terms: list[Term]) -> dict[int, Decimal]:
    """Each term's cost: the year's cost split evenly between the terms with that year (the
    terms of one year add up to exactly the cost per year)."""
    by_year: dict[int, list[Term]] = defaultdict(list)
    for term in terms:
        by_year[term.year].append(term)
    costs: dict[int, Decimal] = {}
    for year_terms in by_year.values():
        parts = split_cents(cost_per_year, [Decimal(1)] * len(year_terms))
        costs.update({term.pk: part for term, part in zip(year_terms, parts, strict=True)})
    return costs


def payers(shares: list[FundingShare]) -> list[tuple[int | None, Decimal]]:
    """(partner id, weight) of who pays: each co-funder by share where every share is given;
    otherwise (no co-funder, or the split not known) the source itself, as partner None."""
    if shares and all(share.share_percent is not None for share in shares):
        return [(share.partner_id, share.share_percent) for share in shares]  # type: ignore[misc]
    return [(None, Decimal(1))]


def disbursements_plan(*, intake: Intake) -> list[Disbursement]:
    """What disbursements_schedule would add now, unsaved: for every funded, enrolled student
    and every term of the intake, one payment per payer that does not exist yet. Also the
    admin's confirmation page (its count and total); the service plans again under the lock."""
    terms = list(Term.objects.filter(intake_id=intake.pk).order_by("number"))
    enrollments = list(
        Enrollment.objects.filter(
            intake_id=intake.pk,
            status=Status.ENROLLED,
            funding_source__cost_per_place__isnull=False,
        )
        .select_related("funding_source", "student")
        .order_by("pk")
    )
    source_ids = {e.funding_source_id for e in enrollments}
    shares: dict[int, list[FundingShare]] = defaultdict(list)
    for share in (
        FundingShare.objects.filter(funding_source_id__in=source_ids)
        .select_related("partner")
        .order_by("partner__name", "pk")
    ):
        shares[share.funding_source_id].append(share)
    partners = {share.partner_id: share.partner for rows in shares.values() for share in rows}
    existing = set(
        Disbursement.objects.filter(
            enrollment__intake_id=intake.pk, amount__gt=0, term__isnull=False
        ).values_list("enrollment_id", "term_id", "partner_id")
    )
    new: list[Disbursement] = []
    for enrollment in enrollments:
        source = enrollment.funding_source
        assert source is not None and source.cost_per_place is not None
        costs = term_costs(source.cost_per_place, terms)
        who = payers(shares[source.pk])
        for term in terms:
            amounts = split_cents(costs[term.pk], [weight for _, weight in who])
            for (partner_id, _weight), amount in zip(who, amounts, strict=True):
                if (enrollment.pk, term.pk, partner_id) in existing or amount <= 0:
                    continue
                # Built from the source's own shares and the intake's own terms, so the
                # cross-row rules of Disbursement.clean() hold; the database checks the rest.
                new.append(
                    Disbursement(
                        enrollment=enrollment,
                        term=term,
                        partner=partners.get(partner_id) if partner_id else None,
                        amount=amount,
                        currency=source.currency,
                        due_on=term.start_date,
                    )
                )
    return new


def disbursements_schedule(*, intake: Intake, by: User | None = None) -> int:
    """For every funded, enrolled student and every term of the intake, one scheduled payment
    per payer: cost per place (per year) ÷ the year's terms × share, to the cent, due on the
    term's start. Adds only what is missing; returns how many were made."""
    with transaction.atomic():
        base.lock_intakes(intake.pk)
        new = disbursements_plan(intake=intake)
        user = by if by is not None and by.is_authenticated else None
        bulk_create_with_history(
            new, Disbursement, default_user=user, default_change_reason="Scheduled"
        )
        return len(new)


def _locked(disbursement: Disbursement) -> Disbursement:
    return Disbursement.objects.select_for_update().get(pk=disbursement.pk)


def _refuse(row: Disbursement, expected: str) -> None:
    if row.status != expected:
        raise ValidationError(
            _("This disbursement is %(status)s, not %(expected)s: nothing was changed.")
            % {
                "status": row.get_status_display().lower(),
                "expected": Money(expected).label.lower(),
            }
        )


def disbursement_approve(*, disbursement: Disbursement, by: User | None) -> Disbursement:
    """A scheduled payment is approved for payment."""
    with transaction.atomic():
        row = _locked(disbursement)
        _refuse(row, Money.SCHEDULED)
        row.status = Money.APPROVED
        base.record_history(row, by=by, reason="Approved")
        row.save(update_fields=["status", "updated_at"])
    return row


def disbursement_mark_paid(
    *, disbursement: Disbursement, on: datetime.date | None, reference: str, by: User | None
) -> Disbursement:
    """An approved payment was paid on `on`, with the bank's reference. Once only: a second
    attempt (a double click, two staff members) finds it paid and is refused."""
    if on is None:
        raise ValidationError({"paid_on": _("Enter the day it was paid.")})
    with transaction.atomic():
        row = _locked(disbursement)
        if row.status == Money.PAID:
            raise ValidationError(_("This disbursement is already paid."))
        _refuse(row, Money.APPROVED)
        row.status, row.paid_on, row.reference = Money.PAID, on, reference.strip()[:100]
        base.record_history(row, by=by, reason="Paid")
        row.full_clean()
        row.save(update_fields=["status", "paid_on", "reference", "updated_at"])
    return row


def disbursement_cancel(
    *, disbursement: Disbursement, reason: str, by: User | None
) -> Disbursement:
    """A payment not yet made is cancelled, with a reason. A paid one is refused: the ledger
    only grows, so a correction is an adjustment (disbursement_adjust)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment is cancelled.")})
    with transaction.atomic():
        row = _locked(disbursement)
        if row.status == Money.PAID:
            raise ValidationError(
                _(
                    "This disbursement is paid and cannot be cancelled: record a correction "
                    "as an adjustment (a negative amount with a reason)."
                )
            )
        if row.status == Money.CANCELLED:
            raise ValidationError(_("This disbursement is already cancelled."))
        row.status = Money.CANCELLED
        base.record_history(row, by=by, reason=f"Cancelled: {reason.strip()}"[:100])
        row.save(update_fields=["status", "updated_at"])
    return row


def disbursement_adjust(
    *,
    enrollment: Enrollment,
    partner: Partner | None,
    term: Term | None,
    amount: Decimal,
    due_on: datetime.date,
    reason: str,
    by: User | None,
) -> Disbursement:
    """A correction after payment: its own scheduled entry with a negative amount and a reason
    (the ledger only grows), in the funding source's currency."""
    errors: dict[str, str] = {}
    if amount is None or amount >= 0:
        errors["amount"] = _("An adjustment is a negative amount, such as -1500.00.")
    if not reason.strip():
        errors["reason"] = _("An adjustment (a negative amount) needs a reason.")
    if errors:
        raise ValidationError(errors)
    source = enrollment.funding_source
    with transaction.atomic():
        base.lock_intakes(enrollment.intake_id)
        row = Disbursement(
            enrollment=enrollment,
            partner=partner,
            term=term,
            amount=amount,
            currency=source.currency if source is not None else "",
            due_on=due_on,
            reason=reason.strip(),
        )
        row.full_clean()
        base.record_history(row, by=by, reason="Adjustment")
        row.save()
    return row


def disbursements_cancel_after(
    *, enrollment: Enrollment, on: datetime.date, by: User | None
) -> int:
    """Every scheduled or approved payment of the enrollment due after `on` is cancelled (the
    caller holds the transaction); paid ones stay."""
    rows = list(
        Disbursement.objects.select_for_update()
        .filter(enrollment_id=enrollment.pk, status__in=[Money.SCHEDULED, Money.APPROVED])
        .filter(due_on__gt=on)
        .order_by("pk")
    )
    for row in rows:
        row.status = Money.CANCELLED
    user = by if by is not None and by.is_authenticated else None
    bulk_update_with_history(
        rows,
        Disbursement,
        ["status"],
        default_user=user,
        default_change_reason="Cancelled: the student left",
    )
    return len(rows)

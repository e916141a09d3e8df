"""Money: one disbursement is one payment by one co-funder for one student and term.

The ledger only grows: before payment a disbursement is cancelled, after payment it never
changes (rule 7) and a correction is its own adjustment entry (a negative amount with a
reason). A paid row is guarded on every path:
- the database: a trigger refuses UPDATE of a paid row (both databases) and DELETE of one
  (PostgreSQL; on SQLite the test runner's flush deletes rows, so DELETE is guarded below);
- the model: save() and delete() refuse a paid row;
- the queryset: update() and delete() refuse when any selected row is paid;
- the admin deletes nothing (NeverDeletedMixin) and shows a paid row read-only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .base import _choices_constraint
from .enrollments import Enrollment
from .funding import FundingShare
from .programs import Partner
from .terms import Term


def paid_message() -> str:
    return _(
        "A paid disbursement never changes: record a correction as an adjustment "
        "(a negative amount with a reason)."
    )


class DisbursementStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    APPROVED = "approved", gettext_lazy("Approved")
    PAID = "paid", gettext_lazy("Paid")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class DisbursementQuerySet(models.QuerySet):
    def _refuse_paid(self) -> None:
        if self.filter(status=DisbursementStatus.PAID).exists():
            raise ValidationError(paid_message())

    def update(self, **kwargs: Any) -> int:
        self._refuse_paid()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_paid()
        return super().delete()

    def not_cancelled(self) -> DisbursementQuerySet:
        return self.exclude(status=DisbursementStatus.CANCELLED)


class Disbursement(models.Model):
    Status = DisbursementStatus

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="disbursements"
    )
    term = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
        help_text="The term this payment is for; empty for an adjustment of no single term.",
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
        help_text="The co-funder who pays. Empty when no split between co-funders is known: "
        "the funding source itself is the single payer.",
    )
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="More than zero; negative only for an adjustment, which needs a reason.",
    )
    currency = models.CharField(
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO code such as RWF.")],
        help_text="ISO 4217 code, the funding source's currency.",
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=DisbursementStatus.choices, default=DisbursementStatus.SCHEDULED
    )
    paid_on = models.DateField(null=True, blank=True, help_text="Required once paid.")
    reference = models.CharField(
        max_length=100, blank=True, help_text="The bank or ledger reference of the payment."
    )
    reason = models.TextField(blank=True, help_text="Why an adjustment was made (required).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DisbursementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_on", "enrollment_id", "partner_id", "pk"]
        constraints = [
            _choices_constraint("status", DisbursementStatus, "status_valid"),
            models.CheckConstraint(
                condition=(Q(status=DisbursementStatus.PAID) & Q(paid_on__isnull=False))
                | (~Q(status=DisbursementStatus.PAID) & Q(paid_on__isnull=True)),
                name="%(app_label)s_%(class)s_paid_has_paid_on",
                violation_error_message="A paid disbursement has the day it was paid, and "
                "only a paid one has it.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | (Q(amount__lt=0) & ~Q(reason="")),
                name="%(app_label)s_%(class)s_amount_positive_or_adjustment",
                violation_error_message="The amount is more than zero; a negative amount is "
                "an adjustment and needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z][A-Z][A-Z]$"),
                name="%(app_label)s_%(class)s_currency_code",
            ),
            # One scheduled payment per student, term and payer (adjustments are extra rows).
            models.UniqueConstraint(
                fields=["enrollment", "term", "partner"],
                condition=Q(amount__gt=0, term__isnull=False, partner__isnull=False),
                name="%(app_label)s_%(class)s_once_per_term_partner",
                violation_error_message="This co-funder already has a payment for this "
                "student and term.",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "term"],
                condition=Q(amount__gt=0, term__isnull=False, partner__isnull=True),
                name="%(app_label)s_%(class)s_once_per_term_source",
                violation_error_message="The funding source already has a payment for this "
                "student and term.",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status"], name="disbursement_partner_st")]

    def __str__(self) -> str:
        payer = self.partner or (self.enrollment.funding_source if self.enrollment_id else "")
        return f"{payer}: {self.amount} {self.currency} due {self.due_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_status() == DisbursementStatus.PAID:
            raise ValidationError(paid_message())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_status() == DisbursementStatus.PAID:
            raise ValidationError(paid_message())
        return super().delete(*args, **kwargs)

    @property
    def is_adjustment(self) -> bool:
        return self.amount is not None and self.amount < 0

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()

    def clean(self) -> None:
        """Cross-row rules: the payer funds this student, the term is of the student's intake,
        the currency is the source's."""
        if self.enrollment_id is None:
            return
        errors: dict[str, list[str]] = {}
        source = self.enrollment.funding_source
        if source is None:
            errors.setdefault("enrollment", []).append(
                _("This student holds no funded place: nobody pays for it here.")
            )
        else:
            shares = FundingShare.objects.filter(funding_source=source)
            if (
                self.partner_id is not None
                and not shares.filter(partner_id=self.partner_id).exists()
            ):
                errors.setdefault("partner", []).append(
                    _("%(partner)s is not a co-funder of %(source)s, which funds this student.")
                    % {"partner": self.partner, "source": source.name}
                )
            if self.partner_id is None and shares.filter(share_percent__isnull=False).exists():
                errors.setdefault("partner", []).append(
                    _("%(source)s is split between co-funders: choose the one who pays.")
                    % {"source": source.name}
                )
            if self.currency and source.currency and self.currency != source.currency:
                errors.setdefault("currency", []).append(
                    _("%(source)s pays in %(currency)s.")
                    % {"source": source.name, "currency": source.currency}
                )
        if self.term is not None and self.term.intake_id != self.enrollment.intake_id:
            errors.setdefault("term", []).append(
                _("This term belongs to another intake than the student's enrollment.")
            )
        if self.status == DisbursementStatus.PAID and self.paid_on is None:
            errors.setdefault("paid_on", []).append(_("Enter the day it was paid."))
        if self.amount is not None and self.amount < 0 and not self.reason.strip():
            errors.setdefault("reason", []).append(
                _("An adjustment (a negative amount) needs a reason.")
            )
        if self.amount is not None and self.amount == Decimal("0"):
            errors.setdefault("amount", []).append(_("The amount is more than zero."))
        if errors:
            raise ValidationError(errors)

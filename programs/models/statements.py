"""Who receives each co-funder's monthly statement, and which statements were sent.

A contact is a person at a co-funder (HEC's finance office, Alibaba's programme officer), not
a student: their name and email are personal data of that person, kept for sending the
statement only (docs/architecture.md, "Monthly statements").
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .programs import Partner


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, help_text=_("The person's full name."))
    email = models.EmailField(
        _("email"), help_text=_("Where this person receives the co-funder's statements.")
    )
    receives_statements = models.BooleanField(
        _("receives statements"),
        default=True,
        help_text=_("Untick to stop sending the monthly statement to this person."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["partner__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "partner",
                models.functions.Lower("email"),
                name="%(app_label)s_%(class)s_email_once_per_partner",
                violation_error_message=_("This partner already has a contact with this email."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The constraint holds it too, but an inline form skips constraints on its partner.
        if (
            self.partner_id is not None
            and self.email
            and PartnerContact.objects.filter(partner_id=self.partner_id, email__iexact=self.email)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"email": duplicate_email_message()})


def duplicate_email_message() -> str:
    return str(_("This partner already has a contact with this email."))


class StatementDelivery(models.Model):
    """One per co-funder and month: written in the transaction that queues the statement's
    email, so a second run of send_statements for the same month sends nothing more."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="statement_deliveries"
    )
    month = models.DateField(help_text=_("The first day of the month the statement covers."))
    recipients = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many contacts the statement was sent to.")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who sent it by hand; empty when the mail worker sent it on the 1st."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement sent")
        verbose_name_plural = _("statements sent")
        ordering = ["-month", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month"],
                name="%(app_label)s_%(class)s_once_per_partner_month",
                violation_error_message=_("This co-funder's statement for this month was sent."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="%(app_label)s_%(class)s_month_first_day",
                violation_error_message=_("The month is given by its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.month:%B %Y}"

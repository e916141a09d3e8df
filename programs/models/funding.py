"""Funding sources, their co-funders' shares and their places per intake."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TranslatedModel, _choices_constraint
from .intakes import Intake
from .programs import Partner


class FundingSourceKind(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship")
    SPONSOR = "sponsor", _("Sponsor")
    GOVERNMENT = "government", _("Government")
    SELF = "self", _("Self-funded")
    OTHER = "other", _("Other")


class FundingSource(TranslatedModel):  # type: ignore[django-manager-missing]
    Kind = FundingSourceKind

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SCHOLARSHIP)
    description = models.TextField(blank=True)
    cost_per_place = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What one funded place costs per year of study, if known. Scheduled "
        "payments split it between the terms of each year and the co-funders by share.",
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO code such as RWF.")],
        help_text="ISO 4217 code of the cost, e.g. RWF or USD.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            _choices_constraint("kind", FundingSourceKind, "kind_valid"),
            models.CheckConstraint(
                condition=Q(cost_per_place__isnull=True) | Q(cost_per_place__gte=0),
                name="%(app_label)s_%(class)s_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cost_per_place__isnull=True) | ~Q(currency=""),
                name="%(app_label)s_%(class)s_cost_has_currency",
                violation_error_message="Give the currency of the cost per place.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundingShare(models.Model):
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.CASCADE, related_name="shares"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="funding_shares")
    share_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="This co-funder's share of the cost, in percent. Leave empty if not known; "
        "where shares are given, they must add up to 100%.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_source__name", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_source", "partner"],
                name="%(app_label)s_%(class)s_unique_partner",
                violation_error_message="This partner is already a co-funder of this source.",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True)
                | (Q(share_percent__gt=0) & Q(share_percent__lte=100)),
                name="%(app_label)s_%(class)s_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        if self.share_percent is None:
            return f"{self.partner} (share not given)"
        return f"{self.partner} ({self.share_percent.normalize():f}%)"


class IntakeFunding(models.Model):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="fundings")
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="intake_fundings"
    )
    places = models.PositiveIntegerField(
        help_text="How many of the intake's seats this source pays for."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["intake", "funding_source__name"]
        verbose_name = "intake funding"
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "funding_source"],
                name="%(app_label)s_%(class)s_unique_source",
                violation_error_message="This funding source already has places in this intake.",
            ),
            models.CheckConstraint(
                condition=Q(places__gte=0), name="%(app_label)s_%(class)s_places_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funding_source}: {self.places} places"

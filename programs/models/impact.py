"""After a short programme: where participants work, what they did next, what they said, and
the certificate that proves they completed it (issue 18)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .base import _choices_constraint
from .enrollments import Enrollment
from .students import Student

# token_urlsafe(32): 256 random bits in 43 characters. The database refuses fewer than 22
# characters (128 bits of base64), so a hand-typed short code can never be stored.
CERTIFICATE_CODE_BYTES = 32
CERTIFICATE_CODE_MIN_LENGTH = 22


class OrganisationKind(models.TextChoices):
    STARTUP = "startup", _("Startup")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government")
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """Where a participant works, or what they founded (not a partner of the school)."""

    Kind = OrganisationKind

    name = models.CharField(max_length=200, help_text="The organisation's usual name.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(blank=True)
    sector = models.CharField(
        max_length=100, blank=True, help_text="e.g. e-commerce, agriculture, public finance."
    )
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            _choices_constraint("kind", OrganisationKind, "kind_valid"),
            # Matching a pasted name finds one organisation per country, whatever the case.
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="%(app_label)s_%(class)s_unique_name_country",
                violation_error_message="An organisation with this name already exists in "
                "this country.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OutcomeKind(models.TextChoices):
    VENTURE_FOUNDED = "venture_founded", _("Venture founded")
    VENTURE_GREW = "venture_grew", _("Venture grew")
    JOB = "job", _("New job")
    PROMOTION = "promotion", _("Promotion")
    FURTHER_STUDY = "further_study", _("Further study")
    OTHER = "other", _("Other")


class OutcomeSource(models.TextChoices):
    SURVEY = "survey", _("Follow-up survey")
    STAFF = "staff", _("Recorded by staff")
    PUBLIC_RECORD = "public_record", _("Public record")


class Outcome(models.Model):
    """What a participant did afterwards. Counted in the impact figures, so never deleted."""

    Kind = OutcomeKind
    Source = OutcomeSource

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text="The venture founded, or the employer.",
    )
    description = models.TextField(
        blank=True,
        help_text="What happened, in a sentence. Personal: removed when the person's data is "
        "erased; the kind and the figures stay in the totals.",
    )
    jobs_created = models.PositiveIntegerField(
        null=True, blank=True, help_text="Jobs the venture created, if known."
    )
    funding_raised = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Money the venture raised, if known, in the currency beside it.",
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO code such as RWF.")],
        help_text="ISO 4217 code of the funding raised, e.g. RWF or USD.",
    )
    recorded_on = models.DateField(default=timezone.localdate)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            _choices_constraint("kind", OutcomeKind, "kind_valid"),
            _choices_constraint("source", OutcomeSource, "source_valid"),
            models.CheckConstraint(
                condition=Q(funding_raised__isnull=True) | Q(funding_raised__gte=0),
                name="%(app_label)s_%(class)s_funding_not_negative",
                violation_error_message="The funding raised cannot be below zero.",
            ),
            models.CheckConstraint(
                condition=(Q(funding_raised__isnull=True) & Q(currency=""))
                | (Q(funding_raised__isnull=False) & Q(currency__regex=r"^[A-Z][A-Z][A-Z]$")),
                name="%(app_label)s_%(class)s_funding_has_currency",
                violation_error_message="Give the currency of the funding raised (and only "
                "with an amount).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recorded_on:%Y-%m-%d})"


class Testimonial(models.Model):
    """What a participant said, shown on the impact page only once she agreed to it."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="testimonials")
    quote = models.TextField()
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    shown_name = models.CharField(
        max_length=200,
        help_text="How the person agreed to be named, e.g. “N. U., founder of a software "
        "company”. Never more than she agreed to.",
    )
    consent_given_on = models.DateField(
        null=True, blank=True, help_text="The day she agreed, in writing, to publication."
    )
    is_published = models.BooleanField(
        default=False, help_text="Shown on the public impact page. Needs her consent."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-consent_given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(consent_given_on__isnull=False),
                name="%(app_label)s_%(class)s_published_with_consent",
                violation_error_message="A testimonial is published only with the person's "
                "consent: give the day she agreed.",
            ),
        ]

    def __str__(self) -> str:
        return self.shown_name


def new_certificate_code() -> str:
    return secrets.token_urlsafe(CERTIFICATE_CODE_BYTES)


class CertificateQuerySet(models.QuerySet):
    def valid(self) -> CertificateQuerySet:
        return self.filter(revoked_on__isnull=True)


class Certificate(models.Model):
    """Proof that an enrollment was completed, verified by its code on a public page.

    Revoked (never deleted) when it was issued in error or the holder's data is erased."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(
        max_length=64,
        unique=True,
        default=new_certificate_code,
        editable=False,
        help_text="Random and unguessable: the address of the public verification page.",
    )
    issued_on = models.DateField(default=timezone.localdate)
    revoked_on = models.DateField(
        null=True, blank=True, help_text="Set to withdraw the certificate; it then reads revoked."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("code"), CERTIFICATE_CODE_MIN_LENGTH))
                & Q(code__regex=r"^[A-Za-z0-9_-]+$"),
                name="%(app_label)s_%(class)s_code_unguessable",
                violation_error_message="A certificate code is at least 22 URL-safe characters.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("issued_on")),
                name="%(app_label)s_%(class)s_revoked_after_issued",
                violation_error_message="A certificate is revoked on or after the day it was "
                "issued.",
            ),
        ]

    def __str__(self) -> str:
        return f"Certificate {self.code[:8]}…"

    def clean(self) -> None:
        # The constraint above, said on the field: the admin shows issued_on read-only, and a
        # form leaves out of its constraint checks every field it does not edit.
        if self.revoked_on is not None and self.issued_on and self.revoked_on < self.issued_on:
            raise ValidationError(
                {
                    "revoked_on": _(
                        "A certificate is revoked on or after the day it was issued (%(day)s)."
                    )
                    % {"day": self.issued_on.isoformat()}
                }
            )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

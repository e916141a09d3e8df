"""Partners and the programmes they deliver or run."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import TranslatedModel, _choices_constraint


class PartnerKind(models.TextChoices):
    SCHOOL = "school", _("School")
    GOVERNMENT = "government", _("Government")
    COMPANY = "company", _("Company")
    UN_AGENCY = "un_agency", _("UN agency")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


# django-modeltranslation swaps these models' managers for classes made at run time, which
# mypy's Django plugin cannot resolve (programs/translation.py): hence the ignores below.
class Partner(models.Model):  # type: ignore[django-manager-missing]
    Kind = PartnerKind

    name = models.CharField(max_length=200, unique=True, help_text="Full official name.")
    short_name = models.CharField(
        max_length=50, blank=True, help_text="Abbreviation used in lists, e.g. HEC or RDB."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_choices_constraint("kind", PartnerKind, "kind_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class ProgramQuerySet(models.QuerySet):
    def for_public_display(self) -> "ProgramQuerySet":
        return self.filter(is_published=True)


class ProgramKind(models.TextChoices):
    DEGREE = "degree", _("Degree")
    FELLOWSHIP = "fellowship", _("Fellowship")
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")


class Program(TranslatedModel):  # type: ignore[django-manager-missing]
    Kind = ProgramKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Used in the public address of the programme."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences shown in the programme list."
    )
    description = models.TextField(blank=True, help_text="Shown on the public programme page.")
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Length of the programme in months, if fixed."
    )
    delivered_by = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="delivered_programs",
        help_text="The school or organisation that teaches the programme.",
    )
    partners = models.ManyToManyField(
        Partner,
        blank=True,
        related_name="partner_programs",
        help_text="Organisations the programme is run with (not the funders).",
    )
    participants_called = models.CharField(
        max_length=100,
        blank=True,
        help_text="What its participants are called, as a plural noun: “entrepreneurs”, "
        "“government delegates”, “educators”, “students”. The impact page adds up the people "
        "of every programme with the same noun. Empty reads “participants”.",
    )
    is_published = models.BooleanField(
        default=True, help_text="Untick to hide the programme and its intakes from public pages."
    )
    position = models.PositiveSmallIntegerField(
        default=100,
        help_text="Programmes are listed by this number, lowest first (the flagship at 1), "
        "then by name.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()  # type: ignore[django-manager-missing]

    class Meta:
        verbose_name = "programme"
        ordering = ["position", "name"]
        constraints = [_choices_constraint("kind", ProgramKind, "kind_valid")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program-detail", kwargs={"slug": self.slug})

    @property
    def length_years(self) -> int | None:
        """The programme's length in years, rounded up from duration_months (None if unknown)."""
        if not self.duration_months:
            return None
        return -(-self.duration_months // 12)

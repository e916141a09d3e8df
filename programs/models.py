"""The domain model: programmes, intakes, funding and enrollments.

The five rules of ../shared/domain.md are enforced here where the database can hold them
(choices, uniqueness, ranges) and in programs/services.py where they need counting and a lock.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


def _choices_constraint(field: str, choices: type[models.TextChoices], name: str):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{name}",
    )


class PartnerKind(models.TextChoices):
    SCHOOL = "school", _("School")
    GOVERNMENT = "government", _("Government")
    COMPANY = "company", _("Company")
    UN_AGENCY = "un_agency", _("UN agency")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


class Partner(models.Model):
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


class Program(models.Model):
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
    is_published = models.BooleanField(
        default=True, help_text="Untick to hide the programme and its intakes from public pages."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [_choices_constraint("kind", ProgramKind, "kind_valid")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program-detail", kwargs={"slug": self.slug})


# Statuses that use up a seat of the intake (and, with a funding source, a funded place).
SEAT_HOLDING = ("offered", "enrolled", "completed")


def _enrollment_count(**filters) -> Coalesce:
    counted = (
        Enrollment.objects.filter(intake=OuterRef("pk"), **filters)
        .order_by()
        .values("intake")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class IntakeQuerySet(models.QuerySet):
    def with_counts(self) -> "IntakeQuerySet":
        """Annotate seats taken and the waitlist's length; one query whatever the rows.

        Correlated subqueries rather than a JOIN with GROUP BY: the database counts only the
        intakes shown (through the (intake, status, funding source) index), and the admin's
        COUNT(*) does not aggregate every enrollment (docs/performance.md).
        """
        return self.annotate(
            seats_taken=_enrollment_count(status__in=SEAT_HOLDING),
            waitlist_length=_enrollment_count(status="waitlisted"),
        )


class ApplicationStatus(models.TextChoices):
    """Where an intake stands for an applicant. Not stored: derived from dates and counts."""

    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    FULL = "full", _("Full")


class Intake(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="intakes")
    name = models.CharField(max_length=100, help_text="For example: September 2027.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    applications_open_on = models.DateField(
        null=True, blank=True, help_text="First day applications are accepted online."
    )
    applications_close_on = models.DateField(
        null=True, blank=True, help_text="Last day applications are accepted online."
    )
    capacity = models.PositiveIntegerField(
        help_text="Seats in the cohort. Offers, enrollments and completions each take one."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntakeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "program__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(applications_open_on__isnull=True)
                | Q(applications_close_on__isnull=True)
                | Q(applications_close_on__gte=F("applications_open_on")),
                name="%(app_label)s_%(class)s_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="%(app_label)s_%(class)s_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} – {self.name}"

    def applications_are_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.applications_open_on is None or self.applications_open_on > today:
            return False
        return self.applications_close_on is None or today <= self.applications_close_on

    def application_status(
        self, today: datetime.date | None = None, *, seats_taken: int | None = None
    ) -> str:
        """Where the intake stands for an applicant (an ApplicationStatus value).

        Open and full both accept applications; a full one puts them on the waitlist.
        `seats_taken` defaults to the with_counts() annotation, else one COUNT.
        """
        today = today or timezone.localdate()
        if self.applications_open_on is None or self.applications_open_on > today:
            return ApplicationStatus.UPCOMING
        if not self.applications_are_open(today):
            return ApplicationStatus.CLOSED
        if seats_taken is None:
            seats_taken = getattr(self, "seats_taken", None)
        if seats_taken is None:
            seats_taken = self.enrollments.seat_holding().count()
        if seats_taken >= self.capacity:
            return ApplicationStatus.FULL
        return ApplicationStatus.OPEN


class FundingSourceKind(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship")
    SPONSOR = "sponsor", _("Sponsor")
    GOVERNMENT = "government", _("Government")
    SELF = "self", _("Self-funded")
    OTHER = "other", _("Other")


class FundingSource(models.Model):
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
        help_text="What one funded place costs, if known. Used for the funder report.",
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


class Student(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(help_text="Unique, whatever the capital letters.")
    phone = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+[1-9]\d{6,14}$",
                _("Enter the phone number in international format, e.g. +250788123456."),
            )
        ],
        help_text="International format, e.g. +250788123456.",
    )
    national_id = models.CharField(max_length=50, blank=True, verbose_name="national ID")
    date_of_birth = models.DateField(null=True, blank=True)
    country = CountryField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
        help_text="The sign-in account of the student, if they have one.",
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the student's personal data was erased on request.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="student_name_order"),
            # A student's own pages look their record up by account. Most students have none:
            # SQLite's statistics then count every row of the unique index under one (NULL)
            # value and it scans the table instead (24 ms at 100,000 students); this index
            # holds the accounts only (docs/performance.md).
            models.Index(
                fields=["user"], name="student_account", condition=models.Q(user__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="%(app_label)s_%(class)s_unique_email",
                violation_error_message="A student with this email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EnrollmentQuerySet(models.QuerySet):
    def seat_holding(self) -> "EnrollmentQuerySet":
        return self.filter(status__in=Enrollment.SEAT_HOLDING)

    def waitlist_order(self) -> "EnrollmentQuerySet":
        return self.filter(status=Enrollment.Status.WAITLISTED).order_by(
            F("waitlist_position").asc(nulls_last=True), "created_at", "pk"
        )


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WAITLISTED = "waitlisted", _("Waitlisted")
    OFFERED = "offered", _("Offered")
    ENROLLED = "enrolled", _("Enrolled")
    DEFERRED = "deferred", _("Deferred")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")


class Enrollment(models.Model):
    Status = EnrollmentStatus

    SEAT_HOLDING = SEAT_HOLDING

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrollments")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.APPLIED,
        help_text="Offered, enrolled and completed take a seat.",
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        help_text="The funded place this student holds (or, while applying or waitlisted, asks "
        "for). Empty means not funded by a source recorded here.",
    )
    waitlist_position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Order on the waitlist; lower comes first."
    )
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    notes = models.TextField(blank=True, help_text="Internal notes, never shown to the student.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("export_enrollment", "Can export enrollments")]
        constraints = [
            _choices_constraint("status", EnrollmentStatus, "status_valid"),
            models.UniqueConstraint(
                fields=["student", "intake"],
                name="%(app_label)s_%(class)s_once_per_intake",
                violation_error_message="This student is already enrolled in this intake.",
            ),
        ]
        indexes = [
            # Seat counts per intake, and funded places per (intake, source), from the index
            # alone; the changelist's newest-first order without sorting every row.
            models.Index(
                fields=["intake", "status", "funding_source"],
                name="enrollment_intake_seat_src",
            ),
            models.Index(fields=["-created_at", "-id"], name="enrollment_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.intake}"

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_HOLDING

    @property
    def holds_funded_place(self) -> bool:
        return self.holds_seat and self.funding_source_id is not None


class ExportLog(models.Model):
    """Who exported what, when: every export of personal data is attributable."""

    class Kind(models.TextChoices):
        ENROLLMENTS = "enrollments", "Enrollments CSV"
        FUNDER_REPORT = "funder_report", "Funder report CSV"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="export_logs",
    )
    username = models.CharField(
        max_length=150, help_text="Kept even if the account is later deleted."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ENROLLMENTS)
    filters = models.JSONField(default=dict, blank=True, help_text="The filters of the export.")
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["enrollments", "funder_report"]),
                name="%(app_label)s_%(class)s_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.username} on {self.created_at:%Y-%m-%d %H:%M}"


# Defined beside the code that writes it; imported here so that Django and migrations see it.
from .ratelimit import RateCounter  # noqa: E402, F401

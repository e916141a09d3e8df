"""Students: the people who apply, with their personal data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ..phones import validate_e164


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class Student(models.Model):
    Gender = Gender

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # NULL, not "", when staff enter a participant without one (a workshop's delegate): the
    # unique index on LOWER(email) never compares NULLs, on SQLite or PostgreSQL. Applying
    # online and the import still require it (forms.py, imports/resource.py).
    email = models.EmailField(
        null=True,
        blank=True,
        help_text="Unique, whatever the capital letters. Required to apply online; may be left "
        "empty for a participant staff enter (a workshop's delegate).",
    )
    phone = models.CharField(
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=(
            "As dialled in the student's country (0788 123 456 in Rwanda) or with the country "
            "code (+33 6 12 34 56 78). Stored in international form (+250788123456)."
        ),
    )
    national_id = models.CharField(max_length=50, blank=True, verbose_name="national ID")
    date_of_birth = models.DateField(null=True, blank=True)
    country = CountryField(blank=True)
    gender = models.CharField(
        max_length=20,
        choices=Gender.choices,
        blank=True,
        help_text="Only as the person gave it; counted in staff reports, erased on request.",
    )
    organisation = models.ForeignKey(
        "programs.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Where the participant works, or what they founded.",
    )
    job_title = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="The language of the emails to this student: the site's language when they "
        "applied online. Left empty (records from an import), decisions are emailed in every "
        "language of the site.",
    )
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
            models.CheckConstraint(
                condition=Q(gender="") | Q(gender__in=Gender.values),
                name="%(app_label)s_%(class)s_gender_valid",
            ),
            # An empty address is NULL (save() below), so two participants without one never
            # collide in the unique index above.
            models.CheckConstraint(
                condition=~Q(email=""), name="%(app_label)s_%(class)s_email_null_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs) -> None:
        self.email = (self.email or "").strip() or None
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

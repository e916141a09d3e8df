"""Intakes: one cohort of a programme, its seats and its application window."""

import datetime
from typing import ClassVar

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryManager

from .base import TranslatedModel
from .programs import Program

# Statuses that use up a seat of the intake (and, with a funding source, a funded place).
SEAT_HOLDING = ("offered", "enrolled", "completed")


def _enrollment_count(**filters) -> Coalesce:
    from .enrollments import Enrollment  # defined after Intake, which it points to

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


class Intake(TranslatedModel):
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="intakes", verbose_name="programme"
    )
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
    offer_response_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Days an applicant has to answer an offer; an offer made today expires that "
        "many days later.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntakeQuerySet.as_manager()  # type: ignore[django-manager-missing]
    # Registered in programs/translation.py (django-simple-history's register()), once the name
    # has its column per language, so that the history keeps every language's name.
    history: ClassVar[HistoryManager]

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
                condition=Q(offer_response_days__gte=1),
                name="%(app_label)s_%(class)s_offer_response_days_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="%(app_label)s_%(class)s_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} – {self.name}"

    def has_started(self, today: datetime.date | None = None) -> bool:
        """Once started, a freed seat is not offered to the waitlist (nobody joins in year 2)."""
        return self.start_date <= (today or timezone.localdate())

    def offer_deadline(self, today: datetime.date | None = None) -> datetime.date:
        return (today or timezone.localdate()) + datetime.timedelta(days=self.offer_response_days)

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

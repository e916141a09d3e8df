"""Enrollments: a student in an intake, with a status and a funded place."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import _choices_constraint
from .funding import FundingSource
from .intakes import SEAT_HOLDING, Intake
from .students import Student


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


class ExitReason(models.TextChoices):
    DECLINED_OFFER = "declined_offer", _("Declined the offer")
    OFFER_EXPIRED = "offer_expired", _("Offer expired")
    ACADEMIC = "academic", _("Academic")
    FINANCIAL = "financial", _("Financial")
    HEALTH = "health", _("Health")
    PERSONAL = "personal", _("Personal")
    EMPLOYMENT = "employment", _("Employment")
    TRANSFER = "transfer", _("Transfer")
    OTHER = "other", _("Other")


class Enrollment(models.Model):
    Status = EnrollmentStatus
    ExitReason = ExitReason

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
    exit_reason = models.CharField(
        max_length=20,
        choices=ExitReason.choices,
        blank=True,
        help_text="Why the student left; required when an enrolled student is withdrawn.",
    )
    exit_date = models.DateField(
        null=True, blank=True, help_text="The day the student left; required with the reason."
    )
    completed_on = models.DateField(
        null=True, blank=True, help_text="The day the student completed (graduated)."
    )
    offer_expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last day to answer an offer; set when the offer is made, from the intake's "
        "response time.",
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
            models.CheckConstraint(
                condition=Q(exit_reason="") | Q(exit_reason__in=ExitReason.values),
                name="%(app_label)s_%(class)s_exit_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=EnrollmentStatus.WITHDRAWN)
                | (Q(exit_reason="") & Q(exit_date__isnull=True)),
                name="%(app_label)s_%(class)s_exit_only_when_withdrawn",
                violation_error_message="Only a withdrawn student has an exit reason and date.",
            ),
            models.CheckConstraint(
                condition=Q(status=EnrollmentStatus.COMPLETED) | Q(completed_on__isnull=True),
                name="%(app_label)s_%(class)s_completed_on_only_when_completed",
                violation_error_message="Only a completed enrollment has a completion date.",
            ),
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

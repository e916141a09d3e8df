"""Who exported what, when."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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

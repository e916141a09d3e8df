"""Terms of an intake and each enrolled student's record in them (year of study, standing,
result). The rules that need counting or locking live in programs/services/cohort.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.models import HistoricalRecords

from .base import _choices_constraint
from .enrollments import Enrollment
from .intakes import Intake


class Term(models.Model):
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField(max_length=100, help_text="For example: Year 1, semester 1.")
    number = models.PositiveSmallIntegerField(
        help_text="Order of the term within the intake: 1, 2, 3 …"
    )
    year = models.PositiveSmallIntegerField(
        help_text="Which year of the intake's run the term belongs to: 1 … the programme's "
        "length in years."
    )
    start_date = models.DateField()
    end_date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["intake", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "number"],
                name="%(app_label)s_%(class)s_number_once_per_intake",
                violation_error_message="This intake already has a term with this number.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="A term ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1), name="%(app_label)s_%(class)s_year_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intake} – {self.name}"

    def clean(self) -> None:
        """Within the intake's dates, no overlap, numbers and years rising with the dates."""
        if self.intake_id is None or self.start_date is None or self.end_date is None:
            return
        intake = self.intake
        errors: dict[str, list[str]] = {}
        if self.end_date <= self.start_date:
            errors.setdefault("end_date", []).append(_("A term ends after it starts."))
        if self.start_date < intake.start_date or (
            intake.end_date is not None and self.end_date > intake.end_date
        ):
            errors.setdefault("start_date", []).append(
                _("A term lies within its intake's dates (%(start)s to %(end)s).")
                % {"start": intake.start_date, "end": intake.end_date or "…"}
            )
        length = intake.program.length_years
        if self.year is not None and length is not None and self.year > length:
            errors.setdefault("year", []).append(
                ngettext(
                    "This programme lasts %(length)d year: the year is 1 to %(length)d.",
                    "This programme lasts %(length)d years: the year is 1 to %(length)d.",
                    length,
                )
                % {"length": length}
            )
        others = Term.objects.filter(intake_id=self.intake_id).exclude(pk=self.pk)
        for other in others:
            if other.start_date <= self.end_date and self.start_date <= other.end_date:
                errors.setdefault("start_date", []).append(
                    _("This term overlaps %(other)s (%(start)s to %(end)s).")
                    % {"other": other.name, "start": other.start_date, "end": other.end_date}
                )
            elif self.number is not None and self.year is not None:
                later = other.start_date > self.start_date
                if (other.number > self.number) != later or (
                    (other.year < self.year) if later else (other.year > self.year)
                ):
                    errors.setdefault("number", []).append(
                        _(
                            "Numbers and years rise with the dates: %(other)s (number "
                            "%(number)d, year %(year)d) starts on %(start)s."
                        )
                        % {
                            "other": other.name,
                            "number": other.number,
                            "year": other.year,
                            "start": other.start_date,
                        }
                    )
        if errors:
            raise ValidationError(errors)


class Standing(models.TextChoices):
    GOOD = "good", gettext_lazy("Good standing")
    PROBATION = "probation", gettext_lazy("On probation")
    SUSPENDED = "suspended", gettext_lazy("Suspended")


class TermResult(models.TextChoices):
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    PASSED = "passed", gettext_lazy("Passed")
    REPEAT = "repeat", gettext_lazy("Repeats the year")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class TermRecord(models.Model):
    Standing = Standing
    Result = TermResult

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="term_records"
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="records")
    year_of_study = models.PositiveSmallIntegerField(
        help_text="1 … the programme's length in years."
    )
    standing = models.CharField(max_length=20, choices=Standing.choices, default=Standing.GOOD)
    result = models.CharField(
        max_length=20, choices=TermResult.choices, default=TermResult.IN_PROGRESS
    )
    note = models.TextField(blank=True, help_text="Internal, never shown to the student.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["term__intake", "term__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "term"],
                name="%(app_label)s_%(class)s_once_per_term",
                violation_error_message="This student already has a record for this term.",
            ),
            _choices_constraint("standing", Standing, "standing_valid"),
            _choices_constraint("result", TermResult, "result_valid"),
            models.CheckConstraint(
                condition=Q(year_of_study__gte=1),
                name="%(app_label)s_%(class)s_year_of_study_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.student} – {self.term.name}"

    def clean(self) -> None:
        if self.enrollment_id is None or self.term_id is None:
            return
        errors: dict[str, list[str]] = {}
        if self._state.adding and self.enrollment.status != Enrollment.Status.ENROLLED:
            errors.setdefault("enrollment", []).append(
                _("Only an enrolled student gets a new term record; this one is %(status)s.")
                % {"status": self.enrollment.get_status_display().lower()}
            )
        if self.term.intake_id != self.enrollment.intake_id:
            errors.setdefault("term", []).append(
                _("This term belongs to another intake than the student's enrollment.")
            )
        length = self.enrollment.intake.program.length_years
        if self.year_of_study is not None and length is not None and self.year_of_study > length:
            errors.setdefault("year_of_study", []).append(
                ngettext(
                    "This programme lasts %(length)d year: the year of study is 1 to %(length)d.",
                    "This programme lasts %(length)d years: the year of study is 1 to %(length)d.",
                    length,
                )
                % {"length": length}
            )
        if errors:
            raise ValidationError(errors)

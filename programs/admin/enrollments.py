"""Enrollments: the list staff filter and act on, and one enrollment's page."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from .. import services
from ..models import Enrollment, Intake, Program
from .base import (
    HistoryAdmin,
    LongListMixin,
    NeverDeletedMixin,
    SafeAutocompleteMixin,
    log_service_change,
)
from .exports import EnrollmentExportMixin, export_enrollments_csv
from .forms import EnrollmentAdminForm
from .impact import issue_certificates


class ProgramFilter(admin.SimpleListFilter):
    title = "programme"
    parameter_name = "program"

    def lookups(self, request, model_admin):
        return list(Program.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(intake__program_id=self.value())
        return queryset


class IntakeFilter(admin.SimpleListFilter):
    title = "intake"
    parameter_name = "intake__id__exact"

    def lookups(self, request, model_admin):
        """The chosen programme's intakes, or else those not finished (and the chosen one).

        Every intake of every year as a link would grow the sidebar each September; older
        intakes stay one click away through the programme filter.
        """
        shown = Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
        program = request.GET.get("program", "")
        if program.isdigit():
            shown = Q(program_id=program)
        if str(self.value() or "").isdigit():
            shown |= Q(pk=self.value())
        # select_related: the stock filter names each intake with a query for its programme.
        intakes = Intake.objects.select_related("program").filter(shown)
        return [(intake.pk, str(intake)) for intake in intakes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(intake_id=self.value())
        return queryset


class SeatFilter(admin.SimpleListFilter):
    title = "seat"
    parameter_name = "seat"

    def lookups(self, request, model_admin):
        return [("holding", "Holds a seat"), ("funded", "Holds a funded place")]

    def queryset(self, request, queryset):
        if self.value() == "holding":
            return queryset.seat_holding()
        if self.value() == "funded":
            return queryset.seat_holding().filter(funding_source__isnull=False)
        return queryset


def _exit_from(request) -> dict:
    """The exit reason and date of the action bar, for a withdrawal (blank when not valid)."""
    form = ExitFieldsForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return {"exit_reason": data.get("exit_reason") or "", "exit_date": data.get("exit_date")}


def _status_action(status: str, label: str):
    def action(model_admin, request, queryset):
        result = services.enrollment_bulk_set_status(
            enrollments=queryset.select_related("student", "intake", "funding_source"),
            status=status,
            by=request.user,
            reason=request.POST.get("reason", "").strip()[:500] or f"Bulk action: {label.lower()}",
            **_exit_from(request),
        )
        label_now = Enrollment.Status(status).label
        if result.changed:
            log_service_change(request, result.changed, f"Status changed to {label_now} ({label}).")
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d enrollment changed to %(status)s.",
                    "%(count)d enrollments changed to %(status)s.",
                    len(result.changed),
                )
                % {"count": len(result.changed), "status": label_now},
                messages.SUCCESS,
            )
        if result.unchanged:
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d enrollment already had that status.",
                    "%(count)d enrollments already had that status.",
                    len(result.unchanged),
                )
                % {"count": len(result.unchanged)},
                messages.INFO,
            )
        for enrollment, reason in result.refused:
            model_admin.message_user(
                request, f"Refused for {enrollment.student.full_name}: {reason}", messages.ERROR
            )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


class ExitFieldsForm(forms.Form):
    """The exit reason and date a withdrawal carries (rule 6)."""

    exit_reason = forms.ChoiceField(
        label="Exit reason",
        required=False,
        choices=[("", "---------"), *Enrollment.ExitReason.choices],
        help_text="For a withdrawal: required for an enrolled student.",
    )
    exit_date = forms.DateField(
        label="Exit date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For a withdrawal: the day the student left.",
    )


class EnrollmentActionForm(ActionForm, ExitFieldsForm):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        help_text="Optional; kept in each enrollment's history.",
    )


@admin.register(Enrollment)
class EnrollmentAdmin(
    NeverDeletedMixin, LongListMixin, SafeAutocompleteMixin, EnrollmentExportMixin, HistoryAdmin
):
    action_form = EnrollmentActionForm
    form = EnrollmentAdminForm
    # Chosen to fit 1280 px without scrolling (tests/browser/test_lists_fit.py).
    list_display = ["student", "student_email", "status", "since", "funding", "intake_short"]
    list_display_links = ["student"]
    list_filter = [
        ProgramFilter,
        IntakeFilter,
        "status",
        SeatFilter,
        "funding_source",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["student", "intake__program", "funding_source"]
    search_fields = ["student__first_name", "student__last_name", "student__email"]
    autocomplete_fields = ["student", "intake"]
    readonly_fields = ["status_changed_at", "created_at", "updated_at"]
    history_list_display = ["status", "funding_source", "intake"]
    fieldsets = [
        (None, {"fields": ["student", "intake", "status", "funding_source"]}),
        ("Waitlist and notes", {"fields": ["waitlist_position", "notes"]}),
        (
            "Offer, exit and completion",
            {
                "fields": ["offer_expires_on", "exit_reason", "exit_date", "completed_on"],
                "description": "A withdrawal of an enrolled student needs the exit reason and "
                "date. An offer's last day is set when it is made; change it to extend it.",
            },
        ),
        ("Why", {"fields": ["change_reason"]}),
        ("Dates", {"fields": ["status_changed_at", "created_at", "updated_at"]}),
    ]
    actions = [
        _status_action(Enrollment.Status.OFFERED, "Offer a place"),
        _status_action(Enrollment.Status.ENROLLED, "Enroll"),
        _status_action(Enrollment.Status.WAITLISTED, "Move to the waitlist"),
        _status_action(Enrollment.Status.REJECTED, "Reject"),
        _status_action(Enrollment.Status.WITHDRAWN, "Record a withdrawal"),
        _status_action(Enrollment.Status.DEFERRED, "Record a deferral"),
        export_enrollments_csv,
        issue_certificates,
    ]

    def has_issue_permission(self, request) -> bool:
        """The "Issue certificates" action: whoever may add certificates (managers)."""
        return request.user.has_perm("programs.add_certificate")

    @admin.display(description="email", ordering="student__email")
    def student_email(self, obj: Enrollment) -> str:
        return obj.student.email or ""

    @admin.display(description="since", ordering="status_changed_at")
    def since(self, obj: Enrollment) -> str:
        return date_format(timezone.localtime(obj.status_changed_at))

    @admin.display(description="funding", ordering="funding_source__name")
    def funding(self, obj: Enrollment) -> str:
        return obj.funding_source.name if obj.funding_source else "Self-funded"

    @admin.display(description="intake", ordering="intake__start_date")
    def intake_short(self, obj: Enrollment) -> str:
        return f"{obj.intake.name}, {obj.intake.program.name}"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("status", Enrollment.Status.ENROLLED)
        return initial

    def save_model(self, request, obj, form, change) -> None:
        services.enrollment_save(
            enrollment=obj, by=request.user, reason=form.cleaned_data.get("change_reason", "")
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .select_related("history_user", "funding_source", "intake__program")
        )

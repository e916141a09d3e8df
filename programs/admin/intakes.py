"""The intake page: one intake at a glance, its funded places, and the waitlist's openings.

Enrollments are listed here read-only and change on their own page or through the bulk
actions of the enrollment list, where each change is checked, dated, recorded and emailed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from modeltranslation.admin import TranslationAdmin

from .. import services
from ..http import AuthenticatedHttpRequest
from ..models import ApplicationStatus, Enrollment, FundingSource, Intake, IntakeFunding
from ..selectors import occupancy
from ..selectors.occupancy import funding_taken_words, fundings_with_taken
from .base import HistoryAdmin, LongListMixin, SafeAutocompleteMixin, log_service_change
from .forms import IntakeAdminForm, IntakeFundingFormSet
from .imports import IntakeImportMixin

if TYPE_CHECKING:
    from ..selectors.annotated import IntakeFundingWithTaken, IntakeWithCounts

# The intake page lists this many enrollments; the rest are one click away, in the list.
ENROLLMENTS_SHOWN = 50


def _funding_summary(intake: Intake):
    # IntakeAdmin.get_queryset prefetches the fundings from fundings_with_taken().
    fundings = cast("list[IntakeFundingWithTaken]", list(intake.fundings.all()))
    if not fundings:
        return "–"
    # Offers hold a place but commit no money yet: told apart from the enrolled.
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} / {}{}",
        (
            (
                f.funding_source.name,
                f.taken,
                f.places,
                f" ({f.offered} offered)" if f.offered else "",
            )
            for f in fundings
        ),
    )


class IntakeFundingInline(admin.TabularInline):
    model = IntakeFunding
    formset = IntakeFundingFormSet
    extra = 0
    fields = ["funding_source", "places", "places_taken"]
    readonly_fields = ["places_taken"]
    verbose_name = "funded place"  # "Add another funded place"
    verbose_name_plural = "funded places"

    def get_queryset(self, request):
        return fundings_with_taken()

    @admin.display(description="taken")
    def places_taken(self, obj: IntakeFunding) -> str:
        return funding_taken_words(obj) if obj.pk else "–"


def _enrollments_shown(intake: Intake) -> list[Enrollment]:
    """The intake's enrollments for the page: seat holders first, then the waitlist in order."""
    return list(
        intake.enrollments.select_related("student", "funding_source").order_by(
            "status", "waitlist_position", "student__last_name", "student__first_name", "pk"
        )[:ENROLLMENTS_SHOWN]
    )


@admin.register(Intake)
class IntakeAdmin(
    LongListMixin, SafeAutocompleteMixin, IntakeImportMixin, TranslationAdmin, HistoryAdmin
):
    form = IntakeAdminForm
    # The programme first: several intakes share a name ("2027 cohort").
    list_display = [
        "program",
        "name",
        "seats",
        "funded_places",
        "waitlist",
        "application_window",
        "start_date",
    ]
    list_display_links = ["name"]
    list_filter = ["program", "start_date"]
    list_select_related = ["program"]
    search_fields = ["name", "program__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["program"]
    inlines = [IntakeFundingInline]
    readonly_fields = ["occupancy"]
    fieldsets = [
        (None, {"fields": ["program", "name", "capacity", "occupancy"]}),
        ("Dates", {"fields": ["start_date", "end_date"]}),
        (
            "Applications",
            {
                "fields": [
                    "applications_open_on",
                    "applications_close_on",
                    "offer_response_days",
                ],
                "description": "Applications are open online between these two dates. An "
                "offer expires after the days to answer it (manage.py expire_offers).",
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_counts()
            .prefetch_related(Prefetch("fundings", queryset=fundings_with_taken()))
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/offer-next/",
                self.admin_site.admin_view(self.offer_next_view),
                name="programs_intake_offer_next",
            ),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.checked_by_formsets = bool(self.get_inline_instances(request, obj))
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        intake = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if intake is not None:
            if self.has_change_permission(request, intake):
                extra_context["waitlist_openings"] = services.waitlist_openings(intake=intake)
            extra_context["enrollments_shown"] = _enrollments_shown(intake)
            extra_context["terms_shown"] = list(
                intake.terms.annotate(record_count=Count("records")).order_by("number")
            )
            extra_context["enrollment_total"] = intake.enrollments.count()
            extra_context["enrollment_list_url"] = (
                reverse("admin:programs_enrollment_changelist") + f"?intake__id__exact={intake.pk}"
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def offer_next_view(self, request: AuthenticatedHttpRequest, object_id: str) -> HttpResponse:
        """Offer a freed seat or funded place to the next eligible waitlisted applicant."""
        intake = self.get_object(request, object_id)
        if intake is None:
            raise Http404("No such intake.")
        if request.method != "POST" or not self.has_change_permission(request, intake):
            raise PermissionDenied
        source = None
        source_pk = request.POST.get("funding_source", "")
        if source_pk:
            if source_pk.isdigit() and len(source_pk) <= 18:
                source = FundingSource.objects.filter(pk=source_pk).first()
            if source is None:
                self.message_user(request, "That funding source no longer exists.", messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:programs_intake_change", args=[intake.pk])
                )
        try:
            enrollment = services.waitlist_offer_next(
                intake=intake,
                funding_source=source,
                by=request.user,
                reason=request.POST.get("reason", "")[:500],
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            funded = f", funded by {source.name}" if source else ""
            log_service_change(request, [enrollment], f"Offered a place from the waitlist{funded}.")
            self.message_user(
                request,
                f"Offered a place to {enrollment.student.full_name}{funded}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:programs_intake_change", args=[intake.pk]))

    def save_model(self, request, obj, form, change) -> None:
        # The form checked the capacity and the inline the funded places, under the intake's
        # lock, in this same transaction; intake_save checks them together once more.
        services.intake_save(intake=obj, by=request.user, reason="Changed in the admin")

    @admin.display(description="now")
    def occupancy(self, obj: Intake) -> str:
        """The intake as saved: a refused change does not show its numbers here."""
        if not obj.pk:
            return "–"
        capacity = Intake.objects.values_list("capacity", flat=True).get(pk=obj.pk)
        status_counts = occupancy.status_counts(obj.pk)
        counts, taken = status_counts.by_status, status_counts.seats_taken
        parts = [f"{taken} of {capacity} seats taken ({max(capacity - taken, 0)} left)"]
        parts += [
            f"{counts[status]} {Enrollment.Status(status).label.lower()}"
            for status in Enrollment.Status.values
            if counts.get(status)
        ]
        return "; ".join(parts) + "."

    @admin.display(description="seats taken", ordering="seats_taken")
    def seats(self, obj: IntakeWithCounts) -> str:
        return f"{obj.seats_taken} / {obj.capacity}"

    @admin.display(description="funded places taken")
    def funded_places(self, obj: Intake):
        return _funding_summary(obj)

    @admin.display(description="waitlist", ordering="waitlist_length")
    def waitlist(self, obj: IntakeWithCounts) -> int:
        return obj.waitlist_length

    @admin.display(description="applications")
    def application_window(self, obj: Intake) -> str:
        if obj.applications_open_on is None:
            return "not scheduled"
        return str(ApplicationStatus(obj.application_status()).label).lower()

"""Organisations, outcomes, testimonials and certificates (issue 18).

Outcomes and certificates are counted in the impact figures a funder reads: never deleted
(a certificate is revoked instead). Organisations are kept for the outcomes and members that
name them. A testimonial can be deleted: it is the person's own words, shown only with her
consent, and withdrawing that consent may mean removing them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from .. import services
from ..http import AuthenticatedHttpRequest
from ..models import Certificate, Enrollment, Organisation, Outcome, Testimonial
from .base import HistoryAdmin, LongListMixin, NeverDeletedMixin, SafeAutocompleteMixin
from .imports import OutcomeImportMixin

Status = Enrollment.Status


@admin.register(Organisation)
class OrganisationAdmin(NeverDeletedMixin, SafeAutocompleteMixin, HistoryAdmin):
    list_display = ["name", "kind", "country", "sector"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "sector"]
    ordering = ["name", "pk"]


@admin.register(Outcome)
class OutcomeAdmin(
    OutcomeImportMixin, NeverDeletedMixin, LongListMixin, SafeAutocompleteMixin, HistoryAdmin
):
    list_display = ["student", "kind", "organisation", "jobs_created", "funding", "recorded_on"]
    list_filter = ["kind", "source", "recorded_on"]
    list_select_related = ["student", "organisation"]
    search_fields = ["student__last_name", "student__first_name", "organisation__name"]
    autocomplete_fields = ["student", "organisation"]
    date_hierarchy = "recorded_on"

    @admin.display(description="funding raised", ordering="funding_raised")
    def funding(self, obj: Outcome) -> str:
        if obj.funding_raised is None:
            return "—"
        return f"{obj.funding_raised:,.2f} {obj.currency}"


@admin.register(Testimonial)
class TestimonialAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["shown_name", "student", "language", "consent_given_on", "is_published"]
    list_filter = ["is_published", "language"]
    list_select_related = ["student"]
    search_fields = ["shown_name", "student__last_name", "student__first_name"]
    autocomplete_fields = ["student"]


@admin.register(Certificate)
class CertificateAdmin(NeverDeletedMixin, LongListMixin, SafeAutocompleteMixin, HistoryAdmin):
    """Issued by services.certificate_issue (a completed enrollment only); here staff read
    them and revoke one by giving the day."""

    list_display = ["short_code", "holder", "programme", "issued_on", "revoked_on"]
    list_filter = ["issued_on", "revoked_on"]
    list_select_related = ["enrollment__student", "enrollment__intake__program"]
    search_fields = ["enrollment__student__last_name", "enrollment__student__first_name", "=code"]
    readonly_fields = ["enrollment", "code", "issued_on"]
    fields = ["enrollment", "code", "issued_on", "revoked_on"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="code", ordering="code")
    def short_code(self, obj: Certificate) -> str:
        return f"{obj.code[:8]}…"

    @admin.display(description="holder", ordering="enrollment__student__last_name")
    def holder(self, obj: Certificate) -> str:
        return str(obj.enrollment.student)

    @admin.display(description="programme")
    def programme(self, obj: Certificate) -> str:
        return f"{obj.enrollment.intake.program} — {obj.enrollment.intake}"


@admin.action(description="Issue certificates (completed enrollments)", permissions=["issue"])
def issue_certificates(model_admin: admin.ModelAdmin, request: AuthenticatedHttpRequest, queryset):
    """Asks first, on a page listing who gets one; then services.certificate_issue for each.
    Enrollments not completed, or with a certificate already, are named and left alone."""
    chosen = list(
        queryset.select_related("student", "intake__program", "certificate").order_by(
            "intake__start_date", "student__last_name", "pk"
        )
    )
    to_issue = [e for e in chosen if e.status == Status.COMPLETED and not _has_certificate(e)]
    already = [e for e in chosen if _has_certificate(e)]
    not_completed = [e for e in chosen if e.status != Status.COMPLETED and not _has_certificate(e)]
    if "confirm" not in request.POST:
        return TemplateResponse(
            request,
            "admin/programs/enrollment/issue_certificates.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": "Issue certificates?",
                "opts": model_admin.model._meta,
                "to_issue": to_issue,
                "already": already,
                "not_completed": not_completed,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )
    issued = 0
    for enrollment in to_issue:
        try:
            services.certificate_issue(enrollment=enrollment, by=request.user)
        except ValidationError as error:
            model_admin.message_user(
                request, f"{enrollment.student}: {' '.join(error.messages)}", messages.ERROR
            )
        else:
            issued += 1
    if issued:
        model_admin.message_user(
            request,
            ngettext("%(count)d certificate issued.", "%(count)d certificates issued.", issued)
            % {"count": issued},
            messages.SUCCESS,
        )
    if not_completed:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d enrollment is not completed: no certificate.",
                "%(count)d enrollments are not completed: no certificate.",
                len(not_completed),
            )
            % {"count": len(not_completed)},
            messages.WARNING,
        )
    return None


def _has_certificate(enrollment: Enrollment) -> bool:
    try:
        return enrollment.certificate is not None
    except Certificate.DoesNotExist:
        return False

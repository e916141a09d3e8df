"""Admin pieces for moving data out: the export log and the CSV export action. The import
pages of an intake are in imports.py."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest

from .. import exports
from ..models import ExportLog, Intake

IMPORT_SESSION_KEY = "programs.applicant_import"


TEMPLATE_FILES = {
    "CSV": "import-templates/applicants-template.csv",
    "XLSX": "import-templates/applicants-template.xlsx",
}


# --- the export log ------------------------------------------------------------------------

# A tuple: it serves as both fields and readonly_fields, which django-stubs types apart.
_EXPORT_LOG_FIELDS = ("created_at", "username", "user", "kind", "filters", "row_count")


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Who exported what: superusers read it; nobody changes it."""

    list_display = ["created_at", "username", "kind", "row_count", "filters_text"]
    list_filter = ["kind", "created_at"]
    search_fields = ["username"]
    date_hierarchy = "created_at"
    fields = _EXPORT_LOG_FIELDS
    readonly_fields = _EXPORT_LOG_FIELDS

    @admin.display(description="filters")
    def filters_text(self, obj: ExportLog) -> str:
        if not obj.filters:
            return "–"
        parts = []
        for key, value in obj.filters.items():
            if isinstance(value, dict) and "name" in value:
                value = value["name"]
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            parts.append(f"{key.replace('_', ' ')}: {value}")
        return "; ".join(parts)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# --- the export action ---------------------------------------------------------------------

# The enrollment list's filter parameters, as named by EnrollmentAdmin's list filters.
_CHANGELIST_FILTERS = {
    "program": "program",
    "intake__id__exact": "intake",
    "status__exact": "status",
    "seat": "seat",
    "funding_source__id__exact": "funding_source",
    "q": "search",
}


@admin.action(description="Export selected enrollments as CSV", permissions=["export"])
def export_enrollments_csv(model_admin: admin.ModelAdmin, request: HttpRequest, queryset):
    """Stream the selected enrollments (within the list's current filters) as CSV."""
    filters: dict = {"via": "admin action"}
    for param, name in _CHANGELIST_FILTERS.items():
        if request.GET.get(param):
            filters[name] = request.GET[param]
    if request.POST.get("select_across") == "1":
        filters["selected"] = "all matching the filters"
    else:
        filters["selected"] = len(request.POST.getlist(ACTION_CHECKBOX_NAME))
    scope = ["selected"]
    intake_id = request.GET.get("intake__id__exact", "")
    if intake_id.isdigit():
        intake = Intake.objects.select_related("program").filter(pk=intake_id).first()
        if intake is not None:
            scope = [intake.program.slug, intake.name, "selected"]
    return exports.enrollment_export_response(
        queryset=queryset, user=request.user, filters=filters, scope=scope
    )


class EnrollmentExportMixin:
    """Offers export_enrollments_csv only to users with programs.export_enrollment."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("programs.export_enrollment")

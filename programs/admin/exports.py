"""Admin pieces for moving data in and out: the export log, the CSV export action, and the
applicant import page of an intake.

The import page is built here rather than with django-import-export's ImportMixin: the mixin
imports into the model the admin page is about, shows its own diff, and commits the rows that
pass. Ours imports into one intake, shows a reason for every refused row, writes through
programs.services and is all-or-nothing. django-import-export still reads the files and runs
the rows (programs/imports/). Between the dry run and the confirmation the uploaded file is
kept in the staff member's session (base64, at most 5 MB) under a random token that the
confirmation form sends back, so the confirmed import runs on exactly the file that was shown.
"""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .. import exports, imports
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


# --- the import page -----------------------------------------------------------------------


class ApplicantImportForm(forms.Form):
    file = forms.FileField(
        label="Applicant file",
        help_text="A CSV (UTF-8) or Excel .xlsx file with the template's columns, at most "
        f"{imports.MAX_FILE_BYTES // 1_000_000} MB and {imports.ADMIN_MAX_ROWS} rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def unreadable_upload_form() -> ApplicantImportForm:
    """The upload form for a request Django's parser refused (a name over its header limit)."""
    form = ApplicantImportForm({})
    form.errors.clear()
    form.add_error(
        "file",
        _(
            "This upload could not be read: the file's name is too long or the upload was cut off. "
            "Rename the file with a shorter name and upload it again."
        ),
    )
    return form


if TYPE_CHECKING:
    # The mixin is only ever mixed into IntakeAdmin: it calls the ModelAdmin's methods.
    _IntakeAdminBase = admin.ModelAdmin[Intake]
else:
    _IntakeAdminBase = object


class IntakeImportMixin(_IntakeAdminBase):
    """Adds "Import applicants" to an intake: upload, dry run, confirm."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/import-applicants/",
                self.admin_site.admin_view(self.import_applicants_view),
                name="programs_intake_import_applicants",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest, intake: Intake | None = None) -> bool:
        return self.has_view_permission(request, intake) and request.user.has_perms(
            ["programs.add_student", "programs.add_enrollment"]
        )

    def import_applicants_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        intake = self.get_object(request, object_id)
        if intake is None:
            raise Http404("No such intake.")
        if not self.has_import_permission(request, intake):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import applicants into {intake}",
            "opts": self.model._meta,
            "original": intake,
            "intake": intake,
            "template_files": {label: static(p) for label, p in TEMPLATE_FILES.items()},
            "columns": imports.COLUMNS,
            "form": ApplicantImportForm(),
        }
        if request.method == "POST":
            try:
                request.POST, request.FILES  # noqa: B018 - parse now, to answer a broken upload
            except MultiPartParserError:
                context["form"] = unreadable_upload_form()
                return TemplateResponse(
                    request, "admin/programs/intake/import_applicants.html", context
                )
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request, intake, context)
        if request.method == "POST":
            form = ApplicantImportForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                upload = form.cleaned_data["file"]
                content = upload.read(imports.MAX_FILE_BYTES + 1)
                return self._import_dry_run(request, intake, upload.name, content, context)
        return TemplateResponse(request, "admin/programs/intake/import_applicants.html", context)

    def _read(self, request, name: str, content: bytes, context: dict):
        try:
            return imports.read_applicants_file(content, name, max_rows=imports.ADMIN_MAX_ROWS)
        except imports.ImportFileError as error:
            context["form"].add_error("file", str(error))
            return None

    def _import_dry_run(self, request, intake: Intake, name: str, content: bytes, context):
        applicant_file = self._read(request, name, content, context)
        if applicant_file is None:
            return TemplateResponse(
                request, "admin/programs/intake/import_applicants.html", context
            )
        report = imports.applicants_import(
            intake=intake, applicant_file=applicant_file, dry_run=True, by=request.user
        )
        token = secrets.token_urlsafe(16)
        if report.refused:
            request.session.pop(IMPORT_SESSION_KEY, None)
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "intake": intake.pk,
                "name": name,
                "content": base64.b64encode(content).decode("ascii"),
                "students": report.matched_students(),
            }
        context.update(report=report, token=token)
        return TemplateResponse(request, "admin/programs/intake/import_applicants.html", context)

    def _import_confirm(self, request, intake: Intake, context):
        pending = request.session.get(IMPORT_SESSION_KEY) or {}
        if pending.get("token") != request.POST.get("token") or pending.get("intake") != intake.pk:
            self.message_user(
                request,
                "This import is no longer waiting for confirmation (it was confirmed already, "
                "or another file was uploaded since). Upload the file again.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.path)
        del request.session[IMPORT_SESSION_KEY]
        applicant_file = self._read(
            request, pending["name"], base64.b64decode(pending["content"]), context
        )
        if applicant_file is None:
            return TemplateResponse(
                request, "admin/programs/intake/import_applicants.html", context
            )
        report = imports.applicants_import(
            intake=intake,
            applicant_file=applicant_file,
            dry_run=False,
            by=request.user,
            expected_students=pending.get("students") or {},
        )
        if not report.written:
            # Someone changed the intake, or erased a student, between the dry run and now.
            self.message_user(
                request,
                report.summary()
                + " "
                + _("Something changed since the dry run; see the reasons below."),
                messages.ERROR,
            )
            context.update(report=report)
            return TemplateResponse(
                request, "admin/programs/intake/import_applicants.html", context
            )
        self.message_user(request, report.summary(), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:programs_intake_change", args=[intake.pk]))

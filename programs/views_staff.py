"""Staff pages outside the admin's model pages: exports, the funder report, intake dashboards.

They look like the admin (they extend admin/base_site.html with the admin site's context), as
staff reach them from there. Who may see what (docs/exports.md):
- enrollment export, funder report and its CSV: the permission programs.export_enrollment
  (the "Programme managers" group), because they carry personal data out of the tracker;
- intake dashboard: staff with programs.view_intake (counts only, no names).
Anonymous visitors are sent to the login page; signed-in users without the right get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import exports, reports
from .exports.funder_report import funder_report_header, funder_report_rows
from .exports.statement import STATEMENT_COLUMNS, statement_rows
from .filters import (
    CohortExportForm,
    EnrollmentExportFilterForm,
    FunderReportForm,
    FunderStatementForm,
)
from .http import AuthenticatedHttpRequest
from .models import Enrollment, ExportLog, Intake
from .selectors import cohort, statement
from .selectors.funder_cohort import funder_cohort

EXPORT_PERMISSION = "programs.export_enrollment"


def staff_permission_required(perm: str) -> Callable:
    """Signed-in staff with `perm` only; others get 403 (use under login_required)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _admin_context(request: HttpRequest, **context) -> dict:
    return {**admin.site.each_context(request), **context}


def _bad_filters(request: HttpRequest, form: forms.Form, title: str) -> HttpResponse:
    return render(
        request,
        "programs/staff/filters_invalid.html",
        _admin_context(request, title=title, form=form),
        status=400,
    )


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def enrollment_export(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The enrollment list as CSV, filtered by ?intake=&program=&status=&funding_source=."""
    form = EnrollmentExportFilterForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "These export filters cannot be used")
    return exports.enrollment_export_response(
        queryset=form.filter(Enrollment.objects.all()),
        user=request.user,
        filters=form.as_log(),
        scope=form.scope(),
    )


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def cohort_export(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """One intake's cohort as CSV (?intake=ID): status, latest term, exit, completion."""
    form = CohortExportForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "This cohort export cannot be made")
    intake = form.cleaned_data["intake"]
    return exports.csv_response(
        header=cohort.COHORT_COLUMNS,
        rows=cohort.cohort_rows(intake),
        filename=exports.export_filename("cohort", *form.scope()),
        user=request.user,
        kind=ExportLog.Kind.ENROLLMENTS,
        filters=form.as_log(),
    )


REPORT_STUDENT_LIMIT = 1000


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def funder_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Funded places per source and intake; ?audience=funder gives the shareable version."""
    form = FunderReportForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "This funder report cannot be made")
    data = form.cleaned_data
    for_funders = data["audience"] == "funder"
    context = {
        "title": "Funder report",
        "form": form,
        # A page lists at most REPORT_STUDENT_LIMIT students; above it (every source of every
        # year), the numbers only, each line linking to its own report. The CSV lists all.
        "sources": reports.funder_report(
            funding_source=data["funding_source"],
            intake=data["intake"],
            student_limit=REPORT_STUDENT_LIMIT,
        ),
        "student_limit": f"{REPORT_STUDENT_LIMIT:,}",
        "for_funders": for_funders,
        "query": request.GET.urlencode(),
    }
    staff_query = request.GET.copy()
    staff_query.pop("audience", None)
    context["staff_query"] = staff_query.urlencode()
    cohorts = funder_cohort(context["sources"])
    for report in context["sources"]:
        for line in report.lines:
            line.cohort = cohorts[(line.intake.pk, report.source.pk)]
            for student in line.students:
                student.progress = line.cohort.progress.get(student.enrollment_id)
    context["students_listed"] = all(
        line.students_listed for report in context["sources"] for line in report.lines
    )
    if for_funders:
        # A page to print or save as PDF for funders: names only, no admin around it. It is
        # made to leave the tracker, so it is logged like the CSV (row count: names shown).
        names = sum(len(line.students) for report in context["sources"] for line in report.lines)
        ExportLog.objects.create(
            user=request.user,
            username=request.user.get_username(),
            kind=ExportLog.Kind.FUNDER_REPORT,
            filters={**form.as_log(), "via": "funders' version (page)"},
            row_count=names,
        )
        response = render(request, "programs/staff/funder_report_funders.html", context)
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "programs/staff/funder_report.html", _admin_context(request, **context))


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def funder_report_csv(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The funder report as CSV, for funders: numbers and the funded students' names only."""
    form = FunderReportForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "This funder report cannot be made")
    data = form.cleaned_data
    sources = reports.funder_report(funding_source=data["funding_source"], intake=data["intake"])
    return exports.csv_response(
        header=funder_report_header(sources),
        rows=funder_report_rows(sources),
        filename=exports.export_filename("funder-report", *(form.scope() or ["all"])),
        user=request.user,
        kind=ExportLog.Kind.FUNDER_REPORT,
        filters=form.as_log(),
    )


@require_safe
@login_required
@staff_permission_required("programs.view_intake")
def intake_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    intake: Intake = get_object_or_404(Intake.objects.select_related("program"), pk=pk)
    user = request.user
    context = _admin_context(
        request,
        title=f"Dashboard: {intake}",
        intake=intake,
        dashboard=reports.intake_dashboard(intake),
        cohort=cohort.cohort_summary(intake),
        can_export=user.has_perm(EXPORT_PERMISSION),
        can_import=user.has_perms(["programs.add_student", "programs.add_enrollment"]),
        can_change_intake=user.has_perm("programs.change_intake"),
    )
    return render(request, "programs/staff/intake_dashboard.html", context)


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def funder_statement(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One co-funder's statement: committed, scheduled, approved, paid, outstanding, cancelled
    per funding source, intake and term (programs/selectors/statement.py). Amounts only."""
    form = FunderStatementForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "This statement cannot be made")
    data = form.cleaned_data
    context = {
        "title": f"Statement for {data['partner']}",
        "form": form,
        "partner": data["partner"],
        "lines": statement.funder_statement(partner=data["partner"], intake=data["intake"]),
        "query": request.GET.urlencode(),
    }
    return render(
        request, "programs/staff/funder_statement.html", _admin_context(request, **context)
    )


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def funder_statement_csv(
    request: AuthenticatedHttpRequest,
) -> HttpResponse | StreamingHttpResponse:
    """The statement as CSV (programs/exports/statement.py), logged like every export."""
    form = FunderStatementForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "This statement cannot be made")
    data = form.cleaned_data
    lines = statement.funder_statement(partner=data["partner"], intake=data["intake"])
    return exports.csv_response(
        header=STATEMENT_COLUMNS,
        rows=statement_rows(lines),
        filename=exports.export_filename("statement", *form.scope()),
        user=request.user,
        kind=ExportLog.Kind.FUNDER_REPORT,
        filters=form.as_log(),
    )


@require_safe
@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def funder_statement_print(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The statement as a plain page to print or save as PDF: no admin around it, amounts and
    the names of the co-funder, sources and intakes only. Logged, as it is made to leave."""
    form = FunderStatementForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form, "This statement cannot be made")
    data = form.cleaned_data
    lines = statement.funder_statement(partner=data["partner"], intake=data["intake"])
    ExportLog.objects.create(
        user=request.user,
        username=request.user.get_username(),
        kind=ExportLog.Kind.FUNDER_REPORT,
        filters={**form.as_log(), "via": "funder statement (printable page)"},
        row_count=sum(len(line.terms) for line in lines),
    )
    context = {"partner": data["partner"], "lines": lines, "query": request.GET.urlencode()}
    response = render(request, "programs/staff/funder_statement_print.html", context)
    response["Cache-Control"] = "no-store"
    return response

"""The impact figures (issue 18): the public page and the staff report with its CSV.

Both read programs/selectors/impact.py. The public page shows counts only, 1–4 as "fewer than
5"; the staff report is exact and needs staff with programs.view_intake (counts, no names, like
the intake dashboard). Its CSV is logged like every export.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import exports
from .filters import ImpactReportForm
from .http import AuthenticatedHttpRequest
from .models import ExportLog
from .selectors.impact import Impact, impact_figures
from .views_staff import _admin_context, staff_permission_required

REPORT_PERMISSION = "programs.view_intake"


def _bad_report_filters(request: HttpRequest, form: ImpactReportForm) -> HttpResponse:
    """The shared 400 page for a bad address (views_staff._bad_filters), with its way back to
    the report itself, unfiltered, rather than to the enrollments."""
    context = _admin_context(
        request,
        title="This impact report cannot be made",
        form=form,
        back_url=reverse("programs:impact-report"),
        back_label="impact report",
    )
    return render(request, "programs/staff/filters_invalid.html", context, status=400)


@require_safe
def impact(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/impact.html", {"impact": impact_figures(public=True)})


@require_safe
@login_required
@staff_permission_required(REPORT_PERMISSION)
def impact_report(request: HttpRequest) -> HttpResponse:
    form = ImpactReportForm(request.GET)
    if not form.is_valid():
        return _bad_report_filters(request, form)
    context = _admin_context(
        request,
        title="Impact report",
        form=form,
        impact=impact_figures(public=False, filters=form.filters()),
        query=request.GET.urlencode(),
    )
    return render(request, "programs/staff/impact_report.html", context)


IMPACT_COLUMNS = ["Breakdown", "Group", "Year", "People", "Ventures founded", "Jobs created"]
IMPACT_COLUMNS += ["Funding raised"]


def impact_rows(figures: Impact) -> Iterator[list]:
    """One row per figure of the report, each named by its breakdown, exact."""
    yield ["Total", "All programmes", "", figures.total, "", "", ""]
    for noun in figures.nouns:
        yield ["Participants called", noun.noun, "", noun.count, "", "", ""]
    for programme in figures.programmes:
        yield ["Programme", programme.programme, "", programme.count, "", "", ""]
        for year in programme.years:
            yield ["Programme and year", programme.programme, year.label, year.count, "", "", ""]
    for title, rows in (
        ("Country of residence", figures.countries),
        ("Organisation kind", figures.organisation_kinds),
        ("Gender", figures.genders),
    ):
        for row in rows:
            yield [title, row.label, "", row.count, "", "", ""]
    for line in figures.outcomes:
        yield [
            "Outcomes",
            line.programme,
            "",
            "",
            line.ventures_founded,
            line.jobs_created,
            line.funding_text,
        ]


@require_safe
@login_required
@staff_permission_required(REPORT_PERMISSION)
def impact_report_csv(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = ImpactReportForm(request.GET)
    if not form.is_valid():
        return _bad_report_filters(request, form)
    figures = impact_figures(public=False, filters=form.filters())
    return exports.csv_response(
        header=IMPACT_COLUMNS,
        rows=impact_rows(figures),
        filename=exports.export_filename("impact", *(form.scope() or ["all"])),
        user=request.user,
        kind=ExportLog.Kind.FUNDER_REPORT,
        filters=form.as_log(),
    )

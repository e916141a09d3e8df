"""Finance schedules an intake's disbursements from the disbursement list: choose the intake,
read how many payments would be added and their total, confirm. Scheduling adds only what is
missing (services.disbursements_schedule), so confirming twice adds nothing the second time."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import services
from ..models import Disbursement, Intake

if TYPE_CHECKING:
    _DisbursementAdminBase = admin.ModelAdmin[Disbursement]
else:
    _DisbursementAdminBase = object

TEMPLATE = "admin/programs/disbursement/schedule.html"


class ScheduleForm(forms.Form):
    intake: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Intake"),
        queryset=Intake.objects.select_related("program").order_by("-start_date", "pk"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no intake with the id given."),
            "required": gettext_lazy("Choose the intake to schedule."),
        },
    )


def totals_by_currency(rows: list[Disbursement]) -> list[tuple[str, Decimal]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row.currency] += row.amount
    return sorted(sums.items())


class DisbursementScheduleMixin(_DisbursementAdminBase):
    """Adds the "Schedule an intake" page (a button on the list) to DisbursementAdmin."""

    def get_urls(self):
        return [
            path(
                "schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="programs_disbursement_schedule",
            ),
            *super().get_urls(),
        ]

    def schedule_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ScheduleForm(request.POST if request.method == "POST" else None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Schedule an intake's disbursements"),
            "opts": self.model._meta,
            "form": form,
        }
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(request, TEMPLATE, context, status=400 if form.errors else 200)
        intake = form.cleaned_data["intake"]
        if "confirm" not in request.POST:
            planned = services.disbursements_plan(intake=intake)
            context.update(intake=intake, count=len(planned), totals=totals_by_currency(planned))
            return TemplateResponse(request, TEMPLATE, context)
        made = services.disbursements_schedule(intake=intake, by=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext(
                "%(count)d disbursement scheduled for %(intake)s.",
                "%(count)d disbursements scheduled for %(intake)s.",
                made,
            )
            % {"count": made, "intake": intake},
            messages.SUCCESS if made else messages.WARNING,
        )
        url = reverse("admin:programs_disbursement_changelist")
        return HttpResponseRedirect(f"{url}?term__intake__id__exact={intake.pk}")

"""Disbursements: finance staff approve and mark paid in bulk, after a confirmation page that
shows what they selected and its total. Nothing is deleted (NeverDeletedMixin); a paid row is
read-only; a correction is added as its own adjustment (a negative amount with a reason)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..models import Disbursement
from .base import HistoryAdmin, NeverDeletedMixin, SafeAutocompleteMixin

Status = Disbursement.Status


class PaidForm(forms.Form):
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)


def _totals(rows: list[Disbursement]) -> list[tuple[str, Decimal]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row.currency] += row.amount
    return sorted(sums.items())


@admin.register(Disbursement)
class DisbursementAdmin(NeverDeletedMixin, SafeAutocompleteMixin, HistoryAdmin):
    list_display = [
        "student",
        "term",
        "payer",
        "amount",
        "currency",
        "due_on",
        "status",
        "paid_on",
        "reference",
    ]
    list_filter = ["status", "partner", "term__intake"]
    list_select_related = [
        "enrollment__student",
        "enrollment__funding_source",
        "term__intake__program",
        "partner",
    ]
    search_fields = ["reference", "partner__name", "enrollment__student__last_name"]
    autocomplete_fields = ["enrollment", "term", "partner"]
    fields = [
        "enrollment",
        "term",
        "partner",
        "amount",
        "currency",
        "due_on",
        "reason",
        "status",
        "paid_on",
        "reference",
    ]
    history_list_display = ["status", "amount", "paid_on", "reference"]
    actions = ["approve", "mark_paid"]

    @admin.display(description=gettext_lazy("student"), ordering="enrollment__student__last_name")
    def student(self, obj: Disbursement) -> str:
        return obj.enrollment.student.full_name

    @admin.display(description=gettext_lazy("payer"), ordering="partner__name")
    def payer(self, obj: Disbursement) -> str:
        return str(obj.partner or obj.enrollment.funding_source)

    def get_readonly_fields(self, request, obj=None):
        # Added by hand: an adjustment. Once there, a row changes only through the actions.
        if obj is None:
            return ["status", "paid_on", "reference"]
        return self.fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status == Status.PAID:
            return False
        return super().has_change_permission(request, obj)

    def _confirm(self, request, queryset, *, action: str, title: str, form=None):
        rows = list(queryset.select_related("enrollment__student", "partner", "term"))
        return TemplateResponse(
            request,
            "admin/programs/disbursement/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "rows": rows,
                "totals": _totals(rows),
                "action": action,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _report(self, request, done: int, refused: list[str]) -> None:
        if done:
            self.message_user(
                request, _("%(count)d disbursement(s) changed.") % {"count": done}, messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=gettext_lazy("Approve for payment"), permissions=["change"])
    def approve(self, request, queryset):
        if "confirm" not in request.POST:
            return self._confirm(
                request, queryset, action="approve", title=_("Approve these disbursements?")
            )
        done, refused = 0, []
        for row in queryset.order_by("pk"):
            try:
                services.disbursement_approve(disbursement=row, by=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"{row}: {' '.join(error.messages)}")
        self._report(request, done, refused)
        return None

    @admin.action(description=gettext_lazy("Mark paid"), permissions=["change"])
    def mark_paid(self, request, queryset):
        if "confirm" in request.POST:
            form = PaidForm(request.POST)
        else:
            form = PaidForm(initial={"paid_on": datetime.date.today()})
        if not form.is_valid():
            return self._confirm(
                request, queryset, action="mark_paid", title=_("Mark these paid?"), form=form
            )
        done, refused = 0, []
        for row in queryset.order_by("pk"):
            try:
                services.disbursement_mark_paid(
                    disbursement=row,
                    on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                    by=request.user,
                )
                done += 1
            except ValidationError as error:
                refused.append(f"{row}: {' '.join(error.messages)}")
        self._report(request, done, refused)
        return None

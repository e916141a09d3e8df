"""Disbursements: finance staff approve and mark paid in bulk, after a confirmation page that
shows what they selected and its total. Nothing is deleted (NeverDeletedMixin); a paid row is
read-only; a correction is added as its own adjustment (a negative amount with a reason)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import services
from ..models import Disbursement
from .base import HistoryAdmin, NeverDeletedMixin, SafeAutocompleteMixin
from .money_schedule import DisbursementScheduleMixin, totals_by_currency

Status = Disbursement.Status


class PaidForm(forms.Form):
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are they cancelled?"),
        max_length=90,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class AdjustmentForm(forms.ModelForm):
    """Added by hand: an adjustment, a correction after payment (a negative amount with a
    reason); the currency is the funding source's. Saved through services.disbursement_adjust."""

    class Meta:
        model = Disbursement
        fields = ["enrollment", "term", "partner", "amount", "due_on", "reason"]
        help_texts = {
            "amount": gettext_lazy("Negative: the amount taken off, such as -1500.00."),
            "reason": gettext_lazy("Required: why this correction is made."),
        }

    def clean(self):
        data = super().clean()
        amount, reason = data.get("amount"), data.get("reason") or ""
        if amount is not None and amount >= 0:
            self.add_error("amount", _("An adjustment is a negative amount, such as -1500.00."))
        if not reason.strip():
            self.add_error("reason", _("An adjustment (a negative amount) needs a reason."))
        return data

    def _post_clean(self):
        # The currency is not on the form: take the source's before the model's checks run.
        enrollment = self.cleaned_data.get("enrollment")
        if enrollment is not None and enrollment.funding_source is not None:
            self.instance.currency = enrollment.funding_source.currency
        super()._post_clean()


@admin.register(Disbursement)
class DisbursementAdmin(
    DisbursementScheduleMixin, NeverDeletedMixin, SafeAutocompleteMixin, HistoryAdmin
):
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
    actions = ["approve", "mark_paid", "cancel"]

    @admin.display(description=gettext_lazy("student"), ordering="enrollment__student__last_name")
    def student(self, obj: Disbursement) -> str:
        return obj.enrollment.student.full_name

    @admin.display(description=gettext_lazy("payer"), ordering="partner__name")
    def payer(self, obj: Disbursement) -> str:
        return str(obj.partner or obj.enrollment.funding_source)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AdjustmentForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AdjustmentForm.Meta.fields
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        # Added by hand: an adjustment. Once there, a row changes only through the actions.
        if obj is None:
            return []
        return self.fields

    def save_model(self, request, obj, form, change):
        if change:  # every field is read-only once saved; nothing to write
            return
        data = form.cleaned_data
        saved = services.disbursement_adjust(
            enrollment=data["enrollment"],
            partner=data.get("partner"),
            term=data.get("term"),
            amount=data["amount"],
            due_on=data["due_on"],
            reason=data["reason"],
            by=request.user,
        )
        obj.pk = saved.pk

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
                "totals": totals_by_currency(rows),
                "action": action,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _report(self, request, done: int, refused: list[str]) -> None:
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d disbursement changed.", "%(count)d disbursements changed.", done
                )
                % {"count": done},
                messages.SUCCESS,
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

    @admin.action(description=gettext_lazy("Cancel (before payment)"), permissions=["change"])
    def cancel(self, request, queryset):
        form = CancelForm(request.POST) if "confirm" in request.POST else CancelForm()
        if not form.is_valid():
            return self._confirm(
                request, queryset, action="cancel", title=_("Cancel these payments?"), form=form
            )
        done, refused = 0, []
        for row in queryset.order_by("pk"):
            try:
                services.disbursement_cancel(
                    disbursement=row, reason=form.cleaned_data["reason"], by=request.user
                )
                done += 1
            except ValidationError as error:
                refused.append(f"{row}: {' '.join(error.messages)}")
        self._report(request, done, refused)
        return None

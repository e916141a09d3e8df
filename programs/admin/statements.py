"""The statements sent to co-funders (manage.py send_statements): read-only, one row per
co-funder and month. Written only by the command, in the transaction that queues the email."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from ..models import StatementDelivery


@admin.register(StatementDelivery)
class StatementDeliveryAdmin(admin.ModelAdmin):
    list_display = ["partner", "month_name", "recipients", "created_at", "sent_by"]
    list_filter = ["month", "partner"]
    list_select_related = ["partner", "sent_by"]
    search_fields = ["partner__name", "partner__short_name"]
    fields = ["partner", "month", "recipients", "created_at", "sent_by"]
    readonly_fields = ["partner", "month", "recipients", "created_at", "sent_by"]
    date_hierarchy = "month"

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_name(self, obj: StatementDelivery) -> str:
        return obj.month.strftime("%Y-%m")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

"""Programmes."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count
from modeltranslation.admin import TranslationAdmin

from ..models import Intake, Program
from .base import SafeAutocompleteMixin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _IntakeTotal(TypedDict):
    """ProgramAdmin.get_queryset: the programme's number of intakes."""

    intake_total: int


class IntakeSummaryInline(admin.TabularInline):
    model = Intake
    fields = ["name", "start_date", "capacity"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(SafeAutocompleteMixin, TranslationAdmin):
    """Name, summary and description in each language, side by side (programs/translation.py)."""

    ordering = ["position", "name"]
    list_display = [
        "name",
        "position",
        "kind",
        "delivered_by",
        "duration_months",
        "intake_count",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "delivered_by"]
    list_select_related = ["delivered_by"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["delivered_by"]
    filter_horizontal = ["partners"]
    inlines = [IntakeSummaryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(intake_total=Count("intakes"))

    @admin.display(description="intakes", ordering="intake_total")
    def intake_count(self, obj: WithAnnotations[Program, _IntakeTotal]) -> int:
        return obj.intake_total

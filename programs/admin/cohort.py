"""Terms and term records: a cohort followed term by term. Records are what funders audit:
they change (standing, result), nobody deletes them. Promotion goes through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import ngettext

from .. import services
from ..models import Term, TermRecord
from .base import HistoryAdmin, NeverDeletedMixin, SafeAutocompleteMixin, log_service_change


@admin.register(Term)
class TermAdmin(NeverDeletedMixin, SafeAutocompleteMixin, HistoryAdmin):
    list_display = ["name", "intake", "number", "year", "start_date", "end_date", "records"]
    list_filter = ["intake"]
    list_select_related = ["intake__program"]
    search_fields = ["name", "intake__name", "intake__program__name"]
    autocomplete_fields = ["intake"]
    fields = ["intake", "name", "number", "year", "start_date", "end_date"]
    actions = ["start_term", "promote_to_next_term"]
    # Explicit: the record count's GROUP BY drops Meta.ordering (the autocomplete pages).
    ordering = ["intake", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(record_count=Count("records"))

    @admin.display(description="records", ordering="record_count")
    def records(self, obj) -> int:
        return obj.record_count

    @admin.action(description="Open a record for every enrolled student", permissions=["change"])
    def start_term(self, request, queryset) -> None:
        for term in queryset.select_related("intake"):
            made = services.term_start(term=term, by=request.user)
            if made:
                log_service_change(request, [term], f"Opened {made} records for enrolled students.")
            self.message_user(
                request,
                ngettext(
                    "%(term)s: %(count)d record opened for enrolled students.",
                    "%(term)s: %(count)d records opened for enrolled students.",
                    made,
                )
                % {"term": term, "count": made},
                messages.SUCCESS,
            )

    @admin.action(description="Promote to the next term", permissions=["change"])
    def promote_to_next_term(self, request, queryset) -> None:
        for term in queryset.select_related("intake").order_by("intake", "number"):
            target = services.next_term(term)
            if target is None:
                self.message_user(
                    request,
                    f"{term} is the intake's last term: there is no next term.",
                    messages.ERROR,
                )
                continue
            try:
                result = services.cohort_promote(from_term=term, to_term=target, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{term}: {' '.join(error.messages)}", messages.ERROR)
                continue
            counts = (
                f"{result.promoted} promoted, {result.repeating} repeating, "
                f"{result.finished} finished the programme."
            )
            log_service_change(request, [term], f"Promoted to {target.name}: {counts}")
            self.message_user(request, f"{term} → {target.name}: {counts}", messages.SUCCESS)


@admin.register(TermRecord)
class TermRecordAdmin(NeverDeletedMixin, SafeAutocompleteMixin, HistoryAdmin):
    list_display = ["student", "term", "year_of_study", "standing", "result"]
    list_editable = ["standing", "result"]
    list_filter = ["term", "standing", "result", "year_of_study"]
    list_select_related = ["enrollment__student", "term__intake__program"]
    search_fields = [
        "enrollment__student__first_name",
        "enrollment__student__last_name",
        "enrollment__student__email",
    ]
    autocomplete_fields = ["enrollment", "term"]
    fields = ["enrollment", "term", "year_of_study", "standing", "result", "note"]
    history_list_display = ["standing", "result", "year_of_study"]

    @admin.display(description="student", ordering="enrollment__student__last_name")
    def student(self, obj: TermRecord) -> str:
        return obj.enrollment.student.full_name

    def get_readonly_fields(self, request, obj=None):
        # A record stays with its student and term; only its standing, result and note change.
        return ["enrollment", "term"] if obj is not None else []

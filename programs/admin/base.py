"""What every admin page of the app shares: history pages to read, safe autocompletes."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from .forms import SafeAutocompleteSelect, SafeModelChoiceField


class LongListMixin:
    """For lists that grow to 100,000 rows: no second COUNT(*) of the whole table for the
    "show all" link; the page's own count uses the (intake, status, source) and newest-first
    indexes (docs/performance.md)."""

    show_full_result_count = False


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages to read. Reverting to an old version is refused: it would skip the
    checks that a change through the forms and the services makes."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Old versions can be read, not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class SafeAutocompleteMixin:
    """Choices of a related row that answer a hostile value with a form error, not a 500.

    Django 5.2 still raises on a submitted key the database cannot look up ("abc", a NUL, a
    number past 64 bits): in the choice field on SQLite, and in the autocomplete widget when
    the form comes back with its errors (tests/test_hypothesis_admin.py).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", SafeModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def refuse_delete(
    model_admin: admin.ModelAdmin, request: HttpRequest, obj, error: ValidationError
) -> HttpResponseRedirect:
    """Back to the row's page with the reason a delete was refused."""
    model_admin.message_user(
        request, f"{obj} was not deleted: {' '.join(error.messages)}", messages.ERROR
    )
    opts = obj._meta
    return HttpResponseRedirect(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )

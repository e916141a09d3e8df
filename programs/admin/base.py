"""What every admin page of the app shares: history pages to read, safe autocompletes, lists
and pages that answer a hostile address with a message instead of a 500."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, models
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .forms import SafeAutocompleteSelect, SafeModelChoiceField, SafeModelMultipleChoiceField


class LongListMixin:
    """For lists that grow to 100,000 rows: no second COUNT(*) of the whole table for the
    "show all" link; the page's own count uses the (intake, status, source) and newest-first
    indexes (docs/performance.md)."""

    show_full_result_count = False


class NeverDeletedMixin:
    """Rows a funder audits change status (an enrollment is withdrawn, rejected, completed) or
    are erased (a student's personal data); nobody deletes them from the admin, superusers
    included. A scanner signed in as a superuser deleted 7 of 79 demo enrollments through their
    delete pages; without the permission Django hides the page, the button and the bulk
    "Delete selected" action.
    """

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class LabelledHistory(HistoricalRecordContextHelper):
    """A change of a field with choices reads as its labels ("Offered → Enrolled"), not its
    stored codes."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if getattr(field, "choices", None) and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages to read. Reverting to an old version is refused: it would skip the
    checks that a change through the forms and the services makes."""

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledHistory(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        _key_or_404(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Old versions can be read, not restored.")
        _key_or_404(self.model._meta.pk, unquote(object_id))
        _key_or_404(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _key_or_404(field: Field, value: str) -> None:
    """Not found for a key that is no key of `field` ("abc", "1.5", past 64 bits): simple-history
    looks it up as it is, which raises ValueError, or OverflowError on SQLite."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError as error:
        raise Http404 from error


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


# What a value from the address can raise once Django has let it through to a query: a number
# past 64 bits (OverflowError on SQLite, and in datetime for a year like 99999999999), a key
# that is no number in a SimpleListFilter (ValueError), a NUL byte (DataError on PostgreSQL).
HOSTILE_VALUE_ERRORS = (OverflowError, ValueError, ValidationError, DataError)


def _has_nul(request: HttpRequest) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class HostileQueryMixin(admin.ModelAdmin):
    """A list whose address holds a value it cannot use is shown without filters (Django's
    own "?e=1" redirect) with a message saying why. Applied to every registered admin, ours
    and third-party ones, by guard_every_admin.

    Django only turns the errors of its own filters into IncorrectLookupParameters; those of a
    SimpleListFilter, of a lookup that fails when the query runs, and OverflowError are not.
    NUL bytes are refused before any query: PostgreSQL refuses them in text.

    The same holds for the keys ticked in a many-to-many field (a programme's partners, a
    group's permissions): one past 64 bits is a form error, not an OverflowError on SQLite.
    """

    def get_changelist_instance(self, request: HttpRequest):
        try:
            if _has_nul(request):
                raise IncorrectLookupParameters("NUL byte in the query string")
            return super().get_changelist_instance(request)
        except (IncorrectLookupParameters, *HOSTILE_VALUE_ERRORS) as error:
            self.message_user(
                request,
                _(
                    "A filter in the page's address has a value this list cannot use, "
                    "so the list is shown without filters."
                ),
                messages.WARNING,
            )
            raise IncorrectLookupParameters(error) from error

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def guard_every_admin(site: admin.AdminSite) -> None:
    """Register every model of `site` again with HostileQueryMixin in front of its admin.

    Called once all admin modules are imported (ProgramsConfig.ready), so that the lists of
    auth, axes and any app added later are covered without a line each.
    """
    for model, model_admin in list(site._registry.items()):
        admin_class = type(model_admin)
        if issubclass(admin_class, HostileQueryMixin):
            continue
        guarded = type(admin_class.__name__, (HostileQueryMixin, admin_class), {})
        guarded.__module__ = admin_class.__module__
        guarded.__qualname__ = admin_class.__qualname__
        site.unregister(model)
        site.register(model, guarded)


def log_service_change(request: HttpRequest, objects: Iterable[models.Model], message: str) -> None:
    """Record a change made through a service (a bulk action, an offer) in the admin's log, so
    the home's "Recent actions" shows it like an edit; the rows' history keeps the detail."""
    objects = list(objects)
    if objects and request.user.is_authenticated:
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=objects, action_flag=CHANGE, change_message=message
        )

"""The copies of an erased student's data kept by records that are not hers.

Each function takes her values as captured before erasure (erasure_text.PersonalValues) and
rewrites the rows with update(), so no history row is written and no auto_now date moves.
Erasure is rare (a few requests a year): a LIKE filter per value, then a regex in Python, is
cheap enough even on a large admin log.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from .erasure_text import ERASED, PersonalValues, scrub_json
from .models import ExportLog

# Free-text fields, by name, on any model of any app and on every django-simple-history table
# (which copies "notes" and adds its change reason): a new model with notes is covered unasked.
FREE_TEXT_FIELDS = ("notes", "history_change_reason")


def _mentioning(field: str, terms: list[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__icontains": term}) for term in terms), Q(pk__in=[]))


def _scrub_field(model: type[models.Model], field: str, values: PersonalValues) -> None:
    scrub = values.scrubber(about_her=False)
    rows = model._base_manager.filter(_mentioning(field, values.search_terms(about_her=False)))
    for pk, text in rows.values_list("pk", field):
        scrubbed = scrub(text)
        if scrubbed != text:
            model._base_manager.filter(pk=pk).update(**{field: scrubbed})


def scrub_free_text(values: PersonalValues) -> None:
    """Other students' and enrollments' notes, and every history's notes and change reasons,
    where they name her ("cousin of Aimée Uwase", "called from +250788123456")."""
    for model in apps.get_models():
        for field in FREE_TEXT_FIELDS:
            try:
                kind = model._meta.get_field(field)
            except Exception:  # FieldDoesNotExist: most models have no notes
                continue
            if isinstance(kind, (models.CharField, models.TextField)):
                _scrub_field(model, field, values)


def scrub_admin_log(values: PersonalValues, *, handled: list[int]) -> None:
    """Entries about other objects that name her in their title or message (an enrollment of
    hers since deleted, "Aimée Uwase in September 2027" logged against the intake)."""
    terms = values.search_terms(about_her=False)
    scrub = values.scrubber(about_her=False)
    entries = LogEntry.objects.filter(
        _mentioning("change_message", terms) | _mentioning("object_repr", terms)
    ).exclude(pk__in=handled)
    for entry in entries.only("pk", "object_repr", "change_message"):
        object_repr, message = scrub(entry.object_repr), scrub(entry.change_message)
        if (object_repr, message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=object_repr, change_message=message
            )


def scrub_account_log(user, values: PersonalValues) -> list[int]:
    """The admin log of her own sign-in account (made when staff created or changed it): its
    title was her user name. Call after the account is closed, so the title is its new name."""
    user_type = ContentType.objects.get_for_model(get_user_model())
    scrub = values.scrubber(about_her=True)
    entries = list(LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)))
    for entry in entries:
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=str(user)[:200], change_message=scrub(entry.change_message)
        )
    return [entry.pk for entry in entries]


def scrub_export_logs(values: PersonalValues) -> None:
    """A search she was looked up by stays in the export's filters ("search": "Uwase"). An
    export log is about no one else, so every value goes, a surname alone too; a search term
    that is part of one of her values ("uwase@") goes whole. Who exported, when, what kind and
    how many rows stay: that is what makes an export attributable."""
    scrub = values.scrubber(about_her=True)
    for log in ExportLog.objects.exclude(filters={}).only("pk", "filters").iterator():
        filters = scrub_json(log.filters, scrub)
        search = log.filters.get("search") if isinstance(log.filters, dict) else None
        if isinstance(filters, dict) and isinstance(search, str) and values.is_her(search):
            filters["search"] = ERASED
        if filters != log.filters:
            ExportLog.objects.filter(pk=log.pk).update(filters=filters)


def forget_sign_in_attempts(values: PersonalValues) -> None:
    """django-axes keeps every sign-in attempt with the name typed and the request's GET and
    POST data (passwords masked). Attempts made with one of her identifiers go; others that
    quote her (a mistyped form, a query string) are scrubbed."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    identifiers = reduce(
        or_, (Q(username__iexact=value) for value in values.identifying), Q(pk__in=[])
    )
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(identifiers).delete()
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                _scrub_field(model, field.name, values)

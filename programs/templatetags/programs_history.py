"""The history list's columns in words: a field's label for its heading, a choice's label
(not its code) and a dash for nothing in its cells."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

register = template.Library()


@register.filter
def history_heading(opts: Any, column: str) -> str:
    try:
        return capfirst(opts.get_field(column).verbose_name)
    except FieldDoesNotExist:
        return capfirst(column.replace("_", " "))


@register.filter
def history_cell(record: Any, column: str) -> Any:
    display = getattr(record, f"get_{column}_display", None)
    value = display() if callable(display) else getattr(record, column, None)
    return "—" if value in (None, "") else value

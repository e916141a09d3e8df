"""Cleaning one value of a row: the widgets of ApplicantResource and their helpers."""

from __future__ import annotations

import contextlib
import datetime
import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets

from ..exports import FORMULA_TRIGGERS
from ..models import Enrollment
from ..phones import parse_phone


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell: 1199980012345678.0 -> "1199980012345678"
    text = str(value).strip()
    # Undo the quote our own CSV export puts before =, +, -, @ so an export imports back.
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_TRIGGERS:
        text = text[1:].strip()
    return text


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)


class EmailWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)


class PhoneWidget(widgets.Widget):
    """A number read in the row's country (Rwanda when the row has none), stored in E.164.

    Spreadsheets keep numbers, not text: "+250788123456" comes back as 250788123456 (the "+"
    lost) and "0788123456" as 788123456 (the leading 0 lost). A cell of digits only is read
    both ways; the one that is a valid number is kept, and a cell valid both ways (two
    different numbers) is refused rather than guessed.
    """

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            return ""
        country = _row_country(row)
        digits = text.replace(" ", "").replace("-", "")
        if not digits.isdigit() or digits.startswith("0"):
            return _phone_or_value_error(text, country)
        readings = set()
        for candidate in (digits, "+" + digits):
            with contextlib.suppress(ValidationError):
                readings.add(parse_phone(candidate, country))
        if len(readings) == 1:
            return readings.pop()
        if not readings:
            return _phone_or_value_error(text, country)
        raise ValueError(
            _(
                "“%(text)s” can be read as %(numbers)s. Write the number with its country "
                "code, starting with +, or as dialled in the country, starting with 0."
            )
            % {"text": text, "numbers": _(" or ").join(sorted(readings))}
        )


def _row_country(row) -> str:
    try:
        return CountryWidget().clean(row.get("country")) if row else ""
    except ValueError:
        return ""  # the country cell gets its own error


def _phone_or_value_error(text: str, country: str) -> str:
    try:
        return parse_phone(text, country)
    except ValidationError as error:
        raise ValueError(
            _("“%(text)s” is not a phone number: %(reason)s")
            % {"text": text, "reason": error.messages[0]}
        ) from None


class BirthDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(
                f"“{text}” is not a date. Write it as YYYY-MM-DD, for example 2004-03-15."
            ) from None


@functools.lru_cache(maxsize=512)
def country_code(text: str) -> str:
    """A country name (English or French) or an ISO code (RW, RWA) to the two-letter code;
    "" when unknown. Cached: looking a name up walks every country's translated name."""
    return (
        countries.alpha2(text)
        or countries.by_name(text)
        or countries.by_name(text, language="fr")
        or ""
    )


class CountryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            return ""
        code = country_code(text.casefold())
        if not code:
            raise ValueError(
                f"“{text}” is not a country we know. Give its English name or its two-letter "
                "ISO code, for example Rwanda or RW."
            )
        return code


def clean_status(value: Any) -> str:
    text = cell_text(value).lower()
    if not text:
        return Enrollment.Status.APPLIED
    for status in Enrollment.Status:
        if text in (status.value, str(status.label).lower()):
            return status.value
    raise ValueError(
        f"“{cell_text(value)}” is not a status. Use one of: {', '.join(Enrollment.Status.values)} "
        "(empty means applied)."
    )

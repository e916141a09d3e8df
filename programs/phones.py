"""Phone numbers: read in the person's country, stored in E.164, shown as staff dial them.

The parsing and formatting are Google's libphonenumber rules (the `phonenumbers` package). A
Rwandan writes "0788 123 456"; it is read in Rwanda and stored "+250788123456". A number written
with its country code ("+33 6 12 34 56 78", "0033 6 12 34 56 78") is read as written, whatever
the country. The column stays a plain CharField holding E.164 text (docs/architecture.md, "Phone
numbers", says why not django-phonenumber-field's model field).
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

E164 = re.compile(r"\+[1-9]\d{6,14}")


def phone_region(country: object) -> str:
    """The region to read a number without a country code in: the person's country when the
    phone library knows it, else the site's (Rwanda)."""
    code = str(getattr(country, "code", country) or "").upper()
    if code in phonenumbers.SUPPORTED_REGIONS:
        return code
    return settings.PHONE_DEFAULT_REGION


def invalid_phone_message(region: str) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:  # a region without mobiles in the library's examples
        example = phonenumbers.example_number(region) or phonenumbers.example_number("RW")
    assert example is not None
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    return str(
        _(
            "This is not a phone number we can call. Write it as you dial it in your country "
            "(e.g. %(national)s) or with the country code (e.g. %(international)s)."
        )
        % {"national": national, "international": international}
    )


def _parsed(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None


def parse_phone(text: str, country: object) -> str:
    """`text` as an E.164 number, read in `country`; "" for an empty text.

    Raises ValidationError (code "invalid_phone", in the active language) for text that is
    not a valid number there.
    """
    text = (text or "").strip()
    if not text:
        return ""
    region = phone_region(country)
    if text.startswith("00"):
        # The international call prefix most of the world dials (Rwanda too).
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(invalid_phone_message(region), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    """The model's rule: what is stored is a valid number in E.164 ("+250788123456")."""
    number = _parsed(value) if E164.fullmatch(value or "") else None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number with its country code, e.g. +250788123456."),
            code="invalid_phone",
        )


def _is_rwandan_mobile(value: str) -> bool:
    """+2507 and 8 digits: most of the numbers on record."""
    return len(value) == 13 and value.startswith("+2507") and value[1:].isdigit()


def phone_as_dialled(value: str) -> str:
    """A stored number as staff dial it from the site's country: "0788 123 456" for a Rwandan
    mobile, "00 33 6 12 34 56 78" for a French one. Text a spreadsheet keeps as text (a
    space, no leading "+"), so the CSV needs no formula-escaping mark for it; a value that is
    not E.164 (kept as it was by the migration) is returned unchanged.

    Rwandan mobiles, most rows, are formatted by slicing: libphonenumber's 55 µs a row would
    triple the export's time (tests/test_phones.py proves the slice equals the library's output).
    """
    if not value:
        return ""
    # Rwanda's mobiles: +2507 and 8 digits, shown 07XX XXX XXX.
    if _is_rwandan_mobile(value) and settings.PHONE_DEFAULT_REGION == "RW":
        national = value[4:]
        return f"0{national[:3]} {national[3:6]} {national[6:]}"
    number = _parsed(value) if E164.fullmatch(value) else None
    if number is None or not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_out_of_country_calling_number(number, settings.PHONE_DEFAULT_REGION)


def phone_for_csv(value: str, country: str) -> str:
    """A stored number for the CSV, as text every spreadsheet keeps as text, with no
    formula-escaping mark, and that the import reads back to the same number: as dialled in the
    site's country for a person living there ("0788-123-456"), else with the international
    prefix 00 ("00-33-6-12-34-56-78"), which the import reads whatever the row's country.

    Hyphens, not spaces, between the groups: a spreadsheet in a French locale takes a space for
    its thousands separator and reads "0788 123 456" as the number 788123456 (LibreOffice 7.4
    does, measured: docs/exports.md), but reads no number or date in "0788-123-456".
    """
    site = settings.PHONE_DEFAULT_REGION
    if not value or not E164.fullmatch(value):
        return value  # empty, or kept unreadable by the phone migration: as it is
    if (country or site) == site:
        dialled = phone_as_dialled(value)
    elif _is_rwandan_mobile(value):
        # As phonenumbers writes it ("+250 788 123 456"), by slicing: the library's 60 µs a
        # row made the export of 100,000 rows 4-5 times the command-line tool's time.
        dialled = f"00 250 {value[4:7]} {value[7:10]} {value[10:]}"
    else:
        number = _parsed(value)
        if number is None or not phonenumbers.is_valid_number(number):
            return value
        international = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        dialled = "00 " + international.removeprefix("+")
    return dialled.replace(" ", "-")


def phone_forms(value: str) -> list[str]:
    """Every way a stored number may have been written in free text (for erasure):
    E.164, international with spaces, as dialled, national digits, the digits without the 0."""
    number = _parsed(value) if E164.fullmatch(value or "") else None
    if number is None:
        return [value] if value else []
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    national_digits = re.sub(r"\D", "", national)
    forms = {
        value,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        national,
        national_digits,
        str(number.national_number),
        phone_as_dialled(value),
        phone_for_csv(value, ""),  # as the CSV writes it: 0788-123-456
    }
    return sorted((form for form in forms if len(re.sub(r"\D", "", form)) >= 6), key=len)

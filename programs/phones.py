"""Phone numbers: read in the person's country, stored in E.164, shown to staff as they dial.

The parsing and formatting are Google's libphonenumber rules (the `phonenumbers` package, through
django-phonenumber-field's PhoneNumber). A Rwandan writes "0788 123 456"; it is read in Rwanda
and stored "+250788123456". A number written with its country code ("+33 6 12 34 56 78",
"0033 6 12 34 56 78") is read as written, whatever the country.
"""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber, to_python


def phone_region(country: object) -> str | None:
    """The region to read a number without a country code in: the person's country when the
    phone library knows it, else the site's default (Rwanda)."""
    code = str(getattr(country, "code", country) or "").upper()
    if code in phonenumbers.SUPPORTED_REGIONS:
        return code
    return settings.PHONENUMBER_DEFAULT_REGION


def invalid_phone_message(region: str | None) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    return str(
        _(
            "This is not a phone number we can call. Write it as you dial it in your country "
            "(e.g. %(national)s) or with the country code (e.g. %(international)s)."
        )
        % {"national": national, "international": international}
    )


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
    number = to_python(text, region=region)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        raise ValidationError(invalid_phone_message(region), code="invalid_phone")
    return number.as_e164


def phone_for_staff(value: object) -> str:
    """A stored number as staff dial it: national format for a number of the site's country
    ("078 812 3456"), international for any other ("+33 6 12 34 56 78"); a number that could not
    be read when it was converted is shown as it was stored."""
    number = to_python(value) if isinstance(value, str) else value
    if not isinstance(number, PhoneNumber):
        return ""
    if not number.is_valid():
        return number.raw_input or ""
    if phonenumbers.region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION:
        return number.as_national
    return number.as_international

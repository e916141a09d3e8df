"""How an erased student's personal values are found in text, and replaced.

Two readings of the same person (see programs/erasure.py):
- in a record about her (her enrollments, their history, her admin log entries, a search she was
  looked up by) every value goes, a first or last name alone included;
- in a record about someone else, only what points at her goes: her full name, email, phone,
  national ID, account name; her date of birth too, but only in a text that names her that way,
  since a date alone in someone else's notes is more likely that person's own.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .models import Student
from .personal import STUDENT_PERSONAL_FIELDS
from .phones import phone_forms

ERASED = "[erased]"

Scrub = Callable[[str], str]

# Month names as people write them in the three languages of the tracker, whatever the locale
# the erasure runs under (strftime's %B would give one language only).
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("January", "Jan", "janvier", "janv", "Mutarama"),
    2: ("February", "Feb", "février", "fevrier", "févr", "fevr", "Gashyantare"),
    3: ("March", "Mar", "mars", "Werurwe"),
    4: ("April", "Apr", "avril", "avr", "Mata"),
    5: ("May", "mai", "Gicurasi"),
    6: ("June", "Jun", "juin", "Kamena"),
    7: ("July", "Jul", "juillet", "juil", "Nyakanga"),
    8: ("August", "Aug", "août", "aout", "Kanama"),
    9: ("September", "Sept", "Sep", "septembre", "Nzeri"),
    10: ("October", "Oct", "octobre", "Ukwakira"),
    11: ("November", "Nov", "novembre", "Ugushyingo"),
    12: ("December", "Dec", "décembre", "decembre", "déc", "Ukuboza"),
}


def date_patterns(day: datetime.date) -> list[str]:
    """Regular expressions for a date as people type it: 1999-03-04, 04/03/1999, 4.3.1999,
    03/04/1999 (month first), 4 March 1999, 4th of March 1999, March 4, 1999, 4 mars 1999."""
    d = rf"0?{day.day}"
    m = rf"0?{day.month}"
    y = rf"{day.year}"
    sep = r"[-/. ]"
    ordinal = r"(?:st|nd|rd|th|er)?"
    month = r"(?:" + "|".join(re.escape(name) for name in _MONTHS[day.month]) + r")\.?"
    return [
        rf"{y}{sep}{m}{sep}{d}",
        rf"{d}{sep}{m}{sep}{y}",
        rf"{m}{sep}{d}{sep}{y}",
        rf"{d}{ordinal}\s+(?:of\s+)?{month},?\s+{y}",
        rf"{month}\s+{d}{ordinal},?\s+{y}",
    ]


@dataclass(frozen=True)
class PersonalValues:
    """One student's values, captured before they are replaced."""

    identifying: tuple[str, ...]  # full name, email, phone, national ID, account name and email
    names: tuple[str, ...]  # first name, last name alone
    date_of_birth: datetime.date | None

    @classmethod
    def of(cls, student: Student) -> PersonalValues:
        value = {name: getattr(student, name) for name in STUDENT_PERSONAL_FIELDS}
        identifying = [
            f"{value['first_name']} {value['last_name']}",
            f"{value['last_name']} {value['first_name']}",
            *(
                str(value[name])
                for name in STUDENT_PERSONAL_FIELDS
                # An address left empty is NULL: "None" is nobody's value.
                if name not in ("first_name", "last_name", "date_of_birth") and value[name]
            ),
        ]
        # The phone as people write it in notes too: "0788 123 456", "788123456", "+250 788…".
        identifying += phone_forms(str(value["phone"] or ""))
        user = student.user
        # A staff account is only unlinked and keeps its name: nothing to hunt for elsewhere.
        if user is not None and not (user.is_staff or user.is_superuser):
            identifying += [user.get_username(), user.email]
        return cls(
            identifying=_kept(identifying),
            names=_kept([value["first_name"], value["last_name"]]),
            date_of_birth=value["date_of_birth"],
        )

    def search_terms(self, *, about_her: bool) -> list[str]:
        """Strings for a first, cheap LIKE filter in the database; the regex decides."""
        terms = [*self.identifying, *(self.names if about_her else ())]
        terms = [form for term in terms for form in _json_forms(term)]
        if about_her and self.date_of_birth:
            terms.append(str(self.date_of_birth.year))
        return sorted(set(terms), key=len, reverse=True)

    def scrubber(self, *, about_her: bool) -> Scrub:
        """about_her=True: every value goes. False: see the module docstring."""
        pointing = _pattern(_alternatives(self.identifying))
        dates = date_patterns(self.date_of_birth) if self.date_of_birth else []
        if about_her:
            everything = _pattern(
                _alternatives(self.identifying) + dates + _alternatives(self.names)
            )
            return lambda text: everything.sub(ERASED, text) if text and everything else text
        with_date = _pattern(_alternatives(self.identifying) + dates)

        def scrub(text: str) -> str:
            if not text or pointing is None or not pointing.search(text):
                return text
            return with_date.sub(ERASED, text)  # type: ignore[union-attr]

        return scrub

    def is_her(self, term: str) -> bool:
        """A search term that is part of one of her values ("uwase@", "788123456")."""
        term = term.strip().casefold()
        values = [*self.identifying, *self.names]
        return len(term) >= 3 and any(term in value.casefold() for value in values)


def _kept(values: Iterable[str]) -> tuple[str, ...]:
    # Longest first, so that "Aline Uwase" goes as a whole before "Aline" alone.
    kept = {value.strip() for value in values if value and len(value.strip()) > 1}
    return tuple(sorted(kept, key=len, reverse=True))


def _json_forms(value: str) -> set[str]:
    # The admin log and JSON columns store non-ASCII letters escaped ("Aim\\u00e9e").
    return {value, json.dumps(value)[1:-1]}


def _alternatives(values: Iterable[str]) -> list[str]:
    forms = sorted({form for value in values for form in _json_forms(value)}, key=len, reverse=True)
    return [re.escape(form) for form in forms]


def _pattern(alternatives: list[str]) -> re.Pattern[str] | None:
    if not alternatives:
        return None
    # Whole words only, whatever the capitals: "Ann" goes, "Annual" stays.
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def scrub_json(value: object, scrub: Scrub) -> object:
    """The same JSON with every string scrubbed, keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrub_json(item, scrub) for item in value]
    if isinstance(value, dict):
        return {scrub(str(key)): scrub_json(item, scrub) for key, item in value.items()}
    return value

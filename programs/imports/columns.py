"""The columns of an import file, and which of them are the student's own details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ..personal import STUDENT_PERSONAL_FIELDS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The student's own details: her personal fields (programs/personal.py) and her country.
STUDENT_FIELDS = [*STUDENT_PERSONAL_FIELDS, "country"]
COLUMNS = [*STUDENT_FIELDS, "status", "funding_source"]
REQUIRED_COLUMNS = ["first_name", "last_name", "email"]
COLUMN_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "national_id": "National ID",
    "date_of_birth": "Date of birth",
    "country": "Country",
    "status": "Status",
    "funding_source": "Funding source",
}


def _missing_required(required: list[str]) -> Callable[[list[str]], str]:
    def missing(headers: list[str]) -> str:
        absent = [c for c in required if c not in headers]
        return ", ".join(absent)

    return missing


# The limits' sentences of an applicant file (reading.py).
APPLICANTS_TOO_WIDE = _(
    "Row %(line)s has values in %(count)s columns; an applicant file has at most "
    "%(limit)s. Check that this is the list of applicants."
)
APPLICANTS_OVERLONG = _(
    "Row %(line)s has a cell of %(length)s characters; a cell of an applicant file "
    "holds at most %(limit)s. Check that this is the list of applicants."
)
APPLICANTS_TOO_LONG_SHEET = _(
    "The file has more than %(limit)s rows, empty ones included. Delete the "
    "empty rows below the applicants (or split the file) and upload it again."
)
APPLICANTS_TOO_MANY_ROWS_HERE = _(
    "The file has more than %(limit)s applicant rows; an import here takes at most "
    "%(limit)s. Split it into smaller files, or ask a developer to run the "
    "import_applicants command."
)
APPLICANTS_TOO_MANY_ROWS = _(
    "The file has more than %(limit)s applicant rows; an import takes at most %(limit)s. "
    "Split it into smaller files."
)


@dataclass(frozen=True)
class Layout:
    """What a kind of import file holds: its columns, and which of them must be on row 1.

    `missing(headers)` names the required columns row 1 lacks ("" when none). The limits'
    sentences (reading.py) name what the file lists; whole sentences rather than a noun in
    one sentence, so that each language can word them."""

    columns: list[str]
    missing: Callable[[list[str]], str]
    required_text: str  # how the required columns are told to staff
    rows_noun: str = "applicant rows"
    too_wide: _StrPromise = APPLICANTS_TOO_WIDE
    overlong: _StrPromise = APPLICANTS_OVERLONG
    too_long_sheet: _StrPromise = APPLICANTS_TOO_LONG_SHEET
    # More rows than the admin takes (a file for the command may be bigger), and than any
    # import takes.
    too_many_rows_here: _StrPromise = APPLICANTS_TOO_MANY_ROWS_HERE
    too_many_rows: _StrPromise = APPLICANTS_TOO_MANY_ROWS


APPLICANTS = Layout(
    columns=COLUMNS,
    missing=_missing_required(REQUIRED_COLUMNS),
    required_text="the first three are required",
)

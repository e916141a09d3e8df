"""The columns of an import file, and which of them are the student's own details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..personal import STUDENT_PERSONAL_FIELDS

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


@dataclass(frozen=True)
class Layout:
    """What a kind of import file holds: its columns, and which of them must be on row 1.

    `missing(headers)` names the required columns row 1 lacks ("" when none)."""

    columns: list[str]
    missing: Callable[[list[str]], str]
    required_text: str  # how the required columns are told to staff
    rows_noun: str = "applicant rows"


APPLICANTS = Layout(
    columns=COLUMNS,
    missing=_missing_required(REQUIRED_COLUMNS),
    required_text="the first three are required",
)

"""The columns of an applicant file, and which of them are the student's own details."""

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

"""The columns of an applicant file, and which of them are the student's own details."""

COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "country",
    "status",
    "funding_source",
]
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

STUDENT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "country",
]

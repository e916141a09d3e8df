"""The one list of a student's personal data (Rwanda's data-protection law of 2021).

Erasure replaces these, error reports hide them, public forms mark them sensitive, the import
reads them and the bench builds them: all from this list, so a new personal field is added once.
"""

# Fields of Student that identify a person. Country of residence is not on its own identifying.
STUDENT_PERSONAL_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
)

# Fields of Student about the person that do not identify her on their own ("Woman", "Trade
# policy officer", a ministry): cleared on erasure like the others, but never hunted for in
# other records' text (erasure_text.py), where "officer" would be someone else's word too.
STUDENT_PROFILE_FIELDS: tuple[str, ...] = ("gender", "job_title", "organisation")

# POST fields that hold personal data or secrets on any form (whatever their form prefix).
FORM_PERSONAL_FIELDS: frozenset[str] = frozenset(
    {
        *STUDENT_PERSONAL_FIELDS,
        *STUDENT_PROFILE_FIELDS,
        "username",
        "password",
        "password1",
        "password2",
    }
)

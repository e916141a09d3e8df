"""Import of applicants for one intake from a CSV or XLSX file.

We read the file ourselves, as a stream that stops at the limits (reading.py, xlsx.py), into a
tablib Dataset; django-import-export does the row-by-row bookkeeping (resource.py,
ApplicantResource: one row, one student found by email or created; per-row savepoints; dry run
and rollback). Every write goes through programs.services (student_get_or_create,
enrollment_create), so the rules hold exactly as in the admin.

The dry run and the real import run the same code (run.py): the dry run does the writes inside
a transaction and rolls it back, so what it shows is what the import will do (rows later in the
file see the seats taken by rows before them). The real import is all-or-nothing: if any row is
refused, nothing is written. Imported applicants are sent no status email.

Row numbers are those of the spreadsheet: the header is row 1, the first applicant row 2.
Columns and values are documented in docs/exports.md.

Participants of a short programme (a pasted list or a file of names, organisations and job
titles, the email optional) go through the same run with their own resource: participants.py.
"""

from .cleaning import (
    BirthDateWidget,
    CountryWidget,
    EmailWidget,
    PhoneWidget,
    TextWidget,
    clean_status,
    country_code,
)
from .columns import COLUMN_LABELS, COLUMNS, REQUIRED_COLUMNS, STUDENT_FIELDS
from .limits import (
    ADMIN_MAX_ROWS,
    COMMAND_MAX_FILE_BYTES,
    COMMAND_MAX_ROWS,
    FILE_FORMATS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    ImportFileError,
    file_too_big,
)
from .outcomes import (
    OUTCOME_COLUMNS,
    OutcomeReport,
    OutcomeRow,
    outcomes_import,
    read_outcomes_file,
)
from .participants import PARTICIPANT_COLUMNS, PASTED_COLUMNS, ParticipantResource
from .participants_run import (
    ParticipantReport,
    participants_import,
    read_participants_file,
    read_pasted_participants,
)
from .reading import ApplicantFile, read_applicants_file
from .resource import ApplicantResource, EmailInstanceLoader, RowPlan
from .run import ImportReport, RowReport, applicants_import

__all__ = [
    "ADMIN_MAX_ROWS",
    "COLUMNS",
    "COLUMN_LABELS",
    "COMMAND_MAX_FILE_BYTES",
    "COMMAND_MAX_ROWS",
    "FILE_FORMATS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_SHEET_ROWS",
    "MAX_UNPACKED_BYTES",
    "OUTCOME_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "PASTED_COLUMNS",
    "REQUIRED_COLUMNS",
    "STUDENT_FIELDS",
    "ApplicantFile",
    "ApplicantResource",
    "BirthDateWidget",
    "CountryWidget",
    "EmailInstanceLoader",
    "EmailWidget",
    "ImportFileError",
    "ImportReport",
    "OutcomeReport",
    "OutcomeRow",
    "ParticipantReport",
    "ParticipantResource",
    "PhoneWidget",
    "RowPlan",
    "RowReport",
    "TextWidget",
    "applicants_import",
    "clean_status",
    "country_code",
    "file_too_big",
    "outcomes_import",
    "participants_import",
    "read_applicants_file",
    "read_outcomes_file",
    "read_participants_file",
    "read_pasted_participants",
]

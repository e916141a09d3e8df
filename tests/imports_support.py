"""What the import tests share: a CSV built from rows, one applicant's row, an import run."""

import csv
import io

from programs import imports


def csv_file(*rows, header=imports.COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def applicant_row(first="Aimée", last="Uwase", email="aimee@example.rw", **extra) -> list:
    values = {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": "+250788123456",
        "national_id": "1199880012345678",
        "date_of_birth": "2005-04-12",
        "country": "Rwanda",
        "status": "",
        "funding_source": "",
        **extra,
    }
    return [values[column] for column in imports.COLUMNS]


def run_import(intake, content: bytes, *, dry_run=False, name="applicants.csv", by=None):
    applicant_file = imports.read_applicants_file(content, name)
    return imports.applicants_import(
        intake=intake, applicant_file=applicant_file, dry_run=dry_run, by=by
    )

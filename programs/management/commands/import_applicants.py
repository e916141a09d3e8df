"""Import a CSV or XLSX file of applicants into one intake, as the admin's import page does.

    python manage.py import_applicants applicants.xlsx --intake 3 --dry-run

All or nothing: if any row is refused, nothing is written and the command exits with status 1
after listing the refused rows and why. A file that cannot be read exits with status 2.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from programs import imports
from programs.models import Intake


class Command(BaseCommand):
    help = (
        "Import applicants for an intake from a CSV or XLSX file (columns: "
        + ", ".join(imports.COLUMNS)
        + "). All or nothing; --dry-run shows what would happen."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file.")
        parser.add_argument(
            "--intake", type=int, required=True, help="The id of the intake to import into."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )
        parser.add_argument(
            "--user",
            help="Username recorded as the author in the enrollments' history (optional).",
        )

    def handle(self, *args, file: Path, intake: int, dry_run: bool, user, **options) -> None:
        target = Intake.objects.select_related("program").filter(pk=intake).first()
        if target is None:
            raise CommandError(f"There is no intake with id {intake}.", returncode=2)
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"There is no user named {user!r}.", returncode=2)
        try:
            size = file.stat().st_size
            # A file too big is refused without being read.
            content = file.read_bytes() if size <= imports.COMMAND_MAX_FILE_BYTES else b""
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.", returncode=2) from error
        try:
            if size > imports.COMMAND_MAX_FILE_BYTES:
                raise imports.file_too_big(size, imports.COMMAND_MAX_FILE_BYTES)
            applicant_file = imports.read_applicants_file(
                content,
                file.name,
                max_bytes=imports.COMMAND_MAX_FILE_BYTES,
                max_rows=imports.COMMAND_MAX_ROWS,
            )
        except imports.ImportFileError as error:
            raise CommandError(str(error), returncode=2) from error

        for note in applicant_file.notes:
            self.stderr.write(self.style.WARNING(note))
        verb = "Checking" if dry_run else "Importing"
        with tqdm(
            total=len(applicant_file),
            desc=f"{verb} {file.name}",
            unit="row",
            # The raw stream: OutputWrapper would add a newline to each of tqdm's redraws.
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
        ) as bar:
            report = imports.applicants_import(
                intake=target,
                applicant_file=applicant_file,
                dry_run=dry_run,
                by=by,
                progress=lambda: bar.update(1),
            )

        self.stdout.write(f"Intake: {target} (id {target.pk}).")
        self.stdout.write(
            f"Created: {report.created}. Updated (existing students): {report.updated}. "
            f"Refused: {report.refused}."
        )
        for row in report.refused_rows:
            self.stdout.write(f"  Row {row.line} ({row.email or 'no email'}):")
            for reason in row.reasons:
                self.stdout.write(f"    - {reason}")
        if report.refused:
            raise CommandError(report.summary())
        style = self.style.SUCCESS if report.written else self.style.NOTICE
        self.stdout.write(style(report.summary()))

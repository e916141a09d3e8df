"""Adding participants from a pasted list or a file: the report and the run (participants.py
holds the rows' rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from ..models import Intake
from .participants import PARTICIPANT_COLUMNS, PARTICIPANTS, PASTED_COLUMNS, ParticipantResource
from .reading import ApplicantFile, delimiter_of, header_name, read_applicants_file
from .run import ImportReport, run_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ParticipantReport(ImportReport):
    counted = (
        ("create", ngettext_lazy("%(n)d new person", "%(n)d new people", "n")),
        ("update", ngettext_lazy("%(n)d already recorded", "%(n)d already recorded", "n")),
        ("refused", ngettext_lazy("%(n)d row refused", "%(n)d rows refused", "n")),
    )
    nothing_written = gettext_lazy("Nothing was added from %(file)s: %(counts)s.")

    def done(self, counts: str) -> str:
        added = self.created + self.updated
        return ngettext(
            "Added %(n)d participant to %(intake)s from %(file)s: %(counts)s.",
            "Added %(n)d participants to %(intake)s from %(file)s: %(counts)s.",
            added,
        ) % {"n": added, "intake": self.intake, "file": self.file_name, "counts": counts}


def participants_import(
    *,
    intake: Intake,
    participant_file: ApplicantFile,
    dry_run: bool,
    by: User | None = None,
    expected_students: dict[str, int] | None = None,
) -> ImportReport:
    """Add (or, with dry_run, rehearse adding) the list's participants to `intake`: all or
    nothing, as applicants_import."""
    resource = ParticipantResource(
        intake=intake,
        by=by,
        reason=f"Added from {participant_file.name}",
        expected_students=expected_students,
    )
    return run_rows(resource, participant_file, dry_run=dry_run, report_class=ParticipantReport)


# What the summaries call a pasted list, in the staff member's language ("Dry run of …").
PASTED_NAME = gettext_lazy("the pasted list")


def read_participants_file(content: bytes, filename: str, *, max_rows: int) -> ApplicantFile:
    return read_applicants_file(content, filename, max_rows=max_rows, layout=PARTICIPANTS)


def read_pasted_participants(text: str, *, max_rows: int) -> ApplicantFile:
    """A list pasted from a spreadsheet (tabs) or typed (commas or semicolons), one person a
    line. Without a header line naming its columns, they are name, organisation, job title
    and email, in that order; line numbers are then those of the pasted text."""
    text = text.strip("\r\n")
    content = text.encode("utf-8")
    delimiter = delimiter_of(content)
    first_line = text.split("\n", 1)[0]
    named = {header_name(cell) for cell in first_line.split(delimiter)} & {*PARTICIPANT_COLUMNS}
    if not named:
        content = (delimiter.join(PASTED_COLUMNS) + "\n").encode("utf-8") + content
    pasted = read_applicants_file(
        content, "pasted.csv", max_rows=max_rows, layout=PARTICIPANTS, headerless=not named
    )
    if not named:
        pasted.notes.append(
            _(
                "The list has no header line, so its columns were read as: name, organisation, "
                "job title, email."
            )
        )
    pasted.name = str(PASTED_NAME)
    return pasted

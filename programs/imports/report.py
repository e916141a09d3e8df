"""What the imports report: the rows of a run and the sentence that sums them up.

Shared by the applicants' and participants' import (run.py, participants_run.py) and the
outcomes' survey (outcomes.py): each report names what it counts and how it tells the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, TypeVar

from django.utils.translation import gettext, gettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class ReportedRow(Protocol):
    line: int
    action: str  # "create", "update" (not for outcomes) or "refused"
    email: str
    student_id: int | None


RowT = TypeVar("RowT", bound=ReportedRow)


@dataclass(kw_only=True)
class RowsReport(Generic[RowT]):
    file_name: str
    dry_run: bool
    rows: list[RowT]
    notes: list[str] = field(default_factory=list)

    # What the summary counts, in order: each action and its words, an ngettext_lazy whose
    # number is "n" (so that the catalogue's msgids stay those of the words).
    counted: ClassVar[tuple[tuple[str, _StrPromise], ...]] = ()
    # The summary when a row is refused and nothing is written: "%(file)s", "%(counts)s".
    nothing_written: ClassVar[_StrPromise] = gettext_lazy(
        "Nothing was imported from %(file)s: %(counts)s."
    )

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def refused(self) -> int:
        return self.count("refused")

    @property
    def refused_rows(self) -> list[RowT]:
        return [row for row in self.rows if row.action == "refused"]

    @property
    def written(self) -> bool:
        """Whether the rows are now in the database (a real import with no refusal)."""
        return not self.dry_run and not self.refused

    def match_key(self, row: RowT) -> str:
        """How the confirmation finds the row again: its email by default."""
        return row.email.lower()

    def matched_students(self) -> dict[str, int]:
        """Each row that found a student (its match_key) and that student, for the
        confirmation to check that it still finds the same ones."""
        return {
            self.match_key(row): row.student_id for row in self.rows if row.student_id is not None
        }

    def summary(self) -> str:
        counts = ", ".join(words % {"n": self.count(action)} for action, words in self.counted)
        words = {"file": self.file_name, "counts": counts}
        if self.dry_run:
            return gettext("Dry run of %(file)s: %(counts)s. Nothing was written.") % words
        if self.refused:
            return self.nothing_written % words
        return self.done(counts)

    def done(self, counts: str) -> str:
        """The summary of a run that wrote its rows."""
        raise NotImplementedError

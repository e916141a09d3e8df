"""Changes the benchmark proposes for code it does not own, measured before they are made.

`make bench` measures every page as the code is; when PENDING below is not empty it then
applies those changes to its own throwaway database and process only (indexes created with
the schema editor, admin options or functions swapped at run time) and measures again, and
docs/performance.md shows both, so that each change is justified by a figure before anyone
makes it.

Nothing is pending. The first round (indexes for seat counts, the newest-first list and the
student order; counts as subqueries; estimated paging without the second COUNT(*); a date
filter instead of the enrollment date hierarchy; a bounded intake filter; the country column;
the export without its IN subquery) was measured here and made in commit 01d5d35; see
`git log -p bench/proposals.py` for how each was written and applied.

To propose a change: add (description, function) to PENDING, the function applying it, e.g.

    def _intake_changelist_without_x() -> None:
        from django.contrib import admin
        from programs.models import Intake

        admin.site._registry[Intake].list_filter = [...]

    PENDING = [("IntakeAdmin without x", _intake_changelist_without_x)]

A new index: `with connection.schema_editor() as editor: editor.add_index(Model, index)`,
then ANALYZE on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

PENDING: list[tuple[str, Callable[[], None]]] = []


def apply() -> list[str]:
    """Apply every pending proposal; returns their descriptions, for the doc."""
    for _description, change in PENDING:
        change()
    return [description for description, _change in PENDING]

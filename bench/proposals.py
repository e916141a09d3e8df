"""Changes the benchmark proposes for code it does not own, measured before they are made.

`make bench` measures every page as the code is, then applies these changes to its own
throwaway database and process only (indexes created with the schema editor, admin options
and functions swapped at run time) and measures again. docs/performance.md shows both, so each
change is justified by a figure. Each block below is written the way it would go into
programs/models.py, programs/admin.py or programs/exports.py; once a change is made there,
applying it here changes nothing and the two columns agree.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

# --- programs/models.py: indexes --------------------------------------------------------------

# Enrollment.Meta.indexes += [...]: the enrollment changelist shows the newest first
# (Meta.ordering = ["-created_at", "-pk"]); without it every page view sorts every row.
ENROLLMENT_NEWEST_FIRST = models.Index(
    fields=["-created_at", "-id"], name="enrollment_newest_first"
)
# Enrollment.Meta.indexes: instead of enrollment_intake_status (intake, status). The same prefix
# serves every seat count; with the funding source last it also answers "funded places taken
# in this intake from this source" from the index alone. Without it SQLite counts those
# through the funding_source_id index: every enrollment of the source, for each row of the
# intake changelist's funding column, the public pages and the funder report.
ENROLLMENT_INTAKE_STATUS_SOURCE = models.Index(
    fields=["intake", "status", "funding_source"], name="enrollment_intake_status_source"
)
# Student.Meta.indexes += [...]: the student changelist's order (Meta.ordering).
STUDENT_NAME_ORDER = models.Index(
    fields=["last_name", "first_name", "id"], name="student_name_order"
)


# --- programs/models.py: IntakeQuerySet.with_counts -------------------------------------------


def _enrollment_count(**filters) -> Coalesce:
    from programs.models import Enrollment

    counted = (
        Enrollment.objects.filter(intake=OuterRef("pk"), **filters)
        .order_by()
        .values("intake")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(self):
    """Annotate seats taken and the waitlist's length; one query whatever the number of rows.

    Correlated subqueries rather than a JOIN with GROUP BY: the database counts only the
    intakes on the page (through the (intake, status) index), and COUNT(*) and the date
    hierarchy of the changelist no longer aggregate every enrollment.
    """
    from programs.models import SEAT_HOLDING

    return self.annotate(
        seats_taken=_enrollment_count(status__in=SEAT_HOLDING),
        waitlist_length=_enrollment_count(status="waitlisted"),
    )


# --- programs/admin.py ------------------------------------------------------------------------


class EstimatedCountPaginator(Paginator):
    """Pages of a long list without counting every row on each page view.

    An unfiltered list on PostgreSQL takes the planner's row estimate (pg_class.reltuples,
    kept fresh by autovacuum) when it is above `estimate_above`, and counts exactly below it,
    in one query either way. Filtered lists and SQLite (which keeps no estimate) count.
    The last page may then be a few rows short of what the count promised; the admin shows
    what there is.
    """

    estimate_above = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                table = queryset.model._meta.db_table
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT CASE WHEN reltuples > %s THEN reltuples::bigint "
                        f"ELSE (SELECT COUNT(*) FROM {connection.ops.quote_name(table)}) END "
                        "FROM pg_class WHERE oid = %s::regclass",
                        [self.estimate_above, table],
                    )
                    return cursor.fetchone()[0]
        return super().count


def student_admin_get_queryset(self, request):
    """StudentAdmin.get_queryset: the count as a subquery, so only the page's rows are counted
    and the paginator's COUNT(*) does not join every enrollment."""
    from programs.models import Enrollment

    counted = (
        Enrollment.objects.filter(student=OuterRef("pk"))
        .order_by()
        .values("student")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return admin.ModelAdmin.get_queryset(self, request).annotate(
        enrollment_total=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


@admin.display(description="country", ordering="country")
def country_name(self, obj) -> str:
    """StudentAdmin.country_name, in list_display instead of "country": the admin shows a
    CountryField through its flatchoices, which django-countries rebuilds (250 countries,
    translated and normalised) for every row of every page: 2 seconds a page under load."""
    return obj.country.name


def intake_filter_lookups(self, request, model_admin):
    """IntakeFilter.lookups: the intakes of the chosen programme, or else those not finished.

    Every intake of every year is a link in the sidebar of every enrollment page: 500 links
    here, 40% of the page's time, and one more programme-year each September. Older intakes
    stay one click away (choose the programme first), and a chosen one stays listed.
    """
    from django.db.models import Q
    from django.utils import timezone

    from programs.models import Intake

    intakes = Intake.objects.select_related("program")
    program = request.GET.get("program")
    if program and program.isdigit():
        shown = Q(program_id=program)
    else:
        shown = Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    if self.value() and str(self.value()).isdigit():
        shown |= Q(pk=self.value())
    return [(intake.pk, str(intake)) for intake in intakes.filter(shown)]


# For each of EnrollmentAdmin, StudentAdmin and IntakeAdmin:
ADMIN_OPTIONS = {"show_full_result_count": False, "paginator": EstimatedCountPaginator}
# EnrollmentAdmin: no date_hierarchy (its year links scan and truncate every created_at on each
# page view); a date filter with fixed choices does the same job without a query.
ENROLLMENT_DATE_FILTER = ("created_at", admin.DateFieldListFilter)


# --- programs/exports.py ----------------------------------------------------------------------

# In exports.enrollment_rows, read `queryset` itself instead of
# Enrollment.objects.filter(pk__in=queryset.values("pk")): the callers (the staff URL's filters,
# the admin action's selection) pass plain filtered querysets, and the IN (subquery) costs a
# semi-join over every row (0.45 s of 3.4 s at 100,000 rows on SQLite). A one-line change, so
# the bench applies it to the function's current source rather than to a copy that would age.
EXPORT_SUBQUERY = 'Enrollment.objects.filter(pk__in=queryset.values("pk"))'
EXPORT_DIRECT = "queryset"


def _patched_enrollment_rows():
    """exports.enrollment_rows with the change above, or None if its source no longer has
    the subquery (the change was made, or the function was rewritten)."""
    import inspect
    import textwrap

    from programs import exports

    source = textwrap.dedent(inspect.getsource(exports.enrollment_rows))
    if EXPORT_SUBQUERY not in source:
        return None
    namespace = dict(vars(exports))
    exec(
        compile(source.replace(EXPORT_SUBQUERY, EXPORT_DIRECT), exports.__file__, "exec"), namespace
    )
    return namespace["enrollment_rows"]


# --- applying them to the bench's own database and process ----------------------------------


def apply() -> list[str]:
    """Apply every proposal; returns what was applied, for the doc."""
    from django.db import connection

    from programs import admin as programs_admin
    from programs import exports
    from programs.models import Enrollment, Intake, IntakeQuerySet, Student

    done = []
    existing = {
        name
        for model in (Enrollment, Student)
        for name in connection.introspection.get_constraints(
            connection.cursor(), model._meta.db_table
        )
    }
    with connection.schema_editor() as editor:
        for model, index in (
            (Enrollment, ENROLLMENT_NEWEST_FIRST),
            (Enrollment, ENROLLMENT_INTAKE_STATUS_SOURCE),
            (Student, STUDENT_NAME_ORDER),
        ):
            if index.name not in existing:
                editor.add_index(model, index)
                done.append(f"index {index.name} on {model.__name__}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    IntakeQuerySet.with_counts = with_counts
    done.append("IntakeQuerySet.with_counts with subqueries")
    site = admin.site._registry
    for model in (Enrollment, Student, Intake):
        for option, value in ADMIN_OPTIONS.items():
            setattr(site[model], option, value)
    done.append("show_full_result_count = False and EstimatedCountPaginator on 3 changelists")
    enrollment_admin = site[Enrollment]
    enrollment_admin.date_hierarchy = None
    if ENROLLMENT_DATE_FILTER not in enrollment_admin.list_filter:
        enrollment_admin.list_filter = [*enrollment_admin.list_filter, ENROLLMENT_DATE_FILTER]
    done.append("EnrollmentAdmin: a created_at list filter instead of date_hierarchy")
    programs_admin.IntakeFilter.lookups = intake_filter_lookups
    done.append("IntakeFilter: the chosen programme's intakes, or those not finished")
    student_admin = site[Student]
    student_admin.get_queryset = student_admin_get_queryset.__get__(student_admin)
    done.append("StudentAdmin.get_queryset with a subquery count")
    student_admin.country_name = country_name.__get__(student_admin)
    student_admin.list_display = [
        "country_name" if name == "country" else name for name in student_admin.list_display
    ]
    done.append("StudentAdmin: country_name column instead of the raw CountryField")
    patched = _patched_enrollment_rows()
    if patched is not None:
        exports.enrollment_rows = patched
        done.append("exports.enrollment_rows without the pk__in subquery")
    assert programs_admin  # the admin module is loaded, so the registry is complete
    return done

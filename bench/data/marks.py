"""What marks a row as bench data, and how earlier bench data is found and removed."""

from __future__ import annotations

from programs.models import (
    Enrollment,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Partner,
    Program,
    Student,
)

PREFIX = "bench-"
EMAIL_DOMAIN = "@bench.example.org"


def non_bench_data() -> dict[str, int]:
    """Rows the generator did not make, by kind; empty when the database holds only bench data."""
    counts = {
        "partners": Partner.objects.exclude(name__startswith=PREFIX).count(),
        "programmes": Program.objects.exclude(slug__startswith=PREFIX).count(),
        "funding sources": FundingSource.objects.exclude(name__startswith=PREFIX).count(),
        "students": Student.objects.exclude(email__endswith=EMAIL_DOMAIN).count(),
    }
    return {kind: n for kind, n in counts.items() if n}


def delete_bench_data() -> None:
    """Delete earlier bench data with plain DELETE statements.

    QuerySet.delete() would load every row to send the history signals (one history row per
    deleted enrollment); bench rows have no history, so a raw delete loses nothing.
    """
    bench_intakes = Intake.objects.filter(program__slug__startswith=PREFIX)
    bench_sources = FundingSource.objects.filter(name__startswith=PREFIX)
    querysets = [
        Enrollment.objects.filter(student__email__endswith=EMAIL_DOMAIN),
        Enrollment.objects.filter(intake__in=bench_intakes),
        IntakeFunding.objects.filter(intake__in=bench_intakes),
        IntakeFunding.objects.filter(funding_source__in=bench_sources),
        bench_intakes,
        Program.partners.through.objects.filter(program__slug__startswith=PREFIX),
        Program.objects.filter(slug__startswith=PREFIX),
        FundingShare.objects.filter(funding_source__in=bench_sources),
        bench_sources,
        Student.objects.filter(email__endswith=EMAIL_DOMAIN),
        Partner.objects.filter(name__startswith=PREFIX),
    ]
    for queryset in querysets:
        queryset._raw_delete(queryset.db)

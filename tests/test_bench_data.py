"""generate_bench_data: realistic, marked as bench data, keeps the five rules, and refuses to
touch a database that holds other data."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum

from bench.data import catalogue
from bench.data.marks import non_bench_data
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

from .factories import PartnerFactory

pytestmark = pytest.mark.django_db

N = 300


def _generate(*args: str, students: int = N) -> None:
    call_command("generate_bench_data", "--students", str(students), "--no-progress", *args)


def _assert_the_five_rules_hold() -> None:
    seat = Q(enrollments__status__in=Enrollment.SEAT_HOLDING)
    # Rule 1: seat-holding enrollments never exceed the capacity.
    for intake in Intake.objects.annotate(taken=Count("enrollments", filter=seat)):
        assert intake.taken <= intake.capacity, intake
    # Rule 3: the funded places of an intake add up to no more than its capacity.
    for row in Intake.objects.values("pk", "capacity").annotate(places=Sum("fundings__places")):
        assert (row["places"] or 0) <= row["capacity"], row
    # Rule 2: a source funds no more seat-holders in an intake than its places there.
    places = {(f.intake_id, f.funding_source_id): f.places for f in IntakeFunding.objects.all()}
    funded = (
        Enrollment.objects.seat_holding()
        .filter(funding_source__isnull=False)
        .values_list("intake_id", "funding_source_id")
        .annotate(n=Count("pk"))
    )
    for intake_id, source_id, n in funded:
        assert n <= places[intake_id, source_id]
    # Every funding source asked for or held is one the intake has places from.
    asked = Enrollment.objects.filter(funding_source__isnull=False).values_list(
        "intake_id", "funding_source_id"
    )
    assert set(asked) <= set(places)
    # Rule 4: a student is enrolled at most once in an intake.
    pairs = Enrollment.objects.values_list("student_id", "intake_id")
    assert pairs.count() == pairs.distinct().count()
    # Rule 5: shares of a source are all given and total 100, or none is given.
    shares = defaultdict(list)
    for share in FundingShare.objects.all():
        shares[share.funding_source_id].append(share.share_percent)
    for percents in shares.values():
        given = [p for p in percents if p is not None]
        assert not given or (len(given) == len(percents) and sum(given) == Decimal("100"))


def test_builds_the_promised_shape_marked_as_bench_data():
    _generate()

    assert Program.objects.count() == 50
    assert Intake.objects.count() == 500
    assert Student.objects.count() == N
    assert 0.9 * N <= Enrollment.objects.count() <= 1.2 * N
    assert not non_bench_data()
    assert all(capacity >= 150 for capacity in Intake.objects.values_list("capacity", flat=True))
    # Across statuses and funding: funded and unfunded seats, known and unknown shares.
    assert Enrollment.objects.values("status").distinct().count() >= 6
    assert Enrollment.objects.seat_holding().filter(funding_source__isnull=False).exists()
    assert Enrollment.objects.seat_holding().filter(funding_source__isnull=True).exists()
    assert FundingShare.objects.filter(share_percent__isnull=True).exists()
    assert FundingShare.objects.filter(share_percent__isnull=False).exists()
    assert FundingSource.objects.annotate(n=Count("shares")).filter(n__gte=2).count() >= 10
    assert IntakeFunding.objects.count() >= 500
    # Some intakes take applications today, so the public apply form has something to show.
    assert any(intake.applications_are_open() for intake in Intake.objects.all())
    # Applications arrived over the years, not all at the moment of the build.
    years = Enrollment.objects.dates("created_at", "year")
    assert len(years) >= 5
    _assert_the_five_rules_hold()


def test_keeps_the_rules_when_intakes_fill_up(monkeypatch):
    """With two to five seats per intake most intakes are full: the rules must still hold."""
    monkeypatch.setattr(catalogue, "CAPACITY_RANGE", (2, 5))

    _generate(students=2000)

    full = [
        intake
        for intake in Intake.objects.annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING))
        )
        if intake.taken == intake.capacity
    ]
    assert len(full) >= 10
    _assert_the_five_rules_hold()


def test_running_again_replaces_the_bench_data():
    _generate()
    _generate()

    assert Program.objects.count() == 50
    assert Student.objects.count() == N


def test_refuses_a_database_with_other_data_and_changes_nothing():
    PartnerFactory(name="Higher Education Council of Rwanda")

    with pytest.raises(CommandError) as refused:
        _generate()

    # manage.py prints the message and exits with this status.
    assert refused.value.returncode == 1
    error = str(refused.value)
    assert "not bench data (1 partner)" in error
    assert "--force" in error
    assert Partner.objects.count() == 1
    assert not Program.objects.exists()


def test_force_adds_bench_data_next_to_other_data():
    other = PartnerFactory(name="Higher Education Council of Rwanda")

    _generate("--force")

    assert Partner.objects.filter(pk=other.pk).exists()
    assert Program.objects.count() == 50
    assert non_bench_data() == {"partners": 1}

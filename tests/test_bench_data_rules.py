"""The bench data passes the model's own checks and the services' lifecycle rules, row by row."""

import pytest
from django.core.management import call_command

from bench.data import catalogue
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
from programs.services.lifecycle import lifecycle_validate

pytestmark = pytest.mark.django_db

Status = Enrollment.Status


@pytest.fixture
def bench_data(monkeypatch):
    # Small intakes fill up, so that refused seats, waitlists and every status appear.
    monkeypatch.setattr(catalogue, "CAPACITY_RANGE", (2, 6))
    call_command("generate_bench_data", "--students", "400", "--no-progress")


def test_every_row_passes_full_clean(bench_data):
    models = [Partner, Program, FundingSource, FundingShare, Intake, IntakeFunding, Student]
    for model in [*models, Enrollment]:
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            # Fields, choices, check and unique constraints, as a form's save would check them.
            row.full_clean()
    assert set(Enrollment.objects.values_list("status", flat=True)) == set(Status.values)


def test_every_enrollment_carries_what_its_status_needs(bench_data):
    enrollments = Enrollment.objects.select_related("intake__program")
    for enrollment in enrollments:
        lifecycle_validate(enrollment=enrollment, previous_status=None)
    withdrawn = enrollments.filter(status=Status.WITHDRAWN)
    assert withdrawn.exists()
    assert not withdrawn.filter(exit_reason="").exists()
    assert not withdrawn.filter(exit_date=None).exists()
    completed = enrollments.filter(status=Status.COMPLETED)
    assert completed.exists()
    assert all(e.completed_on == e.intake.end_date for e in completed)
    # An offer expires after the intake's response time, as lifecycle_tidy sets it.
    offered = list(enrollments.filter(status=Status.OFFERED))
    assert offered
    assert all(e.offer_expires_on == e.intake.offer_deadline() for e in offered)


def test_waitlist_positions_run_from_one_in_each_intake(bench_data):
    by_intake: dict[int, list[int]] = {}
    waitlisted = Enrollment.objects.filter(status=Status.WAITLISTED).order_by("waitlist_position")
    for intake_id, position in waitlisted.values_list("intake_id", "waitlist_position"):
        by_intake.setdefault(intake_id, []).append(position)
    assert by_intake
    for positions in by_intake.values():
        assert positions == list(range(1, len(positions) + 1))

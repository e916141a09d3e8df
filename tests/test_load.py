"""The load bench in small (bench/load.py, `make bench-load`): applications sent at once from one
address, through gunicorn with 4 workers, are all stored and none is refused.

PostgreSQL only (`make test-postgres`): that is the production database, and the 4 workers
writing at once to the SQLite file measure its lock, not the application. No timing is asserted:
the machine is shared; bench/load.py reports the latencies.
"""

from __future__ import annotations

import secrets
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from bench.load import run_load
from programs.models import Enrollment, Student

from .factories import IntakeFactory
from .gunicorn_server import GUNICORN, Server, database_url

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLIENTS = 5
PER_CLIENT = 4


@pytest.fixture
def server(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("The load test runs on PostgreSQL only (make test-postgres).")
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed at {GUNICORN}")
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    server = Server(tmp_path, settings.SECRET_KEY, database=database_url())
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_twenty_applications_at_once_from_one_address_are_all_stored(server):
    intake = IntakeFactory(capacity=22)
    other = IntakeFactory(capacity=22)

    result = run_load(
        server.base_url,
        reverse("programs:intake-apply", args=[intake.pk]),
        clients=CLIENTS,
        per_client=PER_CLIENT,
        tag="test",
    )

    sent = CLIENTS * PER_CLIENT
    assert result.errors == [], server.log()
    # Every POST redirected to the thank-you page: no 429 from the per-address ceiling, no 5xx.
    assert dict(result.statuses) == {HTTPStatus.FOUND: sent}
    assert len(result.post_seconds) == sent
    # One application per POST, each of a new student, all in the intake applied to.
    applied = Enrollment.objects.filter(intake=intake, status=Enrollment.Status.APPLIED)
    assert applied.count() == sent
    assert Student.objects.filter(email__startswith="load-test-").count() == sent
    assert not Enrollment.objects.filter(intake=other).exists()

"""The cohort's figures on the intake dashboard and in the cohort CSV: per term, exits by
reason, retention and graduation rate (intake and per funding source), in constant queries."""

from __future__ import annotations

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from programs.exports import BOM
from programs.models import Enrollment, ExportLog, TermRecord
from programs.selectors import cohort

from .cohort import make_terms, record
from .factories import EnrollmentFactory, IntakeFactory, StaffFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_of_ten(september_intake, joint_scholarship, fill):
    """10 ever enrolled: 6 funded studying, 1 unfunded studying, 2 completed (funded), 1 left
    (funded, financial); and 1 who declined an offer and 1 applicant who withdrew (not counted).
    """
    terms = make_terms(september_intake, years=1)
    studying = fill(september_intake, 6, funding_source=joint_scholarship)
    studying += fill(september_intake, 1)
    fill(september_intake, 2, status=Status.COMPLETED, funding_source=joint_scholarship)
    EnrollmentFactory(
        intake=september_intake,
        status=Status.WITHDRAWN,
        funding_source=joint_scholarship,
        exit_reason="financial",
        exit_date=datetime.date(2027, 12, 1),
    )
    EnrollmentFactory(
        intake=september_intake,
        status=Status.WITHDRAWN,
        exit_reason="declined_offer",
        exit_date=datetime.date(2027, 8, 1),
    )
    EnrollmentFactory(intake=september_intake, status=Status.WITHDRAWN)
    for n, enrollment in enumerate(studying):
        record(enrollment, terms[0], standing="probation" if n == 0 else "good")
    return terms


def test_retention_and_graduation_for_the_intake_and_per_source(
    september_intake, cohort_of_ten, django_assert_num_queries
):
    # terms; records per term/year/standing; enrollments per status/reason/source; names.
    with django_assert_num_queries(4):
        summary = cohort.cohort_summary(september_intake)
    assert (summary.total.ever_enrolled, summary.total.retained) == (10, 9)
    assert (summary.total.retention, summary.total.graduation) == ("90.0 %", "20.0 %")
    rows = {r.label: (r.ever_enrolled, r.retention, r.graduation) for r in summary.by_source}
    assert rows == {
        "HEC–Alibaba Joint Scholarship": (9, "88.9 %", "22.2 %"),
        "Without a funding source": (1, "100.0 %", "0.0 %"),
    }
    assert summary.exits == [("Financial", 1)]
    first = summary.terms[0]
    assert first.studying == 7
    assert list(first.table()) == [(1, [6, 1, 0], 7)]
    assert summary.terms[1].studying == 0


def test_an_intake_nobody_enrolled_in_shows_a_dash(september_intake):
    summary = cohort.cohort_summary(september_intake)
    assert (summary.total.retention, summary.total.graduation) == ("–", "–")


def test_the_dashboard_shows_the_retention(client, staff, september_intake, cohort_of_ten):
    client.force_login(staff)
    page = client.get(reverse("programs:intake-dashboard", args=[september_intake.pk]))
    text = page.content.decode()
    assert 'data-figure="retention">90.0 %' in text
    assert "Year 1, semester 1 (" in text


def _export(client, **params):
    return client.get(reverse("programs:cohort-export"), params)


def test_the_cohort_csv_has_one_row_per_enrollment_with_its_latest_term(
    client, manager, september_intake, cohort_of_ten
):
    client.force_login(manager)
    response = _export(client, intake=september_intake.pk)
    assert response.status_code == HTTPStatus.OK
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(body.removeprefix(BOM))))
    for column in (
        "Year of study",
        "Standing",
        "Result",
        "Exit reason",
        "Exit date",
        "Completed on",
        "Funding source",
    ):
        assert column in rows[0]
    assert len(rows) == 12  # every enrollment of the intake
    left = [r for r in rows if r["Exit reason"] == "Financial"]
    assert [r["Exit date"] for r in left] == ["2027-12-01"]
    assert sum(r["Standing"] == "On probation" for r in rows) == 1
    assert ExportLog.objects.get().filters["via"] == "cohort export"


def test_the_cohort_csv_escapes_formulas(client, manager, september_intake, fill):
    (enrollment,) = fill(september_intake, 1)
    enrollment.student.first_name = "=HYPERLINK(1)"
    enrollment.student.save()
    client.force_login(manager)
    body = b"".join(_export(client, intake=september_intake.pk).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize("n", [3, 15])
def test_the_cohort_csv_in_constant_queries(
    client, manager, september_intake, fill, n, django_assert_num_queries
):
    terms = make_terms(september_intake, years=1)
    for enrollment in fill(september_intake, n):
        record(enrollment, terms[0], result=TermRecord.Result.PASSED)
        record(enrollment, terms[1])
    client.force_login(manager)
    # session, user, the user's and the group's permissions, the intake, the log's insert,
    # the term records, the enrollments (with student, programme, source), the log's update.
    with django_assert_num_queries(9):
        response = _export(client, intake=september_intake.pk)
        rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == n + 1


@pytest.mark.parametrize("value", ["", "abc", "999999", "1.5", "9" * 30])
def test_a_bad_intake_is_a_400_page(client, manager, value):
    client.force_login(manager)
    response = client.get(reverse("programs:cohort-export"), {"intake": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ExportLog.objects.exists()


def test_a_viewer_cannot_export(client, viewer, september_intake):
    client.force_login(viewer)
    assert _export(client, intake=september_intake.pk).status_code == HTTPStatus.FORBIDDEN


class CohortExportHypothesis(TestCase):
    """Whatever the query string, a CSV or a 400, never a 500."""

    @classmethod
    def setUpTestData(cls):
        cls.intake = IntakeFactory()
        cls.user = StaffFactory(username="cohort-hypothesis")

    @settings(max_examples=60, deadline=None)
    @given(
        intake=st.one_of(st.text(max_size=30), st.integers().map(str)), extra=st.text(max_size=10)
    )
    def test_any_intake_value(self, intake, extra):
        self.client.force_login(self.user)
        response = self.client.get(
            reverse("programs:cohort-export"), {"intake": intake, "x": extra}
        )
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)

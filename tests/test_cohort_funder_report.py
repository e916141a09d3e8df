"""The funder report follows the funded cohort: each funded student's year of study and latest
standing, who left with the reason and date, and per term the funded students studying."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from programs import reports
from programs.models import Enrollment
from programs.selectors.funder_cohort import funder_cohort

from .cohort import make_terms, record
from .factories import EnrollmentFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def funded_cohort(september_intake, joint_scholarship, fill):
    terms = make_terms(september_intake, years=1)
    studying = fill(september_intake, 3, funding_source=joint_scholarship)
    record(studying[0], terms[0], result="passed")
    record(studying[0], terms[1], standing="probation")
    record(studying[1], terms[0], result="passed")
    record(studying[1], terms[1])
    record(studying[2], terms[0])
    left = EnrollmentFactory(
        intake=september_intake,
        status=Status.WITHDRAWN,
        funding_source=joint_scholarship,
        exit_reason="health",
        exit_date=datetime.date(2027, 11, 2),
    )
    EnrollmentFactory(
        intake=september_intake,
        status=Status.WITHDRAWN,
        funding_source=joint_scholarship,
        exit_reason="declined_offer",
        exit_date=datetime.date(2027, 8, 2),
    )
    return {"terms": terms, "studying": studying, "left": left}


def test_each_funded_student_with_year_standing_and_the_leavers(
    september_intake, joint_scholarship, funded_cohort, django_assert_num_queries
):
    sources = reports.funder_report(intake=september_intake)
    # latest records; leavers; per-term counts; terms.
    with django_assert_num_queries(4):
        cohorts = funder_cohort(sources)
    line = cohorts[(september_intake.pk, joint_scholarship.pk)]
    first, second, _third = funded_cohort["studying"]
    assert line.progress[first.pk] == (1, "On probation")
    assert line.progress[second.pk] == (1, "Good standing")
    assert [(leaver.reason, leaver.date) for leaver in line.leavers] == [
        ("Health", datetime.date(2027, 11, 2))
    ]
    assert [(term.name, n) for term, n in line.terms] == [
        ("Year 1, semester 1", 3),
        ("Year 1, semester 2", 2),
    ]


def test_the_report_pages_show_it(
    client, manager, september_intake, joint_scholarship, funded_cohort
):
    client.force_login(manager)
    url = reverse("programs:funder-report")
    page = client.get(url, {"intake": september_intake.pk}).content.decode()
    assert "Funded students who left" in page
    assert funded_cohort["left"].student.full_name in page
    assert "On probation" in page
    shared = client.get(
        url,
        {
            "intake": september_intake.pk,
            "funding_source": joint_scholarship.pk,
            "audience": "funder",
        },
    )
    text = shared.content.decode()
    assert "year 1, on probation" in text
    assert "Funded students studying per term" in text
    # Rule 8: what is made for funders shows no count from 1 to 4 in a breakdown.
    terms_table = text[text.index('class="funder-terms"') :].split("</table>")[0]
    assert terms_table.count("fewer than 5") == 2
    assert not any(f'"num">{n}<' in terms_table for n in range(1, 5))

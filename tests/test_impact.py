"""The impact figures (programs/selectors/impact.py): who counts, small counts on the public
page, exact counts for staff, the CSV, bad filters, and queries constant in N."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Enrollment
from programs.selectors.impact import impact_figures

from .factories import (
    EnrollmentFactory,
    IntakeFactory,
    OutcomeFactory,
    ProgramFactory,
)
from .factories import (
    TestimonialFactory as Testimonials,
)

pytestmark = pytest.mark.django_db
Status = Enrollment.Status
TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=400)


def _programme(name: str, noun: str, completed: int, **kwargs):
    program = ProgramFactory(name=name, participants_called=noun, **kwargs)
    intake = IntakeFactory(program=program, start_date=PAST, end_date=PAST)
    return [
        EnrollmentFactory(intake=intake, status=Status.COMPLETED, completed_on=PAST)
        for _ in range(completed)
    ]


def test_programmes_with_the_same_noun_add_up_and_each_person_counts_once():
    fellows = _programme("eFounders Fellowship", "entrepreneurs", 3)
    _programme("Netpreneur", "entrepreneurs", 2)
    # A fellow who also took Netpreneur is one entrepreneur, not two.
    netpreneur = IntakeFactory(
        program__name="Netpreneur 2",
        program__participants_called=("entrepreneurs"),
        start_date=PAST,
        end_date=PAST,
    )
    EnrollmentFactory(
        intake=netpreneur, student=fellows[0].student, status=Status.COMPLETED, completed_on=PAST
    )
    figures = impact_figures(public=True)
    [entrepreneurs] = figures.nouns
    assert entrepreneurs.count == 5
    assert sorted(entrepreneurs.programmes) == [
        "Netpreneur",
        "Netpreneur 2",
        "eFounders Fellowship",
    ]
    assert figures.total == 5


def test_who_counts_at_the_boundary():
    running = IntakeFactory(start_date=PAST, end_date=TODAY, program__participants_called="x")
    ended = IntakeFactory(
        program=running.program, start_date=PAST, end_date=TODAY - datetime.timedelta(days=1)
    )
    EnrollmentFactory(intake=running, status=Status.ENROLLED)  # running until today: counts
    EnrollmentFactory(intake=ended, status=Status.ENROLLED)  # ended yesterday: does not
    EnrollmentFactory(intake=ended, status=Status.WITHDRAWN)
    EnrollmentFactory(intake=ended, status=Status.COMPLETED, completed_on=PAST)
    assert impact_figures(public=True).total == 2


def test_the_public_page_reads_fewer_than_5_and_names_no_one(client):
    people = _programme("New Economy Workshop", "government delegates", 4)
    _programme("Train the Trainers", "educators", 5)
    _programme("Hidden", "spies", 7, is_published=False)
    Testimonials(student=people[0].student, quote="Unpublished words.")
    Testimonials(
        student=people[1].student, consent_given_on=PAST, is_published=True, quote="It helped."
    )
    page = client.get(reverse("programs:impact")).content.decode()
    assert "fewer than 5" in page and "government delegates" in page
    assert '>5</span> <span class="fs-5">educators' in page
    assert "spies" not in page and "Hidden" not in page
    assert "It helped." in page and "Unpublished words." not in page
    for enrollment in people:
        assert enrollment.student.last_name not in page
    assert ">4<" not in page


def test_the_public_page_costs_the_same_queries_for_more_programmes(
    client, django_assert_num_queries
):
    _programme("A", "entrepreneurs", 5)
    # programmes, per programme, per programme and year, total, per noun, per country,
    # testimonials.
    with django_assert_num_queries(7):
        client.get(reverse("programs:impact"))
    for name in "BCDEF":
        _programme(name, f"people {name}", 6)
    with django_assert_num_queries(7):
        client.get(reverse("programs:impact"))


def test_the_staff_report_is_exact_and_filters(client, viewer):
    people = _programme("New Economy Workshop", "government delegates", 3)
    people[0].student.gender = "woman"
    people[0].student.save()
    OutcomeFactory(student=people[0].student, jobs_created=7, funding_raised=100, currency="USD")
    client.force_login(viewer)
    page = client.get(reverse("programs:impact-report")).content.decode()
    assert '<td class="num">3</td>' in page and "fewer than 5<" not in page
    assert "100.00 USD" in page
    filtered = impact_figures(public=False, filters=_filters(gender="woman"))
    assert filtered.total == 1
    assert filtered.outcomes[0].jobs_created == 7


def _filters(**kwargs):
    from programs.selectors.impact import ImpactFilters

    return ImpactFilters(**kwargs)


def test_the_csv_has_a_bom_and_escapes_formulas(client, viewer):
    _programme("=HYPERLINK(1)", "entrepreneurs", 2)
    client.force_login(viewer)
    response = client.get(reverse("programs:impact-report-csv"))
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffBreakdown,")
    assert "'=HYPERLINK(1)" in body
    assert "Programme,'=HYPERLINK(1),,2" in body


@pytest.mark.parametrize("query", ["program=999999", "year=abc", "gender=robot", "program=x"])
def test_bad_filters_are_a_400_that_says_why(client, viewer, query):
    client.force_login(viewer)
    response = client.get(reverse("programs:impact-report") + "?" + query)
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_the_report_is_for_staff_who_may_view_intakes(client, owner):
    assert client.get(reverse("programs:impact-report")).status_code == HTTPStatus.FOUND
    client.force_login(owner.user)
    assert client.get(reverse("programs:impact-report")).status_code == HTTPStatus.FORBIDDEN


def test_the_csv_of_two_programmes_counts_only_theirs_and_logs_both(client, viewer):
    from programs.models import ExportLog

    founders = _programme("eFounders Fellowship", "entrepreneurs", 2)[0].intake.program
    netpreneur = _programme("Netpreneur", "entrepreneurs", 3)[0].intake.program
    _programme("New Economy Workshop", "government delegates", 4)
    client.force_login(viewer)
    url = reverse("programs:impact-report-csv")
    response = client.get(url, {"program": [founders.pk, netpreneur.pk]})
    assert response.status_code == HTTPStatus.OK
    body = b"".join(response.streaming_content).decode()
    assert "Netpreneur" in body and "New Economy Workshop" not in body
    logged = ExportLog.objects.latest("pk").filters["program"]
    assert sorted(row["name"] for row in logged) == ["Netpreneur", "eFounders Fellowship"]


def test_the_staff_report_costs_the_same_queries_for_more_programmes(client, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _programme("A", "entrepreneurs", 5)
    client.force_login(viewer)
    client.get(reverse("programs:impact-report"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("programs:impact-report"))
    for name in "BCDEF":
        people = _programme(name, f"people {name}", 6)
        OutcomeFactory(student=people[0].student, jobs_created=1)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("programs:impact-report"))
    assert len(more) == len(few)

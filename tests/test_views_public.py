"""Public programme pages: what they show, what they never show, and how many queries they take."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Enrollment, Student
from programs.public import IntakeStatus, PublicIntake

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    ProgramFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def degree(september_intake):
    program = september_intake.program
    program.name = "Cross-Border E-commerce Degree"
    program.slug = "cross-border-ecommerce"
    program.save()
    program.partners.add(PartnerFactory(name="Rwanda Development Board", short_name="RDB"))
    return program


def test_program_list_is_the_home_page(client, degree):
    assert reverse("programs:program-list") == "/"
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "Cross-Border E-commerce Degree" in response.content.decode()


def test_program_list_shows_the_next_intake_with_seats_left(client, degree, september_intake, fill):
    fill(september_intake, 5)
    content = client.get("/").content.decode()
    assert "Next intake: September 2027" in content
    assert "Seats left: 17 of 22" in content
    assert "20 funded places" in content


def test_program_list_hides_unpublished_programmes(client, degree):
    ProgramFactory(name="Secret pilot", is_published=False)
    content = client.get("/").content.decode()
    assert "Secret pilot" not in content
    assert "Cross-Border E-commerce Degree" in content


def test_program_page_shows_the_programme_and_who_runs_and_funds_it(client, degree):
    response = client.get(reverse("programs:program-detail", args=[degree.slug]))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert degree.name in content
    assert "Degree" in content
    assert "48 months" in content
    assert degree.delivered_by.name in content
    assert "Rwanda Development Board (RDB)" in content
    assert "HEC–Alibaba Joint Scholarship" in content
    # Co-funders by name; their split is not public.
    assert "HEC" in content and "Alibaba" in content
    assert "the split between co-funders is not public" in content


def test_program_page_shows_co_funder_shares_where_known(client):
    source = FundingSourceFactory(name="eFounders Grant")
    FundingShareFactory(
        funding_source=source, partner=PartnerFactory(name="ABS"), share_percent=Decimal("60")
    )
    FundingShareFactory(
        funding_source=source, partner=PartnerFactory(name="UNCTAD"), share_percent=Decimal("40")
    )
    intake = IntakeFactory()
    IntakeFundingFactory(intake=intake, funding_source=source, places=10)
    content = client.get(intake.program.get_absolute_url()).content.decode()
    assert "ABS: 60% of the cost" in content
    assert "UNCTAD: 40% of the cost" in content


def test_program_page_counts_seats_and_funded_places_per_source(
    client, degree, september_intake, joint_scholarship, fill
):
    self_funded = FundingSourceFactory(name="Self-funded", kind="self")
    IntakeFundingFactory(intake=september_intake, funding_source=self_funded, places=2)
    fill(september_intake, 12, funding_source=joint_scholarship)  # enrolled, funded
    fill(september_intake, 2, status=Status.OFFERED, funding_source=joint_scholarship)
    fill(september_intake, 1, funding_source=self_funded)
    fill(september_intake, 4, status=Status.APPLIED, funding_source=joint_scholarship)
    fill(september_intake, 2, status=Status.WAITLISTED)

    response = client.get(degree.get_absolute_url())
    (item,) = response.context["intakes"]
    assert item.seats_taken == 15
    assert item.seats_left == 7
    by_source = {f.funding_source.name: (f.places, f.taken, f.left) for f in item.funded}
    assert by_source == {"HEC–Alibaba Joint Scholarship": (20, 14, 6), "Self-funded": (2, 1, 1)}
    # The summary counts places someone else pays for; self-funded seats are not "funded".
    assert (item.funded_places, item.funded_places_left) == (20, 6)
    assert [source.name for source in response.context["funders"]] == [
        "HEC–Alibaba Joint Scholarship"
    ]
    content = response.content.decode()
    assert "seats left of 22" in content
    assert "funded places left of 20" in content
    assert "6 of 20 left" in content


def test_program_page_lists_upcoming_intakes_only(client, degree):
    IntakeFactory(program=degree, name="2020 cohort", start_date=days(-2000))
    content = client.get(degree.get_absolute_url()).content.decode()
    assert "September 2027" in content
    assert "2020 cohort" not in content


@pytest.mark.parametrize(
    ("opens", "closes", "taken", "status", "text"),
    [
        (days(10), days(60), 0, IntakeStatus.UPCOMING, "Applications open on"),
        (None, None, 0, IntakeStatus.UPCOMING, "The application dates will be announced"),
        (days(-10), days(60), 0, IntakeStatus.OPEN, "Apply for"),
        (days(-10), None, 0, IntakeStatus.OPEN, "Apply for"),
        (days(-60), days(-1), 0, IntakeStatus.CLOSED, "Applications closed on"),
        (days(-10), days(60), 3, IntakeStatus.FULL, "new applicants join the waitlist"),
    ],
)
def test_intake_status_for_applicants(client, opens, closes, taken, status, text):
    intake = IntakeFactory(capacity=3, applications_open_on=opens, applications_close_on=closes)
    EnrollmentFactory.create_batch(taken, intake=intake, status=Status.ENROLLED)
    response = client.get(intake.program.get_absolute_url())
    (item,) = response.context["intakes"]
    assert item.status == status
    content = response.content.decode()
    assert str(IntakeStatus.labels[status]) in content
    assert text in content


def test_intake_status_on_the_last_day_of_the_window():
    intake = IntakeFactory.build(applications_open_on=days(-5), applications_close_on=TODAY)
    assert PublicIntake(intake=intake, seats_taken=0, today=TODAY).status == IntakeStatus.OPEN
    assert PublicIntake(intake=intake, seats_taken=0, today=days(1)).status == IntakeStatus.CLOSED


@pytest.mark.parametrize("slug", ["unknown-programme", "secret-pilot"])
def test_program_page_is_404_when_unknown_or_unpublished(client, slug):
    ProgramFactory(slug="secret-pilot", is_published=False)
    response = client.get(reverse("programs:program-detail", args=[slug]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_public_pages_never_show_personal_data(client, degree, september_intake):
    student = StudentFactory(
        first_name="Zephyrine",
        last_name="Nyirakamana",
        email="zephyrine.private@example.rw",
        phone="+250788999111",
        national_id="1199880012345678",
    )
    EnrollmentFactory(student=student, intake=september_intake, status=Status.ENROLLED)
    # Another person applies, so the thanks page below is shown to this browser.
    from .apply_support import application, apply_url

    client.post(apply_url(september_intake), application())
    pages = [
        "/",
        degree.get_absolute_url(),
        reverse("programs:intake-apply", args=[september_intake.pk]),
        reverse("programs:application-received", args=[september_intake.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        content = response.content.decode()
        for secret in ("Zephyrine", "Nyirakamana", "zephyrine.private", "788999111", "11998800"):
            assert secret not in content, f"{secret} leaked on {url}"


def test_public_pages_refuse_post(client, degree):
    assert client.post("/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(degree.get_absolute_url()).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- query counts ----------------------------------------------------------------------------


def _programme_with_intakes(n_intakes: int):
    program = ProgramFactory.create(slug="many-intakes")
    program.partners.add(PartnerFactory.create(), PartnerFactory.create())
    source = FundingSourceFactory()
    FundingShareFactory(funding_source=source)
    FundingShareFactory(funding_source=source)
    other = FundingSourceFactory()
    for i in range(n_intakes):
        intake = IntakeFactory(program=program, capacity=30, start_date=days(30 + i))
        IntakeFundingFactory(intake=intake, funding_source=source, places=10)
        IntakeFundingFactory(intake=intake, funding_source=other, places=5)
    return program


def _fill_with_enrollments(intake, n: int) -> None:
    """n enrollments in bulk (seat-holding, funded, applied), with their students."""
    if not n:
        return
    students = Student.objects.bulk_create(
        Student(first_name="S", last_name=str(i), email=f"bulk{i}@example.rw") for i in range(n)
    )
    source = intake.fundings.first().funding_source
    statuses = [Status.ENROLLED, Status.APPLIED, Status.WAITLISTED, Status.REJECTED]
    Enrollment.objects.bulk_create(
        Enrollment(
            student=student,
            intake=intake,
            status=statuses[i % 4] if i >= 20 else Status.ENROLLED,
            funding_source=source if i < 10 else None,
        )
        for i, student in enumerate(students)
    )


# The program list takes 4 queries:
#   1. published programmes, with who delivers them (select_related)
#   2. their upcoming intakes, with seats taken (annotation)
#   3. the funding of those intakes, with the funding source
#   4. funded places taken per (intake, source), grouped
PROGRAM_LIST_QUERIES = 4

# The program page takes 6 queries:
#   1. the programme, with who delivers it
#   2. its partners
#   3. its upcoming intakes, with seats taken (annotation)
#   4. the funding of those intakes, with the funding source
#   5. the co-funders of those sources, with the partner
#   6. funded places taken per (intake, source), grouped
PROGRAM_PAGE_QUERIES = 6


@pytest.mark.parametrize("n_intakes", [1, 50])
def test_program_list_queries_do_not_grow_with_intakes(
    client, django_assert_num_queries, n_intakes
):
    _programme_with_intakes(n_intakes)
    ProgramFactory()  # and a programme without intakes
    with django_assert_num_queries(PROGRAM_LIST_QUERIES):
        response = client.get("/")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("n_intakes", [1, 50])
def test_program_page_queries_do_not_grow_with_intakes(
    client, django_assert_num_queries, n_intakes
):
    program = _programme_with_intakes(n_intakes)
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES):
        response = client.get(program.get_absolute_url())
    assert len(response.context["intakes"]) == n_intakes


@pytest.mark.parametrize("n_enrollments", [0, 5000])
def test_public_page_queries_do_not_grow_with_enrollments(
    client, django_assert_num_queries, n_enrollments
):
    program = _programme_with_intakes(2)
    intake = program.intakes.order_by("start_date").first()
    intake.capacity = 5000
    intake.save()
    _fill_with_enrollments(intake, n_enrollments)

    with django_assert_num_queries(PROGRAM_LIST_QUERIES):
        client.get("/")
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES):
        response = client.get(program.get_absolute_url())
    item = response.context["intakes"][0]
    expected_taken = 20 + (n_enrollments - 20) // 4 if n_enrollments else 0
    assert item.seats_taken == expected_taken
    assert item.funded[0].taken == (10 if n_enrollments else 0)

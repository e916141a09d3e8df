"""Every page issues the same number of queries when the data grows in every direction at once.

The other test files pin the exact count of each page along one dimension (intakes in
test_views_public.py, rows in test_exports_access.py, rows per changelist in
test_admin_lists.py). Here the world grows along all of them together, from 1 programme and 10
enrollments to 5 programmes, 10 intakes, 5 funding sources with co-funders and 300 enrollments
across every status, and each page must not notice. Pages are found by URL name, so one not
built yet is skipped. The same counts at 10,000 and 100,000 students are in docs/performance.md
(`make bench`)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from programs.models import Enrollment, FundingSource, Student

from .factories import (
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    ProgramFactory,
    StaffFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


class World:
    """Programmes with a past and an upcoming intake each, funded by a source with two
    co-funders, and students enrolled across every status; one student has an account."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.intakes: list = []
        self.fundings: dict[int, FundingSource] = {}
        self.numbers = itertools.count()
        self.statuses = itertools.cycle(Status.values)
        user = get_user_model().objects.create_user("aline", "aline@example.rw", password=None)
        self.owner = Student.objects.create(
            first_name="Aline", last_name="Uwase", email="aline@example.rw", user=user
        )
        self.programs: list = []

    def grow(self, *, programs: int, enrollments: int) -> None:
        for _ in range(programs):
            program = ProgramFactory.create()
            program.partners.add(PartnerFactory.create())
            self.programs.append(program)
            source = FundingSourceFactory.create(cost_per_place=Decimal("1500"), currency="USD")
            FundingShareFactory(funding_source=source, share_percent=Decimal("60"))
            FundingShareFactory(funding_source=source, share_percent=Decimal("40"))
            for days in (-400, 90):
                start = self.today + datetime.timedelta(days=days)
                intake = IntakeFactory.create(
                    program=program,
                    name=f"{start:%B %Y}",
                    start_date=start,
                    applications_open_on=start - datetime.timedelta(days=120),
                    applications_close_on=start - datetime.timedelta(days=10),
                    capacity=1000,
                )
                IntakeFundingFactory(intake=intake, funding_source=source, places=500)
                self.intakes.append(intake)
                self.fundings[intake.pk] = source
        students = Student.objects.bulk_create(
            Student(
                first_name="Jean-Paul",
                last_name=f"Habimana {n}",
                email=f"student{n}@example.rw",
                phone=f"+25078{n:07d}",
                country="RW",
            )
            for n in itertools.islice(self.numbers, enrollments)
        )
        rows = []
        for i, student in enumerate(students):
            intake = self.intakes[i % len(self.intakes)]
            status = next(self.statuses)
            funded = status in Enrollment.SEAT_HOLDING and i % 2 == 0
            rows.append(
                Enrollment(
                    student=student,
                    intake=intake,
                    status=status,
                    funding_source=self.fundings[intake.pk] if funded else None,
                )
            )
        # The student with an account applies to each new intake too.
        taken = set(self.owner.enrollments.values_list("intake_id", flat=True))
        rows += [
            Enrollment(student=self.owner, intake=intake, status=Status.APPLIED)
            for intake in self.intakes
            if intake.pk not in taken
        ]
        Enrollment.objects.bulk_create(rows)

    @property
    def upcoming(self):
        return next(i for i in self.intakes if i.start_date > self.today)


class NotBuiltYet(Exception):
    pass


def _url(name: str, kwargs: dict | None = None, query: str = "") -> str:
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise NotBuiltYet(name) from error
    return f"{url}?{query}" if query else url


# (who, page): who is anonymous, student or staff; page makes the URL from the world.
PAGES: dict[str, tuple[str, Callable[[World], str]]] = {
    "program list": ("anonymous", lambda w: _url("programs:program-list")),
    "program page": (
        "anonymous",
        lambda w: _url("programs:program-detail", {"slug": w.programs[0].slug}),
    ),
    "apply form": ("anonymous", lambda w: _url("programs:intake-apply", {"pk": w.upcoming.pk})),
    "my applications": ("student", lambda w: _url("programs:my-applications")),
    "enrollment export, all rows": ("staff", lambda w: _url("programs:enrollment-export")),
    "enrollment export, two statuses": (
        "staff",
        lambda w: _url("programs:enrollment-export", query="status=enrolled&status=offered"),
    ),
    "funder report": ("staff", lambda w: _url("programs:funder-report")),
    "funder report for funders": (
        "staff",
        # A funders' version is for one source (it lists that source's students only).
        lambda w: _url(
            "programs:funder-report",
            query=f"audience=funder&funding_source={next(iter(w.fundings.values())).pk}",
        ),
    ),
    "funder report CSV": ("staff", lambda w: _url("programs:funder-report-csv")),
    "intake dashboard": (
        "staff",
        lambda w: _url("programs:intake-dashboard", {"pk": w.upcoming.pk}),
    ),
    # Changelists with filters and search; unfiltered ones are in test_admin_lists.py.
    "enrollments by status": (
        "staff",
        lambda w: _url("admin:programs_enrollment_changelist", query="status__exact=enrolled"),
    ),
    "enrollments holding a funded place": (
        "staff",
        lambda w: _url("admin:programs_enrollment_changelist", query="seat=funded"),
    ),
    "enrollments of one programme": (
        "staff",
        lambda w: _url("admin:programs_enrollment_changelist", query=f"program={w.programs[0].pk}"),
    ),
    "enrollments searched by name": (
        "staff",
        lambda w: _url("admin:programs_enrollment_changelist", query="q=Habimana"),
    ),
    "students searched by name": (
        "staff",
        lambda w: _url("admin:programs_student_changelist", query="q=Habimana"),
    ),
    "intakes of one year": (
        "staff",
        lambda w: _url(
            "admin:programs_intake_changelist",
            query=f"start_date__year={w.upcoming.start_date.year}",
        ),
    ),
}


def _queries(client: Client, url: str) -> int:
    """The queries of rendering the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if isinstance(response, StreamingHttpResponse):
            response.getvalue()
    assert response.status_code == HTTPStatus.OK, url
    return len(queries)


def _count_every_page(world: World, clients: dict[str, Client], warm: bool) -> dict[str, int]:
    counts = {}
    for page, (who, make_url) in PAGES.items():
        try:
            url = make_url(world)
        except NotBuiltYet:
            continue
        if warm:  # first-request caches (content types, permissions) out of the way
            clients[who].get(url)
        counts[page] = _queries(clients[who], url)
    return counts


def test_no_page_makes_more_queries_when_the_data_grows():
    """One world for every page keeps the test fast; the dict comparison names the culprit."""
    world = World()
    world.grow(programs=1, enrollments=10)
    student, staff = Client(), Client()
    student.force_login(world.owner.user)
    staff.force_login(StaffFactory(password=None))  # no password: no slow hashing
    clients = {"anonymous": Client(), "student": student, "staff": staff}

    small = _count_every_page(world, clients, warm=True)
    world.grow(programs=4, enrollments=290)
    large = _count_every_page(world, clients, warm=False)

    assert Enrollment.objects.count() > 300
    assert len(small) >= 10  # most pages exist
    assert large == small

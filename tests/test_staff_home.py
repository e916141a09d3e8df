"""The admin's home: the intakes staff work on now, their seats, places and queues, and links."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from programs.models import Enrollment

from .factories import EnrollmentFactory, IntakeFactory, IntakeFundingFactory, ProgramFactory

pytestmark = pytest.mark.django_db

Status = Enrollment.Status
HOME = "/admin/"


@pytest.fixture
def busy_intake(september_intake, joint_scholarship, fill):
    fill(september_intake, 12, funding_source=joint_scholarship)
    fill(september_intake, 2, Status.OFFERED, funding_source=joint_scholarship)
    fill(september_intake, 1, Status.OFFERED)  # self-funded
    fill(september_intake, 3, Status.WAITLISTED)
    fill(september_intake, 4, Status.REJECTED)
    return september_intake


def _home(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_shows_each_current_intake_with_seats_places_offers_and_waitlist(
    client, manager, busy_intake
):
    html = _home(client, manager)
    assert f"{busy_intake.program.name} — September 2027" in html
    assert "15 of 22 taken" in html
    assert "7 left" in html
    assert "HEC–Alibaba Joint Scholarship: 14 of 20 filled (12 enrolled, 2 offered); 6 left" in html
    assert "Self-funded seats: 1" in html
    changelist = reverse("admin:programs_enrollment_changelist")
    assert (
        f'{changelist}?intake__id__exact={busy_intake.pk}&amp;status__exact=offered">3</a>' in html
    )
    assert (
        f'{changelist}?intake__id__exact={busy_intake.pk}&amp;status__exact=waitlisted">3</a>'
        in html
    )
    assert reverse("programs:intake-dashboard", args=[busy_intake.pk]) in html
    assert reverse("admin:programs_intake_import_applicants", args=[busy_intake.pk]) in html


def test_reports_and_the_email_queue_are_one_click_from_home(client, manager, busy_intake):
    Email.objects.create(from_email="a@example.org", to=["b@example.org"], status=STATUS.queued)
    Email.objects.create(from_email="a@example.org", to=["c@example.org"], status=STATUS.failed)
    html = _home(client, manager)
    assert f'href="{reverse("programs:funder-report")}"' in html
    assert f'href="{reverse("programs:enrollment-export")}"' in html
    assert "Email queue</a>: 1 waiting to be sent" in html
    assert "1 failed" in html


def test_a_viewer_sees_the_intakes_but_no_export_import_or_email_links(client, viewer, busy_intake):
    html = _home(client, viewer)
    assert "15 of 22 taken" in html
    assert reverse("programs:funder-report") not in html
    assert reverse("programs:enrollment-export") not in html
    assert reverse("admin:programs_intake_import_applicants", args=[busy_intake.pk]) not in html
    assert "Email queue" not in html
    assert reverse("programs:funder-statement") not in html


def test_each_co_funders_statement_is_one_click_from_home(client, manager, busy_intake):
    html = _home(client, manager)
    statement = reverse("programs:funder-statement")
    links = re.findall(rf'href="{statement}\?partner=(\d+)">([^<]+)</a>', html)
    assert [name for _pk, name in links] == ["Alibaba", "HEC"]
    for pk, name in links:
        page = client.get(f"{statement}?partner={pk}")
        assert page.status_code == HTTPStatus.OK
        assert f"Statement for {name}" in page.content.decode()


def test_started_and_closed_intakes_are_left_out(client, manager, busy_intake):
    today = timezone.localdate()
    IntakeFactory(
        name="September 2023",
        start_date=today - datetime.timedelta(days=800),
        applications_open_on=today - datetime.timedelta(days=900),
        applications_close_on=today - datetime.timedelta(days=850),
    )
    html = _home(client, manager)
    assert "September 2023" not in html
    assert "September 2027" in html


def test_programmes_come_first_and_accounts_and_sign_in_records_last(client, superuser):
    client.force_login(superuser)
    apps = [app["app_label"] for app in client.get(HOME).context["app_list"]]
    assert apps[:2] == ["programs", "post_office"]
    assert apps[-2:] == ["auth", "axes"]


def test_the_home_runs_the_same_queries_for_one_intake_or_many(client, manager, busy_intake):
    client.force_login(manager)
    client.get(HOME)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    program = ProgramFactory()
    for n in range(4):
        intake = IntakeFactory(program=program, name=f"Intake {n}")
        IntakeFundingFactory(intake=intake, places=5)
        EnrollmentFactory.create_batch(3, intake=intake, status=Status.ENROLLED)
        EnrollmentFactory(intake=intake, status=Status.WAITLISTED)
    with CaptureQueriesContext(connection) as many:
        html = client.get(HOME).content.decode()
    assert html.count("of 22 taken") == 5
    assert len(many) == len(one)


def test_a_bulk_action_shows_in_recent_actions(client, manager, busy_intake):
    waiting = Enrollment.objects.filter(intake=busy_intake, status=Status.WAITLISTED).first()
    client.force_login(manager)
    response = client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "mark_rejected", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert "1 enrollment changed to Rejected." in response.content.decode()
    entry = LogEntry.objects.get(object_id=str(waiting.pk))
    assert entry.user == manager
    assert "Status changed to Rejected" in entry.get_change_message()
    assert str(waiting)[:40] in client.get(HOME).content.decode()

"""The intake dashboard: its counts on the demo intake, its drawing, and who may see it."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from programs import reports
from programs.models import Intake

from .factories import StaffFactory, UserFactory
from .test_reports import demo, seeded  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def september(demo):  # noqa: F811
    return Intake.objects.get(name="September 2027")


def _url(intake) -> str:
    return reverse("programs:intake-dashboard", args=[intake.pk])


def test_the_demo_intake_counts(september, django_assert_num_queries):
    # 1 enrollments per status and funding source, 2 the intake's funded places
    with django_assert_num_queries(2):
        dashboard = reports.intake_dashboard(september)

    assert (dashboard.seats.value, dashboard.seats.total) == (15, 22)
    assert dashboard.seats.text == "15 of 22 seats taken (7 left)."
    assert [(bar.label, bar.value, bar.total) for bar in dashboard.funded] == [
        ("HEC–Alibaba Joint Scholarship", 14, 20),
    ]
    # The demo's other 2 seats have no funding source: self-funded, said so plainly.
    assert (dashboard.unfunded.value, dashboard.unfunded.total) == (1, 2)
    assert (
        dashboard.unfunded.text == "Self-funded seats (no funding source): 1 of 2 taken (1 left)."
    )
    assert {bar.label: bar.value for bar in dashboard.statuses if bar.value} == {
        "Applied": 6,
        "Waitlisted": 2,
        "Offered": 2,
        "Enrolled": 13,
        "Rejected": 1,
    }
    assert dashboard.waitlist_length == 2
    assert dashboard.total_enrollments == 24


def test_the_page_draws_bars_with_words_beside_them(client, september):
    client.force_login(StaffFactory())

    response = client.get(_url(september))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "15 of 22 seats taken (7 left)." in page
    assert (
        "HEC–Alibaba Joint Scholarship: 14 of 20 funded places taken: 12 enrolled, 2 offered"
        " (6 left)." in page
    )
    assert "Self-funded seats (no funding source): 1 of 2 taken (1 left)." in page
    assert '<dt>On the waitlist</dt><dd class="figure">2</dd>' in page
    # 15/22 = 68.2%: an SVG attribute, no inline style, no script, nothing from elsewhere.
    assert 'class="bar-fill" x="0" y="0" width="68.2"' in page
    assert 'aria-hidden="true"' in page
    assert "style=" not in page.split('id="content"')[1]
    assert "https://" not in page


def test_the_bars_do_not_depend_on_the_language(client, september):
    client.force_login(StaffFactory())

    page = client.get(_url(september), headers={"accept-language": "fr"}).content.decode()

    assert 'width="68.2"' in page  # not "68,2"


def test_viewers_see_the_dashboard_but_not_the_export_link(client, september, viewer):
    client.force_login(viewer)

    response = client.get(_url(september))

    assert response.status_code == HTTPStatus.OK
    assert reverse("programs:enrollment-export") not in response.content.decode()


def test_managers_get_the_export_and_import_links(client, september, manager):
    client.force_login(manager)

    page = client.get(_url(september)).content.decode()

    assert f"{reverse('programs:enrollment-export')}?intake={september.pk}" in page
    assert reverse("admin:programs_intake_import_applicants", args=[september.pk]) in page


def test_anonymous_visitors_are_sent_to_sign_in(client, september):
    response = client.get(_url(september))

    assert response.status_code == HTTPStatus.FOUND
    assert "next=" in response.url


def test_students_and_staff_without_the_view_permission_are_refused(client, september):
    student = UserFactory(username="student")
    student.user_permissions.add(Permission.objects.get(codename="view_intake"))
    client.force_login(student)
    assert client.get(_url(september)).status_code == HTTPStatus.FORBIDDEN

    client.force_login(UserFactory(username="staff-without-rights", is_staff=True))
    assert client.get(_url(september)).status_code == HTTPStatus.FORBIDDEN


def test_an_unknown_intake_is_a_404(client, db):
    client.force_login(StaffFactory())

    response = client.get(reverse("programs:intake-dashboard", args=[999999]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_full_intake_is_drawn_full_and_an_empty_one_empty(db):
    assert reports.Bar("x", 22, 22, "").percent == 100.0
    assert reports.Bar("x", 30, 22, "").percent == 100.0  # never past the track
    assert reports.Bar("x", 0, 0, "").percent == 0.0
    assert reports.Bar("x", 1, 3, "").percent == 33.3

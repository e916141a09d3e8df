"""The enrollment CSV export: who may export, filters, the log, queries, streaming, the admin
action and the log in the admin."""

from http import HTTPStatus
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.shortcuts import resolve_url
from django.urls import reverse

from programs import exports
from programs.models import Enrollment, ExportLog, Student

from .exports_support import EXPORT_URL, csv_rows, streamed_body
from .factories import (
    EnrollmentFactory,
    IntakeFactory,
    IntakeFundingFactory,
    UserFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


# --- users by role -------------------------------------------------------------------------


@pytest.fixture
def student_user(db):
    return UserFactory(username="a-student")


# --- who may export ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.FOUND
    login = urlparse(resolve_url(settings.LOGIN_URL)).path
    assert urlparse(response.url).path == login
    assert "next=" in response.url
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("role", ["student_user", "viewer"])
def test_signed_in_users_without_the_permission_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("role", ["manager", "superuser"])
def test_managers_and_superusers_export(client, request, role, september_intake, fill):
    fill(september_intake, 3)
    client.force_login(request.getfixturevalue(role))

    response = client.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.OK
    assert len(csv_rows(streamed_body(response))) == 1 + 3


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def two_intakes(joint_scholarship):
    first = IntakeFactory(name="First")
    second = IntakeFactory(name="Second")
    IntakeFundingFactory(intake=first, funding_source=joint_scholarship, places=5)
    EnrollmentFactory(intake=first, status=Status.ENROLLED, funding_source=joint_scholarship)
    EnrollmentFactory(intake=first, status=Status.OFFERED)
    EnrollmentFactory(intake=first, status=Status.APPLIED)
    EnrollmentFactory(intake=second, status=Status.ENROLLED)
    return first, second


def _exported_ids(client, **params) -> set[int]:
    response = client.get(EXPORT_URL, params)
    assert response.status_code == HTTPStatus.OK
    return {int(row[0]) for row in csv_rows(streamed_body(response))[1:]}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_filters_choose_the_rows(client, superuser, two_intakes, joint_scholarship):
    first, second = two_intakes
    client.force_login(superuser)
    enrollments = Enrollment.objects.all()

    assert _exported_ids(client) == _ids(enrollments)
    assert _exported_ids(client, intake=first.pk) == _ids(enrollments.filter(intake=first))
    assert _exported_ids(client, program=second.program.pk) == _ids(
        enrollments.filter(intake=second)
    )
    assert _exported_ids(client, intake=first.pk, status=["enrolled", "offered"]) == _ids(
        enrollments.filter(intake=first, status__in=["enrolled", "offered"])
    )
    assert _exported_ids(client, funding_source=joint_scholarship.pk) == _ids(
        enrollments.filter(funding_source=joint_scholarship)
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"intake": "999999"}, "There is no intake with the id given."),
        ({"intake": "abc"}, "There is no intake with the id given."),
        ({"program": "-1"}, "There is no programme with the id given."),
        ({"status": ["enrolled", "accepted"]}, "“accepted” is not a status."),
        ({"funding_source": "x"}, "There is no funding source with the id given."),
    ],
)
def test_bad_filters_get_a_clear_400_and_no_export(client, superuser, params, message):
    client.force_login(superuser)

    response = client.get(EXPORT_URL, params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not ExportLog.objects.exists()


# --- the log -------------------------------------------------------------------------------


def test_every_export_is_logged_with_who_what_and_how_many(client, manager, two_intakes):
    first, _second = two_intakes
    client.force_login(manager)

    streamed_body(client.get(EXPORT_URL, {"intake": first.pk, "status": ["enrolled", "applied"]}))

    log = ExportLog.objects.get()
    assert log.user == manager
    assert log.username == "manager"
    assert log.kind == ExportLog.Kind.ENROLLMENTS
    assert log.row_count == 2
    assert log.filters == {
        "via": "staff URL",
        "intake": {"id": first.pk, "name": str(first)},
        "status": ["enrolled", "applied"],
    }


def test_an_interrupted_download_reports_the_rows_written_so_far():
    counts = []
    chunks = exports.csv_chunks(["n"], ([i] for i in range(1200)), on_done=counts.append)

    first_chunk = next(chunks)
    chunks.close()  # what the server does when the browser goes away

    assert first_chunk.count(b"\r\n") == 1 + exports.ROWS_PER_CHUNK
    assert counts == [exports.ROWS_PER_CHUNK]


def test_a_download_cut_short_stops_the_query_before_the_count_is_written(
    september_intake, joint_scholarship
):
    """On PostgreSQL the rows come through COPY, which holds the connection until it is
    cancelled: the count, written through that connection, has to wait for it."""
    _bulk_enrollments(september_intake, joint_scholarship, 5000)
    done = []
    rows = exports.enrollment_rows(Enrollment.objects.all())
    chunks = exports.csv_chunks(
        exports.ENROLLMENT_COLUMNS,
        rows,
        on_done=lambda count: done.append((count, Enrollment.objects.count())),
        escaped_text=True,
    )

    first_chunk = next(chunks)
    chunks.close()  # what the server does when the browser goes away

    assert first_chunk.count(b"\r\n") == 1 + exports.ROWS_PER_CHUNK
    assert done == [(exports.ROWS_PER_CHUNK, 5000)]


# --- queries and streaming -----------------------------------------------------------------


def _bulk_enrollments(intake, source, n: int) -> None:
    students = Student.objects.bulk_create(
        Student(first_name="Élise", last_name=f"Nº{i}", email=f"bulk{i}@example.rw", country="RW")
        for i in range(n)
    )
    Enrollment.objects.bulk_create(
        Enrollment(student=s, intake=intake, status=Status.APPLIED, funding_source=source)
        for s in students
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_export_makes_the_same_queries_for_10_and_1000_rows(
    client, superuser, september_intake, joint_scholarship, rows, django_assert_num_queries
):
    _bulk_enrollments(september_intake, joint_scholarship, rows)
    client.force_login(superuser)

    # 1 session, 2 user, 3 filter: the intake, 4 INSERT export log, 5 co-funders of every
    # source, 6 the rows (read in chunks), 7 UPDATE export log row count
    with django_assert_num_queries(7):
        body = streamed_body(client.get(EXPORT_URL, {"intake": september_intake.pk}))

    assert body.count(b"\r\n") == 1 + rows
    assert ExportLog.objects.get().row_count == rows


def test_the_export_streams_in_chunks(client, superuser, september_intake, joint_scholarship):
    _bulk_enrollments(september_intake, joint_scholarship, 1200)
    client.force_login(superuser)

    response = client.get(EXPORT_URL)

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # 500 + 500 + 200 rows
    assert sum(chunk.count(b"\r\n") for chunk in chunks) == 1 + 1200


# --- the admin action ----------------------------------------------------------------------


def _action_choices(response) -> list[str]:
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


def test_the_admin_offers_the_export_only_to_those_who_may_export(
    client, manager, september_intake
):
    EnrollmentFactory(intake=september_intake)
    url = reverse("admin:programs_enrollment_changelist")
    client.force_login(manager)
    assert "export_enrollments_csv" in _action_choices(client.get(url))

    # Every permission of the managers' group except the export.
    not_allowed = UserFactory(username="clerk", is_staff=True)
    not_allowed.user_permissions.set(
        Group.objects.get(name="Programme managers").permissions.exclude(
            codename="export_enrollment"
        )
    )
    client.force_login(not_allowed)
    response = client.get(url)
    assert "export_enrollments_csv" not in _action_choices(response)
    assert "mark_offered" in _action_choices(response)


def test_the_admin_action_exports_the_selection_within_the_filters(client, manager, two_intakes):
    first, second = two_intakes
    in_first = list(first.enrollments.order_by("pk"))
    url = reverse("admin:programs_enrollment_changelist") + f"?intake__id__exact={first.pk}"
    client.force_login(manager)

    response = client.post(
        url,
        {
            "action": "export_enrollments_csv",
            "_selected_action": [e.pk for e in in_first[:2]] + [second.enrollments.get().pk],
        },
    )

    assert response.status_code == HTTPStatus.OK
    # The enrollment of the other intake is outside the list's filter, so it is not exported.
    assert {int(row[0]) for row in csv_rows(streamed_body(response))[1:]} == {
        e.pk for e in in_first[:2]
    }
    assert f"-{first.program.slug}-first-selected-" in response["Content-Disposition"]
    log = ExportLog.objects.get()
    assert log.filters == {"via": "admin action", "intake": str(first.pk), "selected": 3}
    assert log.row_count == 2


def test_the_admin_action_exports_everything_matching_with_select_across(
    client, superuser, two_intakes
):
    first, _second = two_intakes
    client.force_login(superuser)

    response = client.post(
        reverse("admin:programs_enrollment_changelist") + "?status__exact=enrolled",
        {
            "action": "export_enrollments_csv",
            "select_across": "1",
            "_selected_action": [first.enrollments.first().pk],
        },
    )

    exported = {int(row[0]) for row in csv_rows(streamed_body(response))[1:]}
    assert exported == _ids(Enrollment.objects.filter(status=Status.ENROLLED))
    assert ExportLog.objects.get().filters["selected"] == "all matching the filters"


# --- the log in the admin ------------------------------------------------------------------


def test_superusers_read_the_export_log_and_nobody_changes_it(client, superuser, manager):
    log = ExportLog.objects.create(
        user=manager, username="manager", filters={"via": "staff URL"}, row_count=22
    )
    client.force_login(superuser)

    changelist = client.get(reverse("admin:programs_exportlog_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert "manager" in changelist.content.decode()
    assert client.get(reverse("admin:programs_exportlog_change", args=[log.pk])).status_code == (
        HTTPStatus.OK
    )
    assert client.get(reverse("admin:programs_exportlog_add")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        reverse("admin:programs_exportlog_delete", args=[log.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        reverse("admin:programs_exportlog_change", args=[log.pk]), {"row_count": 0}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    log.refresh_from_db()
    assert log.row_count == 22


def test_managers_do_not_see_the_export_log(client, manager):
    client.force_login(manager)

    assert client.get(reverse("admin:programs_exportlog_changelist")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    assert "Export logs" not in client.get(reverse("admin:index")).content.decode()

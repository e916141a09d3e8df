"""Student accounts: sign in and out, password reset, and "my applications".

Users by role: anonymous, the owner (a student with an account), another student, staff.
"""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from programs.models import Enrollment, Student

from .accounts_support import MY_APPLICATIONS, PASSWORD, my_application, signed_in
from .factories import EnrollmentFactory, IntakeFactory, StudentFactory
from .outbox import deliver

Status = Enrollment.Status
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]


@pytest.fixture
def owners_applications(owner, september_intake, joint_scholarship):
    """The owner holds a funded place in September and has applied to another programme."""
    enrolled = EnrollmentFactory(
        student=owner,
        intake=september_intake,
        status=Status.ENROLLED,
        funding_source=joint_scholarship,
    )
    applied = EnrollmentFactory(
        student=owner,
        intake=IntakeFactory(name="2027 cohort", program__name="Netpreneur Program"),
        status=Status.APPLIED,
    )
    return enrolled, applied


@pytest.fixture
def others_application(other_student, september_intake):
    return EnrollmentFactory(student=other_student, intake=september_intake, status=Status.OFFERED)


# --- my applications -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, owners_applications):
    enrolled, _applied = owners_applications
    for url in (MY_APPLICATIONS, my_application(enrolled)):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == f"{reverse('login')}?next={url}"


def test_the_owner_sees_each_application_with_its_status_and_funding(
    owner, owners_applications, others_application
):
    response = signed_in(owner.user).get(MY_APPLICATIONS)
    assert response.status_code == HTTPStatus.OK
    assert set(response.context["enrollments"]) == set(owners_applications)
    content = response.content.decode()
    assert "Netpreneur Program" in content and "2027 cohort" in content
    assert "September 2027" in content
    assert "Enrolled" in content and "Applied" in content
    assert "Yes: HEC–Alibaba Joint Scholarship" in content
    # Never another student's record.
    assert "Offered" not in content


def test_the_owner_sees_one_application_in_full(owner, owners_applications):
    enrolled, _applied = owners_applications
    response = signed_in(owner.user).get(my_application(enrolled))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "You are enrolled. Welcome to the programme!" in content
    assert "Yes: HEC–Alibaba Joint Scholarship" in content


def test_a_requested_funding_is_not_shown_as_a_funded_place(owner, september_intake):
    EnrollmentFactory(
        student=owner,
        intake=september_intake,
        status=Status.WAITLISTED,
        funding_source=september_intake.fundings.get().funding_source,
    )
    content = signed_in(owner.user).get(MY_APPLICATIONS).content.decode()
    assert "Not yet; requested: HEC–Alibaba Joint Scholarship" in content


def test_another_students_application_is_404(other_student, owners_applications):
    enrolled, _applied = owners_applications
    client = signed_in(other_student.user)
    assert client.get(my_application(enrolled)).status_code == HTTPStatus.NOT_FOUND
    response = client.get(MY_APPLICATIONS)
    assert response.context["enrollments"] == []
    assert "Netpreneur Program" not in response.content.decode()


def test_staff_without_a_student_record_see_nothing_and_get_404(staff, owners_applications):
    enrolled, _applied = owners_applications
    client = signed_in(staff)
    response = client.get(MY_APPLICATIONS)
    assert response.status_code == HTTPStatus.OK
    assert response.context["enrollments"] == []
    assert "Your account is not linked to any application." in response.content.decode()
    assert client.get(my_application(enrolled)).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_application_is_404(owner):
    response = signed_in(owner.user).get(reverse("programs:my-application", args=[999999]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_erased_students_records_are_not_shown(owner, owners_applications):
    Student.objects.filter(pk=owner.pk).update(erased_at="2026-01-01T00:00Z")
    assert signed_in(owner.user).get(MY_APPLICATIONS).context["enrollments"] == []


# my applications takes 4 queries:
#   1. the session (in the database)
#   2. the signed-in user
#   3. the enrollments of the user's student, with intake, programme and funding source
#   4. whether the user has a student record (for the empty-state message)
def test_my_applications_queries_do_not_grow_with_applications(owner, django_assert_num_queries):
    client = signed_in(owner.user)
    for n in range(8):
        EnrollmentFactory(student=owner, intake=IntakeFactory(name=f"Intake {n}"))
    # The session, the account, the enrollments with their intakes, and "has a student record".
    with django_assert_num_queries(4):
        response = client.get(MY_APPLICATIONS)
    assert len(response.context["enrollments"]) == 8


# --- sign in and out -----------------------------------------------------------------------


def test_a_student_signs_in_and_lands_on_my_applications(client, owner, owners_applications):
    response = client.get(reverse("login"))
    assert response.status_code == HTTPStatus.OK
    response = client.post(reverse("login"), {"username": "aline", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == MY_APPLICATIONS
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK


def test_a_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post(reverse("login"), {"username": "aline", "password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    assert "Please enter a correct username and password." in response.content.decode()


def test_signing_out_is_a_post(owner):
    client = signed_in(owner.user)
    response = client.post(reverse("logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.FOUND


# --- password reset ------------------------------------------------------------------------


def test_a_student_resets_a_forgotten_password_by_email(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.user.email})
    assert response.status_code == HTTPStatus.FOUND
    (message,) = deliver()
    assert message.subject == "Choose a new password"
    assert 'for the account "aline"' in message.body
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/accounts/reset/\S+)", message.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"},
    )
    assert response.status_code == HTTPStatus.FOUND
    owner.user.refresh_from_db()
    assert owner.user.check_password("a-brand-new-secret-42")


def test_a_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.rw"})
    assert response.status_code == HTTPStatus.FOUND
    assert deliver() == []


# --- my applications: odd numbers and many students ---------------------------------------


def test_a_huge_application_number_is_404_not_a_server_error(owner):
    url = reverse("programs:my-application", args=[int("9" * 30)])
    assert signed_in(owner.user).get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_students_own_records_are_found_by_index_when_most_have_no_account(owner):
    """SQLite's statistics put every student without an account under one value of the
    account column; the lookup must still take an index, not scan every student."""
    from django.db import connection

    from programs.views import _my_enrollments

    if connection.vendor != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's statistics count NULLs apart")
    StudentFactory.create_batch(40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql, params = _my_enrollments(owner.user).query.sql_with_params()
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "SEARCH programs_student USING INDEX student_account (user_id=?)" in plan, plan
    assert "SCAN programs_student" not in plan, plan

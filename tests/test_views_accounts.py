"""Student accounts: sign in, password reset, claiming a record, and "my applications".

Users by role: anonymous, the owner (a student with an account), another student, staff.
"""

import re
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from programs.models import Enrollment, Student
from programs.views import claim_token

from .factories import EnrollmentFactory, IntakeFactory, StudentFactory
from .outbox import deliver

Status = Enrollment.Status
User = get_user_model()
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]

MY_APPLICATIONS = reverse("programs:my-applications")
CLAIM = reverse("programs:account-claim")
PASSWORD = "a-good-password-123"


def my_application(enrollment) -> str:
    return reverse("programs:my-application", args=[enrollment.pk])


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


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)

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


# --- claiming a student record -------------------------------------------------------------


@pytest.fixture
def applicant(september_intake):
    """Someone who applied online and has no account yet."""
    student = StudentFactory(first_name="Grace", email="Grace.Ingabire@example.rw")
    EnrollmentFactory(student=student, intake=september_intake)
    return student


def claim_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/claim/\S+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_an_applicant_claims_their_record_with_a_link_sent_to_their_address(client, applicant):
    response = client.post(CLAIM, {"email": "grace.ingabire@EXAMPLE.rw"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("programs:account-claim-sent")
    (message,) = deliver()
    assert message.to == ["Grace.Ingabire@example.rw"]
    assert message.subject == "Create your account"
    assert message.body.startswith("Hello Grace,")
    link = claim_link(message)

    response = client.get(link)
    assert response.status_code == HTTPStatus.OK
    assert "Hello Grace." in response.content.decode()
    assert 'name="username"' not in response.content.decode()  # no username to invent
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == MY_APPLICATIONS
    applicant.refresh_from_db()
    assert applicant.user.username == "grace.ingabire@example.rw"
    assert applicant.user.email == "Grace.Ingabire@example.rw"
    # Signed in straight away, and the link cannot be used again.
    response = client.get(MY_APPLICATIONS)
    assert len(response.context["enrollments"]) == 1
    assert "Your account is ready." in response.content.decode()
    client.post(reverse("logout"))
    response = Client().get(link)
    assert response.context["invalid"]
    assert "This link is not valid" in response.content.decode()


def test_the_claim_page_says_the_same_whether_or_not_the_address_is_known(applicant):
    def page(email: str) -> str:
        content = Client().post(CLAIM, {"email": email}, follow=True).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)

    assert page(applicant.email) == page("stranger@example.rw")
    assert len(deliver()) == 1  # only the applicant gets a message


def test_claiming_a_record_that_has_an_account_reminds_its_username(client, owner):
    client.post(CLAIM, {"email": owner.email})
    (message,) = deliver()
    assert message.subject == "You already have an account"
    assert 'Sign in with this email address (or the username "aline")' in message.body
    assert "/accounts/password_reset/" in message.body


def test_an_erased_record_cannot_be_claimed(client, applicant):
    Student.objects.filter(pk=applicant.pk).update(erased_at="2026-01-01T00:00Z")
    client.post(CLAIM, {"email": applicant.email})
    assert deliver() == []


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "eyJzIjoxfQ:1abcde:forged-signature"],
)
def test_a_forged_claim_link_is_refused(client, applicant, token):
    response = client.get(reverse("programs:account-claim-confirm", args=[token]))
    assert response.context["invalid"]
    response = client.post(
        reverse("programs:account-claim-confirm", args=[token]),
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(username="grace").exists()


def test_a_claim_link_expires_after_three_days(client, applicant):
    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = claim_token(applicant)
    response = client.get(reverse("programs:account-claim-confirm", args=[token]))
    assert response.context["invalid"]


def test_a_claim_link_stops_working_when_the_address_changes(client, applicant):
    token = claim_token(applicant)
    applicant.email = "new-address@example.rw"
    applicant.save()
    response = client.get(reverse("programs:account-claim-confirm", args=[token]))
    assert response.context["invalid"]


def test_a_signed_in_user_cannot_use_a_claim_link(owner, applicant):
    response = signed_in(owner.user).get(
        reverse("programs:account-claim-confirm", args=[claim_token(applicant)])
    )
    assert "Sign out first" in response.content.decode()
    assert "form" not in response.context


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"password1": PASSWORD, "password2": "something-else-1"},
            "The two password fields didn’t match.",
        ),
        (
            {"password1": "12345678", "password2": "12345678"},
            "This password is entirely numeric.",
        ),
        (
            {"password1": "grace.ingabire", "password2": "grace.ingabire"},
            "The password is too similar to the",
        ),
    ],
)
def test_the_new_account_form_says_what_is_wrong(client, applicant, owner, data, message):
    url = reverse("programs:account-claim-confirm", args=[claim_token(applicant)])
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.user is None


def test_claim_requests_are_rate_limited_per_email_address(client, applicant):
    for _ in range(5):
        assert client.post(CLAIM, {"email": applicant.email}).status_code == HTTPStatus.FOUND
    response = client.post(CLAIM, {"email": applicant.email})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(deliver()) == 5


def test_the_claim_form_checks_the_address(client):
    response = client.post(CLAIM, {"email": "not an address"})
    assert response.context["form"].errors == {
        "email": ["Enter a valid email address, for example name@example.com."]
    }


def test_claim_and_sign_in_pages_hide_passwords_and_addresses_from_error_reports(client, applicant):
    response = client.post(CLAIM, {"email": "x"})
    assert "email" in response.wsgi_request.sensitive_post_parameters
    url = reverse("programs:account-claim-confirm", args=[claim_token(applicant)])
    response = client.post(url, {"username": "g", "password1": "x", "password2": "y"})
    assert {"password1", "password2"} <= set(response.wsgi_request.sensitive_post_parameters)


def test_an_applicant_signs_up_then_sees_a_staff_decision(
    client, applicant, september_intake, staff
):
    """The whole story: apply, claim, staff offer a place, the student sees it."""
    from programs import services

    client.post(CLAIM, {"email": applicant.email})
    link = claim_link(deliver()[0])
    client.post(link, {"username": "grace", "password1": PASSWORD, "password2": PASSWORD})
    enrollment = applicant.enrollments.get()
    services.enrollment_set_status(enrollment=enrollment, status=Status.OFFERED, by=staff)
    content = client.get(my_application(enrollment)).content.decode()
    assert "You are offered a place." in content


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

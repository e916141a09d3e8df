"""Student accounts: claiming a student record with a link sent to its address, and signing up."""

import re
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from programs.models import Enrollment, Student
from programs.views import claim_token

from .accounts_support import MY_APPLICATIONS, PASSWORD, my_application, signed_in
from .factories import EnrollmentFactory, StudentFactory
from .outbox import deliver

Status = Enrollment.Status
User = get_user_model()
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]
CLAIM = reverse("programs:account-claim")


# --- claiming a student record -------------------------------------------------------------


@pytest.fixture
def applicant(september_intake):
    """Someone who applied online and has no account yet."""
    student = StudentFactory(first_name="Grace", email="Grace.Ingabire@example.rw")
    EnrollmentFactory(student=student, intake=september_intake)
    return student


def claim_link(message) -> str:
    match = re.search(rf"{re.escape(settings.SITE_URL)}(/accounts/claim/\S+/)", message.body)
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
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email__iexact=applicant.email).exists()


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

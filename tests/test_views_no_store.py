"""Students' pages are never stored: on a shared computer (a school lab, a cybercafé), Back
after signing out must not show the last student's applications, details or forms."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from programs.views import claim_token

from .apply_support import application, apply_url
from .factories import EnrollmentFactory, StudentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing", "fresh_cache"),
]


def assert_not_stored(response) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, response.get("Cache-Control")
    assert not get_max_age(response)


@pytest.fixture
def signed_in(owner) -> Client:
    client = Client()
    client.force_login(owner.user)
    return client


def test_my_applications_and_my_application(signed_in, owner, september_intake):
    enrollment = EnrollmentFactory(student=owner, intake=september_intake)
    for url in (
        reverse("programs:my-applications"),
        reverse("programs:my-application", args=[enrollment.pk]),
    ):
        response = signed_in.get(url)
        assert response.status_code == HTTPStatus.OK
        assert_not_stored(response)


def test_the_apply_pages_before_and_after_sending(client, september_intake):
    assert_not_stored(client.get(apply_url(september_intake)))
    # The form sent back with an error holds what she typed: her name, phone, date of birth.
    response = client.post(apply_url(september_intake), application(email="not an address"))
    assert response.status_code == HTTPStatus.OK
    assert_not_stored(response)
    response = client.post(apply_url(september_intake), application())
    assert response.status_code == HTTPStatus.FOUND
    assert_not_stored(response)
    assert_not_stored(client.get(response.url))  # the thanks page


def test_the_claim_pages(client, september_intake):
    student = StudentFactory(email="grace@example.rw")
    assert_not_stored(client.get(reverse("programs:account-claim")))
    assert_not_stored(client.post(reverse("programs:account-claim"), {"email": "grace@x.rw"}))
    assert_not_stored(client.get(reverse("programs:account-claim-sent")))
    url = reverse("programs:account-claim-confirm", args=[claim_token(student)])
    assert_not_stored(client.get(url))
    assert_not_stored(client.post(url, {"username": "g", "password1": "a", "password2": "b"}))


def test_the_account_pages(signed_in, client):
    for name in ("password_change", "password_change_done"):
        assert_not_stored(signed_in.get(reverse(name)))
    assert_not_stored(signed_in.post(reverse("logout")))
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        assert_not_stored(client.get(reverse(name)))
    url = reverse("password_reset_confirm", kwargs={"uidb64": "x", "token": "y"})
    assert_not_stored(client.get(url))

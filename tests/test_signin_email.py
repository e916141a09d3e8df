"""Students sign in with the address they applied with, or a username; staff too."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from programs.forms import free_username

from .factories import StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
PASSWORD = "a-good-password-123"
REFUSED = "Please enter a correct"


@pytest.fixture
def grace(fast_password_hashing):
    user = UserFactory(username="grace-u", email="grace@example.rw")
    user.set_password(PASSWORD)
    user.save()
    return StudentFactory(first_name="Grace", email="Grace.Ingabire@example.rw", user=user)


def sign_in(username: str, password: str = PASSWORD, url: str = LOGIN):
    client = Client()
    response = client.post(url, {"username": username, "password": password})
    return client, response


@pytest.mark.parametrize(
    "username", ["grace-u", "grace@example.rw", "GRACE@Example.RW", "grace.ingabire@EXAMPLE.rw"]
)
def test_a_student_signs_in_with_the_username_or_either_address(grace, username):
    client, response = sign_in(username)
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("programs:my-applications")).context["user"] == grace.user


@pytest.mark.parametrize("username", ["grace@example.rw", "nobody@example.rw", "grace-u"])
def test_a_wrong_password_gets_the_same_error_whoever_it_names(grace, username):
    _client, response = sign_in(username, "not-the-password-1")
    assert response.status_code == HTTPStatus.OK
    assert REFUSED in response.content.decode()


def test_an_address_two_accounts_share_signs_neither_in(grace):
    other = UserFactory(username="other", email="GRACE@example.rw")
    other.set_password(PASSWORD)
    other.save()
    _client, response = sign_in("grace@example.rw")
    assert REFUSED in response.content.decode()
    _client, response = sign_in("grace-u")  # the username still works
    assert response.status_code == HTTPStatus.FOUND


def test_a_deactivated_account_cannot_sign_in_by_address(grace):
    grace.user.is_active = False
    grace.user.save()
    _client, response = sign_in("grace@example.rw")
    assert REFUSED in response.content.decode()


def test_staff_sign_in_to_the_admin_by_address(fast_password_hashing):
    staff = UserFactory(username="mutesi", email="mutesi@school.rw", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    client, response = sign_in("Mutesi@school.rw", url=ADMIN_LOGIN)
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_failed_attempts_by_address_lock_the_address_out(grace, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("grace@example.rw", "not-the-password-1")
    _client, response = sign_in("grace@example.rw")  # right password, but locked out
    assert response.status_code != HTTPStatus.FOUND


def test_the_sign_in_form_asks_for_an_address_or_a_username(client):
    html = client.get(LOGIN).content.decode()
    assert "Email address or username" in html
    assert 'maxlength="254"' in html


def test_a_new_account_gets_the_address_as_username_or_a_free_one(db):
    assert free_username("Aline@Example.rw") == "aline@example.rw"
    UserFactory(username="aline@example.rw")
    assert free_username("aline@example.rw") == "aline-1"
    long_address = "a" * 150 + "@example.rw"
    assert free_username(long_address) == "a" * 140 + "-1"

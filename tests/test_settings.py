"""Settings that protect every request: SQLite waits for writers, CSP, sign-in throttling,
and error reports without personal data."""

import contextlib
import logging
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.views.debug import get_default_exception_reporter_filter

from tracker.reporting import PersonalDataExceptionReporterFilter
from tracker.security import client_ip

from .factories import StaffFactory, UserFactory

PASSWORD = "a-good-password-123"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_writers_queue_for_the_lock_instead_of_failing():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 30
    # The backend picked the options up from the right level: it begins IMMEDIATE transactions.
    assert connection.transaction_mode == "IMMEDIATE"


# --- Content-Security-Policy ---------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("admin:login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"


# --- sign-in throttling (django-axes) ------------------------------------------------------


def _login_urls() -> list[str]:
    urls = [reverse("admin:login")]
    with contextlib.suppress(NoReverseMatch):  # the students' sign-in, once the project has one
        urls.append(reverse("login"))
    return urls


@pytest.fixture(params=_login_urls(), ids=lambda url: url.strip("/").replace("/", "-"))
def login_url(request, settings) -> str:
    # Each attempt hashes a password: the fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return request.param


def _attempt(client, url: str, username: str, password: str):
    return client.post(url, {"username": username, "password": password, "next": "/"})


@pytest.mark.django_db
def test_the_right_password_signs_in(client, login_url):
    user = StaffFactory(username="amina")
    response = _attempt(client, login_url, "amina", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(client, login_url):
    StaffFactory(username="amina")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _attempt(client, login_url, "amina", "wrong")
        assert response.status_code == HTTPStatus.OK  # the form again, with its error
    response = _attempt(client, login_url, "amina", "wrong")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS

    response = _attempt(client, login_url, "amina", PASSWORD)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert b"too many login attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_is_per_username_and_address(client, login_url):
    StaffFactory(username="amina")
    UserFactory(username="jean", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, login_url, "amina", "wrong")
    # Another person behind the same address is not locked out by amina's attempts.
    response = _attempt(client, login_url, "jean", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND


def test_client_ip_trusts_only_the_proxies_it_is_told_of(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"


# --- error reports -------------------------------------------------------------------------


def test_error_reports_hide_personal_data_from_any_form(settings):
    settings.DEBUG = False
    request = RequestFactory().post(
        "/apply/",
        {
            "first_name": "Aline",
            "last_name": "Uwase",
            "email": "aline@example.rw",
            "phone": "+250788123456",
            "national_id": "1199880012345678",
            "date_of_birth": "1998-01-01",
            "form-0-email": "other@example.rw",
            "intake": "3",
        },
    )
    reporter_filter = get_default_exception_reporter_filter()
    assert isinstance(reporter_filter, PersonalDataExceptionReporterFilter)
    post = reporter_filter.get_post_parameters(request)
    hidden = reporter_filter.cleansed_substitute
    for name in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "national_id",
        "date_of_birth",
        "form-0-email",
    ):
        assert post[name] == hidden
    assert post["intake"] == "3"
    assert request.POST["email"] == "aline@example.rw"  # the request itself is untouched


def test_the_plain_text_error_report_mail_holds_no_personal_data(settings, mailoutbox):
    settings.DEBUG = False
    settings.ADMINS = [("ops", "ops@example.org")]
    request = RequestFactory().post("/apply/", {"email": "aline@example.rw", "intake": "3"})
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /apply/",
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
    assert len(mailoutbox) == 1
    assert "aline@example.rw" not in mailoutbox[0].body
    assert "intake = '3'" in mailoutbox[0].body

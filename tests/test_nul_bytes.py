"""A NUL byte in any field of any form a person can reach: a form error, an ignored filter or
a 400, never a 500 and never a NUL stored (issue 11). PostgreSQL refuses NUL in text (psycopg's
ValueError "A string literal cannot contain NUL"); SQLite would store it. Run on both.

The forms are read from the pages themselves (every <form> of every page listed below, the
admin's add, change and list pages of every model in admin.site._registry included), so a form
or a field added later is covered without a line here. Each field in turn gets a NUL byte while
the others keep the page's own values: one refused field cannot hide another.
"""

from __future__ import annotations

from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from programs.ratelimit import RateCounter
from programs.views import claim_token

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    IntakeFundingFactory,
    StaffFactory,
    StudentFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

NUL = "A\x00B"
SKIPPED = {"csrfmiddlewaretoken"}  # the test client does not check it


class _Forms(HTMLParser):
    """Every form of a page: its action, method and fields with the values the page gave."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attr.get("method", "get").lower()
            self.forms.append({"action": attr.get("action", ""), "method": method, "fields": {}})
            return
        if not self.forms or "name" not in attr or attr["name"] in SKIPPED:
            return
        fields = self.forms[-1]["fields"]
        name = attr["name"]
        if tag == "input":
            kind = attr.get("type", "text")
            if kind == "file":
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                fields.setdefault(name, None)  # fuzzed, not sent as it is
                return
            if kind == "submit" and name in fields:
                return  # one submit button is enough
            fields[name] = attr.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self._select = name
            fields.setdefault(name, None)
        elif (
            tag == "option"
            and self._select
            and ("selected" in attr or self.forms[-1]["fields"].get(self._select) is None)
        ):
            fields[self._select] = attr.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "button" and attr.get("type", "submit") == "submit":
            fields.setdefault(name, attr.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def _forms(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, (url, response.status_code)
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def _stored_nul() -> list[str]:
    """Rows of any of our models, users included, that hold a NUL byte."""
    from django.apps import apps

    found = []
    for model in [*apps.get_app_config("programs").get_models(), get_user_model()]:
        for row in model._default_manager.values():
            if any("\x00" in str(value) for value in row.values()):
                found.append(f"{model._meta.label} {row.get('id')}")
    return found


def _check_every_field(client, url: str) -> list[str]:
    """Send each form of `url` once per field, that field holding a NUL byte."""
    failures = []
    for form in _forms(client, url):
        target = urljoin(url, form["action"]) or url
        if urlsplit(target).path == reverse("logout"):
            continue  # signing out is not a form of data
        base = {name: value for name, value in form["fields"].items() if value is not None}
        for name in form["fields"]:
            cache.clear()  # rate limits and lockouts would hide the form behind a 429
            RateCounter.objects.all().delete()
            data = {**base, name: NUL}
            send = client.post if form["method"] == "post" else client.get
            try:
                response = send(target, data)
            except Exception as error:  # the test client re-raises what would be a 500
                failures.append(f"{target} {name}: {type(error).__name__}: {str(error)[:90]}")
                continue
            if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
                failures.append(f"{target} {name}: {response.status_code}")
    stored = _stored_nul()
    if stored:
        failures.append(f"{url}: NUL stored in {stored}")
    return failures


@pytest.fixture
def rows(db):
    enrollment = EnrollmentFactory()
    IntakeFundingFactory(intake=enrollment.intake)
    FundingShareFactory()
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="NUL test group")
    return enrollment


@pytest.fixture
def nul_staff(client, db):
    client.force_login(StaffFactory(username="nul-admin"))
    return client


def test_every_public_form_refuses_a_nul_byte(client, rows):
    program = rows.intake.program
    program.is_published = True
    program.save()
    unclaimed = StudentFactory(email="claudine@example.org", user=None)
    urls = [
        reverse("programs:program-list"),
        reverse("programs:program-detail", args=[program.slug]),
        reverse("programs:intake-apply", args=[rows.intake.pk]),
        reverse("programs:account-claim"),
        reverse("programs:account-claim-confirm", args=[claim_token(unclaimed)]),
        reverse("login"),
        reverse("password_reset"),
        reverse("admin:login"),
    ]
    failures = [failure for url in urls for failure in _check_every_field(client, url)]
    assert not failures, failures


def test_every_staff_form_refuses_a_nul_byte(nul_staff, rows):
    urls = [
        reverse("programs:funder-report"),
        reverse("programs:intake-dashboard", args=[rows.intake.pk]),
        reverse("admin:index"),
        reverse("admin:programs_intake_import_applicants", args=[rows.intake.pk]),
        reverse("admin:programs_intake_add_participants", args=[rows.intake.pk]),
        reverse("admin:programs_outcome_import"),
        reverse("password_change"),
        reverse("admin:password_change"),
    ]
    failures = [failure for url in urls for failure in _check_every_field(nul_staff, url)]
    assert not failures, failures


MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label_lower for m in MODELS])
def test_every_admin_form_and_list_refuses_a_nul_byte(nul_staff, rows, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{prefix}_changelist")]
    if nul_staff.get(reverse(f"{prefix}_add")).status_code == HTTPStatus.OK:
        urls.append(reverse(f"{prefix}_add"))
    rows_here = model._default_manager.all()
    if model is get_user_model():  # not the signed-in user: a save could end the session
        rows_here = rows_here.exclude(pk=nul_staff.session["_auth_user_id"])
    row = rows_here.first()
    if row is not None:
        urls.append(reverse(f"{prefix}_change", args=[row.pk]))
    failures = [failure for url in urls for failure in _check_every_field(nul_staff, url)]
    assert not failures, failures

"""Hostile input on the admin's add forms: a form with errors or a save, never a 500, and a
refused form writes nothing.

Values mix plausible input (so that saves happen too) with long strings, any unicode, control
characters including NUL (which PostgreSQL refuses in text), HTML, SQL, spreadsheet formula
prefixes, impossible dates and numbers out of every range.
"""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.db.models import Model
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from programs.models import (
    Enrollment,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Program,
    Student,
)

from .factories import FundingSourceFactory, IntakeFactory, ProgramFactory, StudentFactory

pytestmark = pytest.mark.django_db

# No shrinking: a failing example here is readable as it is, and shrinking a slow test that
# posts a whole admin page can take minutes.
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "Aline\x00Uwase",
    "\x01\x02\x1b[31m\x7f",
    "\u202egnp.exe",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE programs_student; --",
    "1 OR 1=1",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "Ikinyarwanda: Murakaza neza 🇷🇼",
    "ملف",
    "x" * 5000,
    "😀" * 300,
]
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
bad_dates = st.sampled_from(
    ["2027-02-30", "0000-00-00", "31/12/2027", "9999-99-99", "-1", "2027-13-01", "1e10", "\x00"]
)
dates = st.one_of(st.dates().map(str), bad_dates, hostile_text)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["-1", "0", "22", "1e309", "NaN", "Infinity", "1.5", "9" * 40, "0x10"]),
    hostile_text,
)

WATCHED: list[type[Model]] = [
    Student,
    Program,
    Intake,
    FundingSource,
    FundingShare,
    IntakeFunding,
    Enrollment,
    Enrollment.history.model,
    Intake.history.model,
    IntakeFunding.history.model,
]


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in WATCHED}


_management_cache: dict[str, dict[str, str]] = {}


def _management_forms(client, url: str) -> dict[str, str]:
    """The inline form sets' management fields, as the add page renders them, with no rows."""
    if url in _management_cache:
        return _management_cache[url]
    content = client.get(url).content.decode()
    data = {}
    for name, value in re.findall(
        r'name="([^"]+-(?:INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d+)"', content
    ):
        data[name] = value
    for prefix in re.findall(r'name="([^"]+)-TOTAL_FORMS"', content):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
    _management_cache[url] = data
    return data


def _post_and_check(client, model: type[Model], data: dict[str, str], management: dict) -> None:
    url = reverse(f"admin:programs_{model._meta.model_name}_add")
    before = _counts()
    response = client.post(url, {**management, **data, "_save": "Save"})
    after = _counts()
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND), response.status_code
    if response.status_code == HTTPStatus.OK:
        assert response.context["adminform"].form.errors or response.context["errors"]
        assert after == before, "a refused form wrote something"
    else:
        assert after[model._meta.label] == before[model._meta.label] + 1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Existing rows whose primary keys the forms may pick (or not)."""
    program = ProgramFactory()
    intake = IntakeFactory(program=program, capacity=2)
    source = FundingSourceFactory()
    student = StudentFactory()
    return {"program": program, "intake": intake, "source": source, "student": student}


def _pk_or(model_instance):
    """A select's value: the row's key, or anything at all."""
    return st.one_of(st.just(str(model_instance.pk)), hostile_text, numbers)


keys = st.one_of(
    numbers,
    st.sampled_from(["-1", "0", "1e309", "NaN", "1.5", "0x10"]),
    hostile_text,
)


def _autocomplete_key(model_instance):
    """An autocomplete's value: the row's key, none, a key that matches no row, or anything."""
    return st.one_of(st.sampled_from([str(model_instance.pk), "", "987654"]), keys)


@EXAMPLES
@given(data=st.data())
def test_student_add_form_survives_hostile_input(staff_client, world, data):
    url = reverse("admin:programs_student_add")
    management = _management_forms(staff_client, url)
    post = {
        "first_name": data.draw(st.one_of(st.sampled_from(["Aline", "Jean"]), hostile_text)),
        "last_name": data.draw(st.one_of(st.sampled_from(["Uwase", "Habimana"]), hostile_text)),
        "email": data.draw(st.one_of(st.emails(), hostile_text)),
        "phone": data.draw(st.one_of(st.just("+250788123456"), hostile_text)),
        "national_id": data.draw(hostile_text),
        "date_of_birth": data.draw(st.one_of(st.just(""), dates)),
        "country": data.draw(st.one_of(st.sampled_from(["RW", "KE", ""]), hostile_text)),
        "user": data.draw(st.one_of(st.sampled_from(["", "987654"]), keys)),
    }
    _post_and_check(staff_client, Student, post, management)


@EXAMPLES
@given(data=st.data())
def test_intake_add_form_survives_hostile_input(staff_client, world, data):
    url = reverse("admin:programs_intake_add")
    management = _management_forms(staff_client, url)
    post = {
        "program": data.draw(_autocomplete_key(world["program"])),
        "name_en": data.draw(st.one_of(st.text(min_size=1, max_size=20), hostile_text)),
        "name_fr": data.draw(st.one_of(st.just(""), hostile_text)),
        "name_rw": data.draw(st.one_of(st.just(""), hostile_text)),
        "capacity": data.draw(numbers),
        "start_date": data.draw(st.one_of(st.just("2027-09-01"), dates)),
        "end_date": data.draw(st.one_of(st.just(""), dates)),
        "applications_open_on": data.draw(st.one_of(st.just(""), dates)),
        "applications_close_on": data.draw(st.one_of(st.just(""), dates)),
    }
    _post_and_check(staff_client, Intake, post, management)


@EXAMPLES
@given(data=st.data())
def test_enrollment_add_form_survives_hostile_input(staff_client, world, data):
    url = reverse("admin:programs_enrollment_add")
    management = _management_forms(staff_client, url)
    post = {
        "student": data.draw(_autocomplete_key(world["student"])),
        "intake": data.draw(_autocomplete_key(world["intake"])),
        "status": data.draw(st.one_of(st.sampled_from(Enrollment.Status.values), hostile_text)),
        "funding_source": data.draw(st.one_of(st.just(""), _pk_or(world["source"]))),
        "waitlist_position": data.draw(st.one_of(st.just(""), numbers)),
        "notes": data.draw(hostile_text),
        "change_reason": data.draw(hostile_text),
    }
    _post_and_check(staff_client, Enrollment, post, management)


@EXAMPLES
@given(data=st.data())
def test_funding_source_add_form_survives_hostile_input(staff_client, world, data):
    url = reverse("admin:programs_fundingsource_add")
    management = _management_forms(staff_client, url)
    post = {
        "name_en": data.draw(st.one_of(st.text(min_size=1, max_size=30), hostile_text)),
        "name_fr": data.draw(st.one_of(st.just(""), hostile_text)),
        "name_rw": data.draw(st.one_of(st.just(""), hostile_text)),
        "kind": data.draw(st.one_of(st.sampled_from(FundingSource.Kind.values), hostile_text)),
        "description": data.draw(hostile_text),
        "cost_per_place": data.draw(
            st.one_of(
                st.just(""),
                st.decimals(allow_nan=True, allow_infinity=True).map(str),
                numbers,
            )
        ),
        "currency": data.draw(st.one_of(st.sampled_from(["RWF", "USD", ""]), hostile_text)),
    }
    _post_and_check(staff_client, FundingSource, post, management)


# Django's autocomplete widget looks the submitted value up again to show its label: a value that
# is no key at all used to raise (500) when the form came back with errors.
@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "1.5",
        "1e309",
        "\x00",
        pytest.param("9" * 30, id="past-64-bits"),
    ],
)
@pytest.mark.parametrize(
    "model,field",
    [("student", "user"), ("intake", "program"), ("enrollment", "student")],
)
def test_autocomplete_fields_refuse_values_that_are_no_key(staff_client, model, field, value):
    response = staff_client.post(reverse(f"admin:programs_{model}_add"), {field: value})
    assert response.status_code == HTTPStatus.OK


# The intake page's form sets used to check the plan with the capacity the form had refused.
@pytest.mark.parametrize("capacity", ["", "-1", "abc", "9" * 30])
def test_intake_form_refuses_a_capacity_that_is_no_number(staff_client, world, capacity):
    url = reverse("admin:programs_intake_add")
    post = {
        **_management_forms(staff_client, url),
        "program": world["program"].pk,
        "name_en": "September 2027",
        "capacity": capacity,
        "start_date": "2027-09-01",
    }
    before = _counts()
    response = staff_client.post(url, post)
    assert response.status_code == HTTPStatus.OK
    assert _counts() == before

"""Hostile addresses on the staff pages outside the admin's model pages and on the public pages:
a 400 page that says what is wrong, a 404, or the page as if the value were absent, never a
500, on SQLite and on PostgreSQL (issue 11).
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from .factories import EnrollmentFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past 64 bits
VALUES = [HUGE, "-1", "abc", "1'", "%00", "1e309", "x" * 3000]
ALLOWED = {HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}


def _get(client, url: str):
    try:
        return client.get(url)
    except Exception as error:  # the test client re-raises what would be a 500
        pytest.fail(f"{url[:200]}: {type(error).__name__}: {str(error)[:120]}")


@pytest.fixture
def world(september_intake, joint_scholarship):
    enrollment = EnrollmentFactory(intake=september_intake, funding_source=joint_scholarship)
    return {"intake": september_intake, "source": joint_scholarship, "enrollment": enrollment}


STAFF_FILTERS = {
    "programs:enrollment-export": ["intake", "program", "status", "funding_source"],
    "programs:funder-report": ["funding_source", "intake", "audience"],
    "programs:funder-report-csv": ["funding_source", "intake", "audience"],
    "programs:impact-report": ["program", "year", "country", "organisation_kind", "gender"],
    "programs:impact-report-csv": ["program", "year", "country", "organisation_kind", "gender"],
}


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", sorted(STAFF_FILTERS))
def test_staff_pages_refuse_hostile_filters_cleanly(staff_client, world, name, value):
    for field in STAFF_FILTERS[name]:
        response = _get(staff_client, f"{reverse(name)}?{field}={value}")
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST), (field, value)
        if response.status_code == HTTPStatus.BAD_REQUEST:
            # The page names what is wrong, in words.
            assert response.context["form"].errors, (field, value)


@pytest.mark.parametrize("value", VALUES)
def test_staff_pages_survive_hostile_extra_parameters(staff_client, world, value):
    """Parameters no page reads (?page=, ?lang=, ?o=) change nothing."""
    query = f"page={value}&lang={value}&o={value}&q={value}"
    urls = [
        reverse("programs:enrollment-export"),
        reverse("programs:funder-report"),
        reverse("programs:funder-report-csv"),
        reverse("programs:intake-dashboard", args=[world["intake"].pk]),
    ]
    for url in urls:
        assert _get(staff_client, f"{url}?{query}").status_code == HTTPStatus.OK, url


@pytest.mark.parametrize("key", [HUGE, "0", "-1"])
def test_pages_of_one_row_answer_not_found_for_a_key_of_no_row(staff_client, key):
    """The <int:pk> paths take any run of digits, a number past 64 bits too."""
    urls = [
        f"/staff/intakes/{key}/",
        f"/intakes/{key}/apply/",
        f"/intakes/{key}/apply/thanks/",
        f"/my-applications/{key}/",
    ]
    for url in urls:
        assert _get(staff_client, url).status_code == HTTPStatus.NOT_FOUND, url


@pytest.mark.parametrize("value", VALUES)
def test_public_pages_survive_hostile_query_strings(client, world, value):
    query = f"page={value}&lang={value}&language={value}&next={value}&q={value}"
    program = world["intake"].program
    urls = [
        reverse("programs:program-list"),
        reverse("programs:impact"),
        reverse("programs:program-detail", args=[program.slug]),
        reverse("programs:intake-apply", args=[world["intake"].pk]),
        reverse("programs:application-received", args=[world["intake"].pk]),
        reverse("programs:account-claim"),
        reverse("programs:account-claim-sent"),
        reverse("login"),
        reverse("admin:login"),
        reverse("password_reset"),
    ]
    for url in urls:
        response = _get(client, f"{url}?{query}")
        assert response.status_code in ALLOWED, (url, response.status_code)


@pytest.mark.parametrize("value", VALUES)
def test_signed_in_student_pages_survive_hostile_query_strings(client, value):
    user = UserFactory(username="claudine")
    StudentFactory(user=user)
    client.force_login(user)
    query = f"page={value}&lang={value}&next={value}"
    for url in (reverse("programs:my-applications"), reverse("logout")):
        response = _get(client, f"{url}?{query}")
        assert response.status_code in ALLOWED | {HTTPStatus.METHOD_NOT_ALLOWED}, url


@pytest.mark.parametrize("value", [*VALUES, "../../etc/passwd", "https://evil.example/"])
def test_claim_links_and_language_switch_survive_hostile_values(client, world, value):
    response = _get(client, f"/accounts/claim/{value}/")
    assert response.status_code in ALLOWED
    try:
        response = client.post(
            reverse("set_language"), {"language": value.replace("%00", "\x00"), "next": value}
        )
    except Exception as error:
        pytest.fail(f"set_language: {type(error).__name__}: {error}")
    assert response.status_code in ALLOWED

"""The statement page: amounts for one co-funder, a 400 naming the bad filter, never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import services
from programs.models import Partner

from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db
URL = reverse("programs:funder-statement")


@pytest.fixture
def hec(september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000000", "40", "60")
    costed_intake(september_intake, joint_scholarship, students=2, years=1)
    services.disbursements_schedule(intake=september_intake)
    return Partner.objects.get(name="HEC")


def test_the_statement_shows_the_co_funders_figures(client, manager, hec, september_intake):
    client.force_login(manager)
    response = client.get(URL, {"partner": hec.pk, "intake": september_intake.pk})
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "HEC–Alibaba Joint Scholarship" in page
    assert page.count("600000.00") >= 3  # committed, scheduled, outstanding totals
    assert "@" not in page.split('id="content"')[-1]  # no email on the page
    assert ".000000" not in page  # amounts to the cent on both databases


@pytest.mark.parametrize(
    ("query", "message"),
    [({}, "Choose the co-funder"), ({"partner": "999999"}, "no co-funder with the id")],
)
def test_a_bad_filter_is_named_and_nothing_else_shown(client, manager, hec, query, message):
    client.force_login(manager)
    response = client.get(URL, query)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()


def test_a_viewer_may_not_read_statements(client, viewer, hec):
    client.force_login(viewer)
    assert client.get(URL, {"partner": hec.pk}).status_code == HTTPStatus.FORBIDDEN


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(partner=st.text(max_size=30), intake=st.text(max_size=30))
def test_any_query_string_gets_a_page_or_a_400(client, manager, hec, partner, intake):
    client.force_login(manager)
    response = client.get(URL, {"partner": partner, "intake": intake})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)

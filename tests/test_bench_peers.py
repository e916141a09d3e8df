"""The vanilla admin peers are Django's defaults, and make the same queries on every backend."""

import pytest
from django.contrib import admin
from django.urls import reverse

from bench import peers
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_peers_keep_the_default_select_related():
    for model_admin in peers.site._registry.values():
        assert model_admin.list_select_related is admin.ModelAdmin.list_select_related


def test_the_enrollment_peer_follows_the_non_null_relations_only(
    settings, client, september_intake, fill, joint_scholarship, django_assert_num_queries
):
    settings.ROOT_URLCONF = "bench.root_urls"
    fill(september_intake, 3)
    fill(september_intake, 2, funding_source=joint_scholarship)
    client.force_login(StaffFactory(username="root"))
    url = reverse("peer-admin:programs_enrollment_changelist")
    # session, user, count (filtered), count (total), the page with student, intake and
    # programme joined (select_related() follows non-null keys), then the nullable funding
    # source once per funded row: 5 + 2, on SQLite and PostgreSQL alike.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.context["cl"].queryset.query.select_related is True
    assert response.context["cl"].result_count == 5

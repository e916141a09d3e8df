"""Two lists naming the same new organisation at the same moment (two staff adding two
workshops' delegations): one organisation, both people in it. On PostgreSQL both find none;
the second insert waits on the unique (lower(name), country) index, fails, and reads the
first's row in its savepoint."""

import pytest

from programs import services
from programs.models import Organisation

from .test_statements_concurrency import at_once

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_at_once_create_one_organisation():
    results = at_once(
        lambda: services.organisation_find_or_create(name="Kigali Digital Traders", country="RW"),
        n=3,
    )
    assert all(isinstance(result, tuple) for result in results), results
    assert sorted(created for _organisation, created in results) == [False, False, True]
    assert {organisation.pk for organisation, _created in results} == {
        Organisation.objects.get().pk
    }


def test_the_same_name_in_another_case_is_the_same_organisation(db):
    first, created = services.organisation_find_or_create(name="Kigali  Digital Traders")
    again, created_again = services.organisation_find_or_create(name="KIGALI DIGITAL TRADERS ")
    assert (created, created_again, again) == (True, False, first)
    assert first.name == "Kigali Digital Traders"


def test_an_organisation_of_that_name_elsewhere_is_matched_only_when_it_is_the_only_one(db):
    kenya = Organisation.objects.create(name="Digital Trade Office", country="KE")
    assert services.organisation_find(name="digital trade office", country="RW") == kenya
    uganda = Organisation.objects.create(name="Digital Trade Office", country="UG")
    assert services.organisation_find(name="digital trade office", country="RW") is None
    assert services.organisation_find(name="digital trade office", country="UG") == uganda

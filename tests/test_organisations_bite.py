"""organisation_find and organisation_find_or_create at their edges, each found unchecked by
mutation testing: an organisation with no country, a name found only abroad, the country a new
one is created in, and a rival insert that lands between the lookup and our own insert."""

from __future__ import annotations

import pytest

from programs import services
from programs.models import Organisation
from programs.services import organisations

pytestmark = pytest.mark.django_db


def test_with_no_country_given_the_one_with_no_country_is_found():
    Organisation.objects.create(name="Digital Trade Office", country="KE")
    nowhere = Organisation.objects.create(name="Digital Trade Office", country="")
    assert services.organisation_find(name="digital trade office") == nowhere
    assert services.organisation_find(name="digital trade office", country="") == nowhere


def test_a_new_organisation_is_created_in_the_country_given():
    organisation, created = services.organisation_find_or_create(
        name="Kigali Digital Traders", country="RW", kind=Organisation.Kind.STARTUP
    )
    organisation.refresh_from_db()
    assert (created, organisation.country.code, organisation.kind) == (True, "RW", "startup")


def test_the_only_one_of_that_name_abroad_is_used_not_copied():
    """A delegate abroad still works for the same ministry: no second row is made for RW."""
    kenya = Organisation.objects.create(name="Digital Trade Office", country="KE")
    assert services.organisation_find_or_create(name="Digital Trade Office", country="RW") == (
        kenya,
        False,
    )
    assert Organisation.objects.count() == 1


def test_the_one_in_the_country_is_used_not_the_one_with_no_country():
    Organisation.objects.create(name="Digital Trade Office", country="")
    rwanda = Organisation.objects.create(name="Digital Trade Office", country="RW")
    assert services.organisation_find_or_create(name="Digital Trade Office", country="RW") == (
        rwanda,
        False,
    )
    assert Organisation.objects.count() == 2


def test_a_rival_insert_after_our_lookup_is_read_back_in_our_country(monkeypatch):
    """What the race in tests/test_organisation_concurrency.py does, without threads: another
    import inserts the RW row just after our lookup found none. Our insert meets the unique
    index, and the second lookup, for RW again, reads that row (not the Kenyan one, and no
    error about a name that already exists)."""
    kenya = Organisation.objects.create(name="Digital Trade Office", country="KE")
    Organisation.objects.create(name="Digital Trade Office", country="")
    lookup = organisations.organisation_find
    rival: list[Organisation] = []

    def lookup_then_a_rival_inserts(**kwargs):
        found = lookup(**kwargs)
        if not rival:
            rival.append(Organisation.objects.create(name="Digital Trade Office", country="RW"))
        return found

    monkeypatch.setattr(organisations, "organisation_find", lookup_then_a_rival_inserts)
    found, created = services.organisation_find_or_create(name="Digital Trade Office", country="RW")
    assert (found, created) == (rival[0], False)
    assert found != kenya
    assert Organisation.objects.count() == 3

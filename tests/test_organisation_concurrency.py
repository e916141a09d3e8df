"""Two lists naming the same new organisation at the same moment (two staff adding two
workshops' delegations): one organisation, both people in it. On PostgreSQL both find none;
the second insert waits on the unique (lower(name), country) index, fails, and reads the
first's row in its savepoint."""

import contextlib
import threading

import pytest

from programs import services
from programs.models import Organisation
from programs.services import organisations

from .concurrency_support import at_once, postgres_only

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


@postgres_only
def test_both_finding_none_then_inserting_still_make_one(monkeypatch):
    """The test above has power on PostgreSQL: hold both after their lookup, so both insert;
    the second meets the unique index and reads the first's row."""
    found_none = threading.Barrier(2, timeout=30)
    lookup = organisations.organisation_find
    first_call = threading.local()

    def slow_lookup(**kwargs):
        found = lookup(**kwargs)
        if not getattr(first_call, "done", False):  # the lookup after the failed insert runs on
            first_call.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                found_none.wait()
        return found

    monkeypatch.setattr(organisations, "organisation_find", slow_lookup)
    results = at_once(
        lambda: services.organisation_find_or_create(name="Kigali Digital Traders", country="RW")
    )
    assert sorted(str(type(result)) for result in results) == ["<class 'tuple'>"] * 2, results
    assert sorted(created for _organisation, created in results) == [False, True]
    assert Organisation.objects.count() == 1


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

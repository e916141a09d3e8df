"""Who the waitlist offers a freed place to, how many places it shows free, and what the offer
records. These pin what `make mutation` found unchecked (docs/testing.md).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs import services
from programs.models import Enrollment, Intake

from .factories import EnrollmentFactory, FundingSourceFactory, IntakeFundingFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def _waiting(intake, position: int, funding_source=None) -> Enrollment:
    return EnrollmentFactory.create(
        intake=intake,
        status=Status.WAITLISTED,
        waitlist_position=position,
        funding_source=funding_source,
    )


def _openings(intake) -> list[tuple]:
    return [
        (o.funding_source, o.free, o.next_in_line)
        for o in services.waitlist_openings(intake=intake)
    ]


def test_a_funded_place_skips_who_asked_for_another_source(september_intake, joint_scholarship):
    other_source = FundingSourceFactory(name="Mastercard Foundation")
    IntakeFundingFactory(intake=september_intake, funding_source=other_source, places=1)
    _waiting(september_intake, 1, funding_source=other_source)
    wants_this = _waiting(september_intake, 2, funding_source=joint_scholarship)

    assert services.waitlist_next(intake=september_intake, funding_source=joint_scholarship) == (
        wants_this
    )


def test_the_last_funded_place_is_shown_free(september_intake, joint_scholarship, fill):
    fill(september_intake, 19, funding_source=joint_scholarship)
    fill(september_intake, 2)  # both unfunded seats taken
    waiting = _waiting(september_intake, 1, funding_source=joint_scholarship)

    assert _openings(september_intake) == [(joint_scholarship, 1, waiting)]


def test_with_the_unfunded_seats_taken_only_funded_places_are_shown(
    september_intake, joint_scholarship, fill
):
    """10 funded places free, both unfunded seats taken: someone who asked for no funding is
    next for a funded place, and no seat without funding is shown (not even as 0 free)."""
    fill(september_intake, 10, funding_source=joint_scholarship)
    fill(september_intake, 2)
    waiting = _waiting(september_intake, 1)

    assert _openings(september_intake) == [(joint_scholarship, 10, waiting)]


def test_an_unfunded_seat_free_beside_free_funded_places_is_counted_once(
    september_intake, joint_scholarship, fill
):
    fill(september_intake, 10, funding_source=joint_scholarship)
    fill(september_intake, 1)
    waiting = _waiting(september_intake, 1)

    assert _openings(september_intake) == [(joint_scholarship, 10, waiting), (None, 1, waiting)]


def test_an_offer_of_a_funded_place_carries_it_and_records_who_and_why(
    september_intake, joint_scholarship, staff
):
    waiting = _waiting(september_intake, 1)  # asked for no source in particular

    services.waitlist_offer_next(
        intake=september_intake, funding_source=joint_scholarship, by=staff, reason="Seat freed"
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.funding_source) == (Status.OFFERED, joint_scholarship)
    latest = waiting.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "Seat freed")


def test_an_offer_without_a_reason_says_it_came_from_the_waitlist(september_intake, staff):
    waiting = _waiting(september_intake, 1)

    services.waitlist_offer_next(intake=september_intake, by=staff)
    latest = waiting.history.first()
    assert (latest.status, latest.history_user) == (Status.OFFERED, staff)
    assert latest.history_change_reason == "Offered from the waitlist"


def test_a_started_intake_offers_no_freed_seat_and_says_since_when(september_intake):
    started = timezone.localdate() - datetime.timedelta(days=3)
    Intake.objects.filter(pk=september_intake.pk).update(start_date=started)
    EnrollmentFactory(intake=september_intake, status=Enrollment.Status.WAITLISTED)
    with pytest.raises(ValidationError) as refused:
        services.waitlist_offer_next(intake=september_intake)
    assert refused.value.messages == [
        f"This intake started on {started}: a freed seat is no longer offered to the waitlist."
    ]

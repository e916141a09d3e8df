"""Funded places and the waitlist: one source in two intakes, and who gets a seat without funding.

These pin behaviours that deliberate bugs (docs/testing.md, "Tests that bite") got past.
"""

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Enrollment

from .factories import (
    EnrollmentFactory,
    IntakeFactory,
    IntakeFundingFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_intakes_one_source(september_intake, joint_scholarship, fill):
    """The scholarship funds 20 places in September (all taken) and 2 in a January intake."""
    fill(september_intake, 20, funding_source=joint_scholarship)
    january = IntakeFactory(name="January 2028", capacity=10)
    IntakeFundingFactory(intake=january, funding_source=joint_scholarship, places=2)
    return september_intake, january


# --- a funding source's places are counted per intake ---------------------------------------


def test_a_source_full_in_one_intake_still_funds_its_places_in_another(
    two_intakes_one_source, joint_scholarship
):
    september, january = two_intakes_one_source
    for _ in range(2):
        services.enrollment_create(
            student=StudentFactory(),
            intake=january,
            status=Status.ENROLLED,
            funding_source=joint_scholarship,
        )
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(
            student=StudentFactory(),
            intake=january,
            status=Status.ENROLLED,
            funding_source=joint_scholarship,
        )
    assert refused.value.message_dict["funding_source"] == [
        "No funded place from HEC–Alibaba Joint Scholarship is left in this intake: "
        "2 of 2 funded places are taken."
    ]
    assert january.enrollments.filter(funding_source=joint_scholarship).count() == 2
    assert september.enrollments.filter(funding_source=joint_scholarship).count() == 20


def test_the_full_intake_still_refuses_its_21st_funded_place(
    two_intakes_one_source, joint_scholarship
):
    """Free places in January do not open a 21st in September."""
    september, _january = two_intakes_one_source
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(
            student=StudentFactory(),
            intake=september,
            status=Status.ENROLLED,
            funding_source=joint_scholarship,
        )
    assert "20 of 20 funded places are taken." in refused.value.message_dict["funding_source"][0]


def test_a_funded_place_free_in_another_intake_is_offered_from_its_waitlist(
    two_intakes_one_source, joint_scholarship
):
    _september, january = two_intakes_one_source
    waiting = EnrollmentFactory(
        intake=january,
        status=Status.WAITLISTED,
        waitlist_position=1,
        funding_source=joint_scholarship,
    )
    openings = services.waitlist_openings(intake=january)
    funded = [o for o in openings if o.funding_source == joint_scholarship]
    assert [(o.free, o.next_in_line) for o in funded] == [(2, waiting)]

    offered = services.waitlist_offer_next(intake=january, funding_source=joint_scholarship)
    assert offered == waiting
    waiting.refresh_from_db()
    assert (waiting.status, waiting.funding_source) == (Status.OFFERED, joint_scholarship)


# --- a seat without funding goes to someone who asked for none -------------------------------


@pytest.fixture
def every_funded_place_taken(september_intake, joint_scholarship, fill):
    """September: 20 funded places and 1 of the 2 unfunded seats taken, so one seat is free."""
    fill(september_intake, 20, funding_source=joint_scholarship)
    fill(september_intake, 1)
    wants_funding = EnrollmentFactory(
        intake=september_intake,
        status=Status.WAITLISTED,
        waitlist_position=1,
        funding_source=joint_scholarship,
    )
    wants_none = EnrollmentFactory(
        intake=september_intake, status=Status.WAITLISTED, waitlist_position=2
    )
    return wants_funding, wants_none


def test_a_freed_unfunded_seat_is_offered_to_the_first_who_asked_for_no_funding(
    september_intake, every_funded_place_taken
):
    wants_funding, wants_none = every_funded_place_taken

    assert services.waitlist_next(intake=september_intake) == wants_none
    openings = services.waitlist_openings(intake=september_intake)
    assert [(o.funding_source, o.free, o.next_in_line) for o in openings] == [(None, 1, wants_none)]

    services.waitlist_offer_next(intake=september_intake)
    wants_funding.refresh_from_db()
    wants_none.refresh_from_db()
    assert (wants_none.status, wants_none.funding_source) == (Status.OFFERED, None)
    assert wants_funding.status == Status.WAITLISTED


def test_with_only_funding_seekers_waiting_an_unfunded_seat_is_offered_to_nobody(
    september_intake, every_funded_place_taken
):
    _wants_funding, wants_none = every_funded_place_taken
    wants_none.delete()

    assert services.waitlist_next(intake=september_intake) is None
    assert services.waitlist_openings(intake=september_intake) == []
    with pytest.raises(ValidationError) as refused:
        services.waitlist_offer_next(intake=september_intake)
    assert refused.value.messages == ["Nobody on the waitlist of this intake can take this place."]

"""Funded places and the waitlist: one source in two intakes, and who gets a seat without funding.

These pin behaviours that deliberate bugs (docs/testing.md, "Tests that bite") got past.
"""

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Enrollment, IntakeFunding

from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


SOURCE_IN_USE = (
    "HEC–Alibaba Joint Scholarship has no funded places in this intake, but enrollments "
    "here use it. Keep its funding or change those enrollments first."
)


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


# --- an intake's funded places, set and checked without touching another intake -------------


def test_setting_places_in_one_intake_leaves_the_other_intakes_places(
    two_intakes_one_source, joint_scholarship, staff
):
    september, january = two_intakes_one_source
    funding = services.intake_funding_set(
        intake=january, funding_source=joint_scholarship, places=5, by=staff, reason="New budget"
    )
    assert (funding.intake, funding.places) == (january, 5)
    assert september.fundings.get().places == 20
    assert funding.history.first().history_user == staff
    assert funding.history.first().history_change_reason == "New budget"


def test_places_can_drop_to_what_this_intake_holds_whatever_the_other_holds(
    two_intakes_one_source, joint_scholarship
):
    """September holds 20 of the source's places; January holds none, so 0 is fine there."""
    _september, january = two_intakes_one_source
    services.intake_funding_set(intake=january, funding_source=joint_scholarship, places=0)
    assert january.fundings.get().places == 0


def test_offers_waitlisted_and_applicants_do_not_hold_funded_places(
    september_intake, joint_scholarship, fill
):
    fill(september_intake, 3, funding_source=joint_scholarship)
    fill(september_intake, 5, status=Status.WAITLISTED, funding_source=joint_scholarship)
    services.intake_funding_set(intake=september_intake, funding_source=joint_scholarship, places=3)
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_set(
            intake=september_intake, funding_source=joint_scholarship, places=2
        )
    assert refused.value.messages == [
        "HEC–Alibaba Joint Scholarship pays for 2 places in this intake, but 3 enrollments "
        "would hold one."
    ]


def test_a_source_in_use_cannot_lose_its_funding_and_the_message_names_it(
    september_intake, joint_scholarship, fill
):
    fill(september_intake, 1, status=Status.APPLIED, funding_source=joint_scholarship)
    with pytest.raises(ValidationError) as refused:
        services.intake_places_check(intake=september_intake, places={})
    assert refused.value.messages == [SOURCE_IN_USE]


def test_a_capacity_below_the_seats_taken_is_refused_under_capacity(september_intake, fill):
    fill(september_intake, 21)
    september_intake.capacity = 20
    with pytest.raises(ValidationError) as refused:
        services.intake_capacity_check(intake=september_intake)
    assert refused.value.message_dict == {
        "capacity": [
            "This intake has 20 seats, but 21 would be taken by offers, enrollments and "
            "completions."
        ]
    }
    september_intake.capacity = 21
    services.intake_capacity_check(intake=september_intake)
    with pytest.raises(ValidationError) as refused:
        services.intake_places_check(
            intake=september_intake, places={september_intake.fundings.get().funding_source_id: 22}
        )
    assert "more than the intake's 21 seats" in refused.value.messages[0]


# --- one funding row, as the intake's admin page saves it ------------------------------------


def test_an_intakes_plan_is_checked_against_its_funding_when_saved(september_intake, staff):
    september_intake.capacity = 19
    with pytest.raises(ValidationError) as refused:
        services.intake_save(intake=september_intake, by=staff)
    assert refused.value.message_dict == {
        "__all__": ["The funded places would add up to 20, more than the intake's 19 seats."]
    }
    september_intake.capacity = 24
    services.intake_save(intake=september_intake, by=staff, reason="Bigger room")
    latest = september_intake.history.first()
    assert (latest.capacity, latest.history_user) == (24, staff)
    assert latest.history_change_reason == "Bigger room"
    services.intake_save(intake=september_intake)
    assert september_intake.history.first().history_change_reason is None


def test_a_new_funding_row_is_checked_against_the_seats(september_intake):
    other = FundingSourceFactory(name="Mastercard Foundation")
    services.intake_funding_check(
        funding=IntakeFunding(intake=september_intake, funding_source=other, places=2)
    )
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_check(
            funding=IntakeFunding(intake=september_intake, funding_source=other, places=3)
        )
    assert refused.value.messages == [
        "The funded places would add up to 23, more than the intake's 22 seats."
    ]


def test_a_funding_row_changed_in_place_is_counted_once(september_intake, joint_scholarship, fill):
    fill(september_intake, 20, funding_source=joint_scholarship)
    funding = september_intake.fundings.get()
    funding.places = 22
    services.intake_funding_check(funding=funding)  # 22 of 22 seats: fine
    funding.places = 23
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_check(funding=funding)
    assert refused.value.messages == [
        "The funded places would add up to 23, more than the intake's 22 seats."
    ]


def test_a_funding_row_moved_to_another_source_takes_its_places_along(september_intake):
    funding = september_intake.fundings.get()
    funding.funding_source = FundingSourceFactory(name="Mastercard Foundation")
    services.intake_funding_check(funding=funding)  # nobody holds the scholarship's places


def test_a_funding_row_cannot_move_to_another_source_while_its_enrollments_hold_places(
    september_intake, joint_scholarship, fill
):
    fill(september_intake, 1, funding_source=joint_scholarship)
    funding = september_intake.fundings.get()
    funding.funding_source = FundingSourceFactory(name="Mastercard Foundation")
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_check(funding=funding)
    assert refused.value.messages == [SOURCE_IN_USE]


def test_a_funding_row_cannot_leave_an_intake_whose_enrollments_use_it(
    two_intakes_one_source, joint_scholarship
):
    september, january = two_intakes_one_source
    funding = september.fundings.get()
    funding.intake = january
    funding.places = 2
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_check(funding=funding)
    assert refused.value.messages == [SOURCE_IN_USE]
    with pytest.raises(ValidationError):
        services.intake_funding_check(funding=september.fundings.get(), delete=True)
    services.intake_funding_check(funding=january.fundings.get(), delete=True)


def test_a_funding_row_can_leave_an_intake_that_keeps_its_other_sources(
    september_intake, joint_scholarship, fill
):
    """Only the row that leaves is taken out of the intake it leaves: the other source's
    places stay, so its enrollments still have them."""
    other = FundingSourceFactory(name="Mastercard Foundation")
    IntakeFundingFactory(intake=september_intake, funding_source=other, places=2)
    fill(september_intake, 2, funding_source=other)
    funding = september_intake.fundings.get(funding_source=joint_scholarship)
    funding.intake = IntakeFactory(name="January 2028", capacity=20)
    services.intake_funding_check(funding=funding)


def test_a_funding_row_that_leaves_is_checked_in_its_intake_whatever_the_ids(
    two_intakes_one_source,
):
    """The intake a row leaves is read by the row's id: a row whose id is not its intake's
    (in the other tests the first of each is 1) is still checked against it."""
    september, january = two_intakes_one_source
    funding = september.fundings.get()
    if funding.pk == september.pk:  # make the ids differ
        IntakeFunding.objects.filter(pk=funding.pk).update(id=funding.pk + 1000)
        funding = september.fundings.get()
    funding.intake = january
    with pytest.raises(ValidationError) as refused:
        services.intake_funding_check(funding=funding)
    assert refused.value.messages == [SOURCE_IN_USE]


def test_the_intake_form_check_refuses_a_capacity_below_its_places_and_passes_a_new_intake(
    september_intake,
):
    september_intake.capacity = 19
    with pytest.raises(ValidationError) as refused:
        services.intake_check(intake=september_intake)
    assert refused.value.message_dict == {
        "__all__": ["The funded places would add up to 20, more than the intake's 19 seats."]
    }
    september_intake.capacity = 20
    services.intake_check(intake=september_intake)
    services.intake_check(intake=IntakeFactory.build(program=september_intake.program))

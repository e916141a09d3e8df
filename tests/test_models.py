"""Values derived on the models, at their boundaries."""

import datetime

import pytest

from programs.models import ApplicationStatus, Enrollment, Intake

from .factories import IntakeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)
Status = Enrollment.Status


def intake(opens: int | None = -10, closes: int | None = 60, capacity: int = 22) -> Intake:
    def day(offset: int | None) -> datetime.date | None:
        return None if offset is None else TODAY + datetime.timedelta(days=offset)

    return IntakeFactory.create(
        applications_open_on=day(opens), applications_close_on=day(closes), capacity=capacity
    )


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [
        (1, 60, ApplicationStatus.UPCOMING),  # opens tomorrow
        (None, None, ApplicationStatus.UPCOMING),  # not scheduled
        (0, 60, ApplicationStatus.OPEN),  # opens today
        (-10, 0, ApplicationStatus.OPEN),  # closes tonight
        (-10, None, ApplicationStatus.OPEN),  # no closing date
        (-10, -1, ApplicationStatus.CLOSED),  # closed yesterday
    ],
)
def test_application_status_follows_the_dates(opens, closes, expected):
    assert intake(opens, closes).application_status(TODAY) == expected


def test_an_intake_is_full_at_its_last_seat_not_before(fill):
    cohort = intake(capacity=22)
    fill(cohort, 21, status=Status.ENROLLED)
    assert cohort.application_status(TODAY) == ApplicationStatus.OPEN
    fill(cohort, 1, status=Status.OFFERED)
    assert cohort.application_status(TODAY) == ApplicationStatus.FULL
    # Waitlisted and withdrawn people hold no seat.
    fill(cohort, 3, status=Status.WAITLISTED)
    assert cohort.application_status(TODAY, seats_taken=21) == ApplicationStatus.OPEN


def test_application_status_uses_the_annotated_count_without_a_query(
    fill, django_assert_num_queries
):
    cohort = intake(capacity=2)
    fill(cohort, 2)
    annotated = Intake.objects.with_counts().get(pk=cohort.pk)
    with django_assert_num_queries(0):
        assert annotated.application_status(TODAY) == ApplicationStatus.FULL

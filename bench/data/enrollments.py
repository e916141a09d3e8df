"""About one enrollment per student, each made the way the services make it.

A seat or a funded place is taken only when the services' own check says it is free
(services.base.seat_is_free, funded_place_is_free: rules 1-2), a student is in an intake at most
once (rule 4), waitlist positions come from next_waitlist_position, and each unsaved enrollment
passes lifecycle_validate and lifecycle_tidy (a withdrawal's reason and date, a completion's
date, an offer's deadline from the intake's response time) before it is inserted in bulk.
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter

from django.utils import timezone

from programs.models import Enrollment, ExitReason, Intake
from programs.services.base import funded_place_is_free, seat_is_free
from programs.services.enrollments import next_waitlist_position
from programs.services.lifecycle import lifecycle_tidy, lifecycle_validate

from .rows import BATCH, bar, date_adapter, datetime_adapter, insert_rows
from .world import World

Status = Enrollment.Status

# Which statuses applications end in, by where the intake stands today.
STATUS_WEIGHTS = {
    "finished": {
        Status.COMPLETED: 58,
        Status.WITHDRAWN: 10,
        Status.REJECTED: 22,
        Status.DEFERRED: 5,
        Status.WAITLISTED: 5,
    },
    "running": {Status.ENROLLED: 62, Status.WITHDRAWN: 8, Status.REJECTED: 22, Status.DEFERRED: 8},
    "upcoming": {
        Status.APPLIED: 40,
        Status.WAITLISTED: 15,
        Status.OFFERED: 25,
        Status.REJECTED: 15,
        Status.WITHDRAWN: 5,
    },
}
# A seat-holding status that finds the intake full becomes this instead.
WHEN_FULL = {"finished": Status.REJECTED, "running": Status.REJECTED, "upcoming": Status.WAITLISTED}
# Why people leave: before the start they decline the offer; afterwards, any other reason.
EXIT_REASONS = {
    "upcoming": [ExitReason.DECLINED_OFFER],
    "running": [
        r for r in ExitReason if r not in (ExitReason.DECLINED_OFFER, ExitReason.OFFER_EXPIRED)
    ],
}
EXIT_REASONS["finished"] = EXIT_REASONS["running"]
COLUMNS = [
    "student",
    "intake",
    "status",
    "funding_source",
    "waitlist_position",
    "exit_reason",
    "exit_date",
    "completed_on",
    "offer_expires_on",
    "status_changed_at",
    "created_at",
    "updated_at",
]


class Seats:
    """Seats, funded places and waitlist positions taken so far, as the services count them."""

    def __init__(self, world: World) -> None:
        self.places = world.places
        self.seats: Counter[int] = Counter()
        self.funded: Counter[tuple[int, int]] = Counter()
        self.last_position: dict[int, int] = {}

    def take_seat(self, intake: Intake) -> bool:
        if not seat_is_free(taken=self.seats[intake.pk], capacity=intake.capacity):
            return False
        self.seats[intake.pk] += 1
        return True

    def free_sources(self, intake_id: int, sources: list[int]) -> list[int]:
        return [
            s
            for s in sources
            if funded_place_is_free(
                taken=self.funded[intake_id, s], places=self.places[intake_id, s]
            )
        ]

    def next_position(self, intake_id: int) -> int:
        position = next_waitlist_position(self.last_position.get(intake_id))
        self.last_position[intake_id] = position
        return position


def build_enrollments(world: World, student_ids: list[int]) -> None:
    rng = world.rng
    adapt, adapt_date = datetime_adapter(), date_adapter()
    now = timezone.now().astimezone(datetime.UTC)
    now_value = adapt(now)
    # With their programme and (prefetched, empty) terms, so lifecycle_validate asks nothing.
    intakes = list(
        Intake.objects.filter(pk__in=[i.pk for i in world.intakes])
        .select_related("program")
        .prefetch_related("terms")
        .order_by("pk")
    )
    sources = {i.pk: [s for (pk, s) in world.places if pk == i.pk] for i in intakes}
    stages = {i.pk: world.stage(i) for i in intakes}
    # Decisions fall between the opening of applications and today.
    opened = {
        i.pk: datetime.datetime.combine(
            i.applications_open_on or i.start_date, datetime.time(9), tzinfo=datetime.UTC
        )
        for i in intakes
    }
    # Cumulative weights, computed once: random.choices would redo them on every call.
    by_capacity = list(itertools.accumulate(i.capacity for i in intakes))
    per_student = list(itertools.accumulate((15, 72, 9, 4)))
    status_tables = {
        stage: (list(table), list(itertools.accumulate(table.values())))
        for stage, table in STATUS_WEIGHTS.items()
    }
    seats = Seats(world)
    week = datetime.timedelta(days=7)
    batch: list[tuple] = []
    with bar(len(student_ids), "enrollments (by student)", progress=world.progress) as progress:
        for student_id in student_ids:
            how_many = rng.choices((0, 1, 2, 3), cum_weights=per_student)[0]
            # A dict by intake: a student in an intake at most once (rule 4).
            chosen = {i.pk: i for i in rng.choices(intakes, cum_weights=by_capacity, k=how_many)}
            for intake in chosen.values():
                stage, options = stages[intake.pk], sources[intake.pk]
                statuses, cumulative = status_tables[stage]
                status = rng.choices(statuses, cum_weights=cumulative)[0]
                if status in Enrollment.SEAT_HOLDING and not seats.take_seat(intake):
                    status = WHEN_FULL[stage]
                source_id = None
                if status in Enrollment.SEAT_HOLDING:
                    # Most seats are funded while funded places are left.
                    free = seats.free_sources(intake.pk, options)
                    if free and rng.random() < 0.85:
                        source_id = rng.choice(free)
                        seats.funded[intake.pk, source_id] += 1
                elif (
                    options and status in (Status.APPLIED, Status.WAITLISTED) and rng.random() < 0.5
                ):
                    source_id = rng.choice(options)  # asking for a funded place holds none
                changed = min(
                    opened[intake.pk] + datetime.timedelta(minutes=rng.randrange(172800)), now
                )
                enrollment = Enrollment(
                    student_id=student_id,
                    intake=intake,
                    status=status,
                    funding_source_id=source_id,
                    waitlist_position=(
                        seats.next_position(intake.pk) if status == Status.WAITLISTED else None
                    ),
                )
                if status == Status.WITHDRAWN:
                    enrollment.exit_reason = rng.choice(EXIT_REASONS[stage])
                    enrollment.exit_date = changed.date()
                if status == Status.COMPLETED:
                    enrollment.completed_on = intake.end_date
                lifecycle_validate(enrollment=enrollment, previous_status=None)
                lifecycle_tidy(enrollment=enrollment, status_changed=True)
                # created_at is auto_now_add: spread over the years of history the way
                # applications came in (the admin sorts and groups by it).
                batch.append(
                    (
                        student_id,
                        intake.pk,
                        enrollment.status,
                        enrollment.funding_source_id,
                        enrollment.waitlist_position,
                        enrollment.exit_reason,
                        adapt_date(enrollment.exit_date),
                        adapt_date(enrollment.completed_on),
                        adapt_date(enrollment.offer_expires_on),
                        adapt(changed),
                        adapt(changed - week),
                        now_value,
                    )
                )
            if len(batch) >= BATCH:
                insert_rows(Enrollment, COLUMNS, batch)
                world.enrollment_count += len(batch)
                batch = []
            progress.update(1)
        insert_rows(Enrollment, COLUMNS, batch)
        world.enrollment_count += len(batch)

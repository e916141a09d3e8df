"""What one build knows as it goes: its random numbers, today, and the rows made so far."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Model

from programs.models import FundingSource, Intake, Partner, Program

M = TypeVar("M", bound=Model)


@dataclass
class World:
    rng: random.Random
    today: datetime.date
    progress: bool = False
    schools: list[Partner] = field(default_factory=list)
    funders: list[Partner] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    sources: list[FundingSource] = field(default_factory=list)
    intakes: list[Intake] = field(default_factory=list)
    # Funded places per (intake id, funding source id).
    places: dict[tuple[int, int], int] = field(default_factory=dict)
    enrollment_count: int = 0

    def stage(self, intake: Intake) -> str:
        """Where an intake stands today: upcoming, running or finished."""
        assert intake.end_date is not None  # every bench intake has one
        if intake.start_date > self.today:
            return "upcoming"
        return "running" if intake.end_date >= self.today else "finished"


def cleaned(rows: Iterable[M], *, validate_constraints: bool = True) -> list[M]:
    """Each row through full_clean() before a bulk insert, as its service cleans it."""
    rows = list(rows)
    for row in rows:
        row.full_clean(validate_constraints=validate_constraints)
    return rows

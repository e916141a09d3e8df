"""N students, their personal fields named by programs/personal.py (what erasure scrubs)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from programs.management.commands.seed_demo import FIRST_NAMES, LAST_NAMES
from programs.models import Student
from programs.personal import STUDENT_PERSONAL_FIELDS

from .marks import EMAIL_DOMAIN, PREFIX
from .rows import BATCH, bar, date_adapter, datetime_adapter, insert_rows
from .world import World

COUNTRIES = ["RW"] * 8 + ["KE", "UG", "TZ", "BI", "CD"]


def email(i: int) -> str:
    return f"{PREFIX}student-{i}{EMAIL_DOMAIN}"


def personal_values(i: int, names: tuple[str, str]) -> dict[str, object]:
    """Student i's personal fields; the same keys as STUDENT_PERSONAL_FIELDS (checked)."""
    return {
        "first_name": names[0],
        "last_name": names[1],
        "email": email(i),
        "phone": f"+25078{i % 10**7:07d}",  # a valid Rwandan mobile
        "national_id": f"1{1990 + i % 15}8{i:011d}",
        "date_of_birth": datetime.date(1985 + i % 20, 1 + i % 12, 1 + i % 28),
    }


def build_students(world: World, n: int) -> list[int]:
    """Insert n students; their ids in the order of the numbers in their emails."""
    names = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    now = datetime_adapter()(timezone.now().astimezone(datetime.UTC))
    adapt_date = date_adapter()
    columns = [*STUDENT_PERSONAL_FIELDS, "country", "created_at", "updated_at"]
    adapters: dict[str, Callable[[Any], object]] = {"date_of_birth": adapt_date}
    sample = personal_values(0, names[0])
    assert list(sample) == list(STUDENT_PERSONAL_FIELDS), "personal_values() is out of date"
    with bar(n, "students", progress=world.progress) as progress:
        for first in range(0, n, BATCH):
            rows = []
            for i in range(first, min(first + BATCH, n)):
                values = personal_values(i, names[world.rng.randrange(len(names))])
                personal = tuple(
                    adapters[name](value) if name in adapters else value
                    for name, value in values.items()
                )
                rows.append((*personal, COUNTRIES[i % len(COUNTRIES)], now, now))
            insert_rows(Student, columns, rows)
            progress.update(len(rows))
    ids = Student.objects.filter(email__endswith=EMAIL_DOMAIN).values_list("email", "pk")
    by_number = {
        int((address or "")[len(PREFIX) + 8 : -len(EMAIL_DOMAIN)]): pk for address, pk in ids
    }
    return [by_number[i] for i in range(n)]

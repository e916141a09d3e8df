"""One build, in order: the small tables, then students, then their enrollments."""

from __future__ import annotations

from django.db import transaction

from . import catalogue
from .enrollments import build_enrollments
from .marks import delete_bench_data
from .students import build_students
from .world import World


def build(world: World, *, students: int) -> None:
    """Replace earlier bench data with a new build of `students` students, in one transaction."""
    with transaction.atomic():
        delete_bench_data()
        catalogue.build_partners(world)
        catalogue.build_programs(world)
        catalogue.build_funding_sources(world)
        catalogue.build_intakes(world)
        catalogue.build_intake_funding(world)
        build_enrollments(world, build_students(world, students))

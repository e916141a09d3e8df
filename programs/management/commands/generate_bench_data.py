"""Build a large, realistic dataset for the benchmark (bench/run.py, docs/performance.md).

Every row it makes is marked as bench data (bench/data/marks.py). It replaces earlier bench
data and refuses to touch a database that holds anything else unless --force is given (then it
leaves the other data alone and adds its own next to it). How the rows keep the services' rules:
bench/data/__init__.py. No history rows are written.
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench.data.build import build
from bench.data.marks import non_bench_data
from bench.data.world import World


class Command(BaseCommand):
    help = (
        "Build bench data: 50 programmes, 500 intakes, funding with co-funders, N students and "
        "about N enrollments. Replaces earlier bench data; refuses other data unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--students", type=int, required=True, help="How many students (N) to create."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds data that is not bench data "
            "(it is left as it is; bench data is added next to it).",
        )
        parser.add_argument("--seed", type=int, default=2027, help="Random seed (default 2027).")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args, students: int, force: bool, seed: int, **options) -> None:
        if students < 1:
            raise CommandError("--students must be at least 1.")
        others = non_bench_data()
        if others and not force:
            found = ", ".join(f"{n} {kind if n != 1 else kind[:-1]}" for kind, n in others.items())
            raise CommandError(
                f"This database holds data that is not bench data ({found}). "
                "generate_bench_data is meant for an empty database of its own: point "
                "DATABASE_URL at one, or pass --force to add bench data next to this data."
            )
        world = World(
            rng=random.Random(seed),
            today=timezone.localdate(),
            progress=not options["no_progress"],
        )
        started = time.monotonic()
        build(world, students=students)
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # A live server's autovacuum does this soon after a bulk load (statistics for the
            # planner, the visibility map for index-only scans); do it now so that the
            # benchmark meets the plans production would.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"Built bench data in {time.monotonic() - started:.1f} s: "
            f"{len(world.programs)} programmes, {len(world.intakes)} intakes, "
            f"{len(world.sources)} funding sources, {students} students, "
            f"{world.enrollment_count} enrollments."
        )

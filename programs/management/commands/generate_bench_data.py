"""Build a large, realistic dataset for the benchmark (bench/run.py, docs/performance.md).

Every row it makes is marked as bench data: partner and funding-source names and programme
slugs start with "bench-", student emails end with "@bench.example.org". It replaces earlier
bench data and refuses to touch a database that holds anything else unless --force is given
(then it leaves the other data alone and adds its own next to it).

The rows go in with bulk inserts, so they bypass the services; the generator keeps the five
rules of the domain itself by counting seats and funded places as it goes, and
tests/test_bench_data.py checks them on the result. No history rows are written.
"""

from __future__ import annotations

import datetime
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from tqdm import tqdm

from programs.management.commands.seed_demo import FIRST_NAMES, LAST_NAMES
from programs.models import (
    Enrollment,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Partner,
    Program,
    Student,
)

PREFIX = "bench-"
EMAIL_DOMAIN = "@bench.example.org"
PROGRAMS = 50
INTAKES_PER_PROGRAM = 10
BATCH = 5000
# Seats per intake: cohorts of hundreds. The tests shrink it to fill intakes up.
CAPACITY_RANGE = (150, 400)

Status = Enrollment.Status

COUNTRIES = ["RW"] * 8 + ["KE", "UG", "TZ", "BI", "CD"]
SUBJECTS = [
    "International Business", "Cross-Border E-commerce", "Digital Marketing", "Logistics",
    "Entrepreneurship", "Data for Trade", "Supply Chains", "Fintech", "Agribusiness Export",
    "Public Digital Services",
]  # fmt: skip

# Which statuses applications end in, by where the intake stands today.
STATUS_WEIGHTS = {
    "finished": {
        Status.COMPLETED: 58,
        Status.WITHDRAWN: 10,
        Status.REJECTED: 22,
        Status.DEFERRED: 5,
        Status.WAITLISTED: 5,
    },
    "running": {
        Status.ENROLLED: 62,
        Status.WITHDRAWN: 8,
        Status.REJECTED: 22,
        Status.DEFERRED: 8,
    },
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
# Co-funder shares (percent) of the jointly funded sources; None: shares not known.
SHARE_SPLITS = [(50, 50), (60, 40), (70, 30), (40, 35, 25), (34, 33, 33), (None, None)]


def non_bench_data() -> dict[str, int]:
    """Rows the generator did not make, by kind; empty when the database holds only bench data."""
    counts = {
        "partners": Partner.objects.exclude(name__startswith=PREFIX).count(),
        "programmes": Program.objects.exclude(slug__startswith=PREFIX).count(),
        "funding sources": FundingSource.objects.exclude(name__startswith=PREFIX).count(),
        "students": Student.objects.exclude(email__endswith=EMAIL_DOMAIN).count(),
    }
    return {kind: n for kind, n in counts.items() if n}


def delete_bench_data() -> None:
    """Delete earlier bench data with plain DELETE statements.

    QuerySet.delete() would load every row to send the history signals (one history row per
    deleted enrollment); bench rows have no history, so a raw delete loses nothing.
    """
    bench_intakes = Intake.objects.filter(program__slug__startswith=PREFIX)
    bench_sources = FundingSource.objects.filter(name__startswith=PREFIX)
    querysets = [
        Enrollment.objects.filter(student__email__endswith=EMAIL_DOMAIN),
        Enrollment.objects.filter(intake__in=bench_intakes),
        IntakeFunding.objects.filter(intake__in=bench_intakes),
        IntakeFunding.objects.filter(funding_source__in=bench_sources),
        bench_intakes,
        Program.partners.through.objects.filter(program__slug__startswith=PREFIX),
        Program.objects.filter(slug__startswith=PREFIX),
        FundingShare.objects.filter(funding_source__in=bench_sources),
        bench_sources,
        Student.objects.filter(email__endswith=EMAIL_DOMAIN),
        Partner.objects.filter(name__startswith=PREFIX),
    ]
    for queryset in querysets:
        queryset._raw_delete(queryset.db)


def insert_rows(model: type[Model], names: list[str], rows: list[tuple]) -> None:
    """Insert many rows, whose values are already in database form, with one executemany.

    Used for the two large tables: bulk_create spends most of its time preparing each value
    (about 40 of the 60 seconds of a build at N=100,000). Columns not named get their field's
    default, so that a field added to the model later does not break the build.
    """
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    named = {field.column for field in fields}
    rest = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.column not in named
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in rest)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*fields, *rest])
    placeholders = ", ".join(["%s"] * (len(fields) + len(rest)))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row + defaults for row in rows] if defaults else rows)


def datetime_adapter() -> Callable[[datetime.datetime], object]:
    """A fast equivalent of connection.ops.adapt_datetimefield_value for UTC datetimes.

    The backend's own adapter costs about 20 s per million values; SQLite stores naive UTC
    text, PostgreSQL takes aware datetimes as they are. Checked against the backend's adapter.
    """
    sample = datetime.datetime(2027, 9, 1, 9, 30, 15, 123, tzinfo=datetime.UTC)
    expected = connection.ops.adapt_datetimefield_value(sample)
    for fast in (lambda dt: str(dt.replace(tzinfo=None)), lambda dt: dt):
        if fast(sample) == expected:
            return fast
    return connection.ops.adapt_datetimefield_value


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
        self.rng = random.Random(seed)
        self.progress = not options["no_progress"]
        self.today = timezone.localdate()
        started = time.monotonic()
        with transaction.atomic():
            delete_bench_data()
            self.build(students)
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # A live server's autovacuum does this soon after a bulk load (statistics for the
            # planner, the visibility map for index-only scans); do it now so that the
            # benchmark meets the plans production would.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"Built bench data in {time.monotonic() - started:.1f} s: "
            f"{len(self.programs)} programmes, {len(self.intakes)} intakes, "
            f"{len(self.sources)} funding sources, {students} students, "
            f"{self.enrollment_count} enrollments."
        )

    # --- the small tables ------------------------------------------------------------------

    def build(self, students: int) -> None:
        self.build_partners()
        self.build_programs()
        self.build_funding_sources()
        self.build_intakes()
        self.build_intake_funding()
        student_ids = self.build_students(students)
        self.build_enrollments(student_ids)

    def build_partners(self) -> None:
        rows = [
            Partner(name=f"{PREFIX}School {i}", short_name=f"S{i}", kind=Partner.Kind.SCHOOL)
            for i in range(1, 6)
        ]
        kinds = [
            Partner.Kind.GOVERNMENT,
            Partner.Kind.COMPANY,
            Partner.Kind.UN_AGENCY,
            Partner.Kind.NGO,
        ]
        rows += [
            Partner(name=f"{PREFIX}Funder {i}", short_name=f"F{i}", kind=kinds[i % len(kinds)])
            for i in range(1, 26)
        ]
        partners = Partner.objects.bulk_create(rows)
        self.schools, self.funders = partners[:5], partners[5:]

    def build_programs(self) -> None:
        kinds = list(Program.Kind.values)
        durations = {"degree": 48, "fellowship": 6, "training": 2, "workshop": 1}
        programs = []
        for i in range(1, PROGRAMS + 1):
            kind = kinds[i % len(kinds)]
            subject = SUBJECTS[i % len(SUBJECTS)]
            programs.append(
                Program(
                    name=f"{subject} {kind.title()} {i:02d}",
                    slug=f"{PREFIX}program-{i:02d}",
                    kind=kind,
                    summary=f"A {kind} in {subject.lower()} for the region's growing trade.",
                    description=f"Bench programme {i}: {subject}. " * 20,
                    duration_months=durations[kind],
                    delivered_by=self.schools[i % len(self.schools)],
                    # A few drafts, as staff keep them while a programme is prepared.
                    is_published=i % 10 != 0,
                )
            )
        self.programs = Program.objects.bulk_create(programs)
        through = Program.partners.through
        links = []
        for program in self.programs:
            for partner in self.rng.sample(self.funders, self.rng.randint(1, 3)):
                links.append(through(program_id=program.pk, partner_id=partner.pk))
        through.objects.bulk_create(links)

    def build_funding_sources(self) -> None:
        kinds = [
            FundingSource.Kind.SCHOLARSHIP,
            FundingSource.Kind.SPONSOR,
            FundingSource.Kind.GOVERNMENT,
            FundingSource.Kind.OTHER,
        ]
        sources = [
            FundingSource(
                name=f"{PREFIX}Self-funded", kind=FundingSource.Kind.SELF, description="Pays."
            )
        ]
        for i in range(1, 20):
            costed = i % 3 != 0
            sources.append(
                FundingSource(
                    name=f"{PREFIX}Scholarship {i:02d}",
                    kind=kinds[i % len(kinds)],
                    description=f"Bench funding source {i}.",
                    cost_per_place=Decimal(1500 * (1 + i % 5)) if costed else None,
                    currency="USD" if costed else "",
                )
            )
        self.sources = FundingSource.objects.bulk_create(sources)
        shares = []
        for i, source in enumerate(self.sources[1:], start=1):
            if i % 7 == 0:
                continue  # a single funder not recorded as a co-funder
            split = SHARE_SPLITS[i % len(SHARE_SPLITS)]
            partners = self.rng.sample(self.funders, len(split))
            shares += [
                FundingShare(
                    funding_source=source,
                    partner=partner,
                    share_percent=None if pct is None else Decimal(pct),
                )
                for partner, pct in zip(partners, split, strict=True)
            ]
        FundingShare.objects.bulk_create(shares)

    def build_intakes(self) -> None:
        """Ten yearly intakes per programme: eight years of history, the current one, the next."""
        intakes = []
        for p, program in enumerate(self.programs):
            months = program.duration_months or 1
            for k in range(INTAKES_PER_PROGRAM):
                # The last intake of each programme starts 60 to 150 days from today, with
                # applications open now; the others are one year apart before it.
                start = self.today + datetime.timedelta(
                    days=60 + (p * 37) % 90 - 365 * (INTAKES_PER_PROGRAM - 1 - k)
                )
                intakes.append(
                    Intake(
                        program=program,
                        name=f"{start:%B %Y}",
                        start_date=start,
                        end_date=start + datetime.timedelta(days=30 * months),
                        applications_open_on=start - datetime.timedelta(days=180),
                        applications_close_on=start - datetime.timedelta(days=14),
                        capacity=self.rng.randint(*CAPACITY_RANGE),
                    )
                )
        self.intakes = Intake.objects.bulk_create(intakes)

    def stage(self, intake: Intake) -> str:
        assert intake.end_date is not None  # every bench intake has one
        if intake.start_date > self.today:
            return "upcoming"
        return "running" if intake.end_date >= self.today else "finished"

    def build_intake_funding(self) -> None:
        """One to three sources per intake whose funded places stay within its capacity (rule 3)."""
        rows = []
        self.places: dict[tuple[int, int], int] = {}
        for intake in self.intakes:
            funded_total = int(intake.capacity * self.rng.uniform(0.4, 0.9))
            how_many = min(self.rng.randint(1, 3), max(funded_total, 1))
            sources = self.rng.sample(self.sources, how_many)
            cuts = sorted(self.rng.sample(range(1, funded_total), len(sources) - 1))
            for source, start, end in zip(sources, [0, *cuts], [*cuts, funded_total], strict=True):
                rows.append(IntakeFunding(intake=intake, funding_source=source, places=end - start))
                self.places[intake.pk, source.pk] = end - start
        IntakeFunding.objects.bulk_create(rows)

    # --- the large tables ------------------------------------------------------------------

    def bar(self, total: int, desc: str) -> tqdm:
        return tqdm(total=total, desc=desc, unit=" rows", disable=not self.progress, leave=True)

    def build_students(self, n: int) -> list[int]:
        names = list(itertools.product(FIRST_NAMES, LAST_NAMES))
        rng = self.rng
        now = datetime_adapter()(timezone.now().astimezone(datetime.UTC))
        adapt_date = connection.ops.adapt_datefield_value
        columns = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "national_id",
            "date_of_birth",
            "country",
            "created_at",
            "updated_at",
        ]
        with self.bar(n, "students") as bar:
            for first in range(0, n, BATCH):
                rows = []
                for i in range(first, min(first + BATCH, n)):
                    given, family = names[rng.randrange(len(names))]
                    rows.append(
                        (
                            given,
                            family,
                            f"{PREFIX}student-{i}{EMAIL_DOMAIN}",
                            f"+2507{i:08d}",
                            f"1{1990 + i % 15}8{i:011d}",
                            adapt_date(datetime.date(1985 + i % 20, 1 + i % 12, 1 + i % 28)),
                            COUNTRIES[i % len(COUNTRIES)],
                            now,
                            now,
                        )
                    )
                insert_rows(Student, columns, rows)
                bar.update(len(rows))
        # In the order they were made, which is the order of the numbers in their emails.
        ids = Student.objects.filter(email__endswith=EMAIL_DOMAIN).values_list("email", "pk")
        by_number = {int(email[len(PREFIX) + 8 : -len(EMAIL_DOMAIN)]): pk for email, pk in ids}
        return [by_number[i] for i in range(n)]

    def build_enrollments(self, student_ids: list[int]) -> None:
        """About one enrollment per student (some none, some two or three), never two in one
        intake (rule 4), never more seat-holders than seats (rule 1) nor funded seat-holders
        than funded places (rule 2)."""
        rng = self.rng
        adapt = datetime_adapter()
        now = timezone.now().astimezone(datetime.UTC)
        # Per intake, in plain values: id, capacity, stage, funding sources, when its
        # applications opened (decisions fall between then and the start, or today).
        intakes = [
            (
                intake.pk,
                intake.capacity,
                self.stage(intake),
                [source for (pk, source) in self.places if pk == intake.pk],
                datetime.datetime.combine(
                    intake.applications_open_on or intake.start_date,
                    datetime.time(9),
                    tzinfo=datetime.UTC,
                ),
            )
            for intake in self.intakes
        ]
        # Cumulative weights, computed once: random.choices would redo them on every call.
        by_capacity = list(itertools.accumulate(intake[1] for intake in intakes))
        per_student = list(itertools.accumulate((15, 72, 9, 4)))
        status_tables = {
            stage: (list(table), list(itertools.accumulate(table.values())))
            for stage, table in STATUS_WEIGHTS.items()
        }
        seat_holding = set(Enrollment.SEAT_HOLDING)
        asking = {Status.APPLIED, Status.WAITLISTED}
        seats: Counter[int] = Counter()
        funded: Counter[tuple[int, int]] = Counter()
        waitlist: Counter[int] = Counter()
        week = datetime.timedelta(days=7)
        now_value = adapt(now)
        self.enrollment_count = 0
        batch: list[tuple] = []
        with self.bar(len(student_ids), "enrollments (by student)") as bar:
            for student_id in student_ids:
                how_many = rng.choices((0, 1, 2, 3), cum_weights=per_student)[0]
                chosen = {
                    intake[0]: intake
                    for intake in rng.choices(intakes, cum_weights=by_capacity, k=how_many)
                }
                for intake_id, capacity, stage, sources, opened in chosen.values():
                    statuses, cumulative = status_tables[stage]
                    status = rng.choices(statuses, cum_weights=cumulative)[0]
                    if status in seat_holding:
                        if seats[intake_id] >= capacity:
                            status = WHEN_FULL[stage]
                        else:
                            seats[intake_id] += 1
                    source_id = None
                    if status in seat_holding:
                        # Most seats are funded while funded places are left.
                        open_sources = [
                            s for s in sources if funded[intake_id, s] < self.places[intake_id, s]
                        ]
                        if open_sources and rng.random() < 0.85:
                            source_id = rng.choice(open_sources)
                            funded[intake_id, source_id] += 1
                    elif sources and status in asking and rng.random() < 0.5:
                        # Applicants may ask for a funded place; asking holds none.
                        source_id = rng.choice(sources)
                    position = None
                    if status == Status.WAITLISTED:
                        waitlist[intake_id] += 1
                        position = waitlist[intake_id]
                    changed = min(
                        opened + datetime.timedelta(minutes=rng.randrange(60 * 24 * 120)), now
                    )
                    # created_at is auto_now_add, which bulk_create would set to now; spread it
                    # over the years of history the way applications came in (the admin sorts
                    # and groups by it).
                    batch.append(
                        (
                            student_id,
                            intake_id,
                            status,
                            source_id,
                            position,
                            adapt(changed),
                            adapt(changed - week),
                            now_value,
                        )
                    )
                if len(batch) >= BATCH:
                    self.insert_enrollments(batch)
                    batch = []
                bar.update(1)
            self.insert_enrollments(batch)

    def insert_enrollments(self, batch: list[tuple]) -> None:
        columns = [
            "student",
            "intake",
            "status",
            "funding_source",
            "waitlist_position",
            "status_changed_at",
            "created_at",
            "updated_at",
        ]
        insert_rows(Enrollment, columns, batch)
        self.enrollment_count += len(batch)

"""The small tables: partners, programmes, funding sources with co-funders, intakes and their
funded places. Each row passes full_clean(); shares and funded places pass the services' own
validators (rules 3 and 5)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from programs.models import FundingShare, FundingSource, Intake, IntakeFunding, Partner, Program
from programs.services import intake_places_validate, shares_validate

from .marks import PREFIX
from .world import World, cleaned

PROGRAMS = 50
INTAKES_PER_PROGRAM = 10
# Seats per intake: cohorts of hundreds. The tests shrink it to fill intakes up.
CAPACITY_RANGE = (150, 400)
SUBJECTS = [
    "International Business", "Cross-Border E-commerce", "Digital Marketing", "Logistics",
    "Entrepreneurship", "Data for Trade", "Supply Chains", "Fintech", "Agribusiness Export",
    "Public Digital Services",
]  # fmt: skip
# Co-funder shares (percent) of the jointly funded sources; None: shares not known.
SHARE_SPLITS = [(50, 50), (60, 40), (70, 30), (40, 35, 25), (34, 33, 33), (None, None)]


def build_partners(world: World) -> None:
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
    partners = Partner.objects.bulk_create(cleaned(rows))
    world.schools, world.funders = partners[:5], partners[5:]


def build_programs(world: World) -> None:
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
                delivered_by=world.schools[i % len(world.schools)],
                # A few drafts, as staff keep them while a programme is prepared.
                is_published=i % 10 != 0,
            )
        )
    world.programs = Program.objects.bulk_create(cleaned(programs))
    through = Program.partners.through
    links = []
    for program in world.programs:
        for partner in world.rng.sample(world.funders, world.rng.randint(1, 3)):
            links.append(through(program_id=program.pk, partner_id=partner.pk))
    through.objects.bulk_create(links)


def build_funding_sources(world: World) -> None:
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
    world.sources = FundingSource.objects.bulk_create(cleaned(sources))
    shares = []
    for i, source in enumerate(world.sources[1:], start=1):
        if i % 7 == 0:
            continue  # a single funder not recorded as a co-funder
        split = SHARE_SPLITS[i % len(SHARE_SPLITS)]
        partners = world.rng.sample(world.funders, len(split))
        given = [
            (p, None if pct is None else Decimal(pct))
            for p, pct in zip(partners, split, strict=True)
        ]
        shares_validate(given)  # rule 5, as funding_source_set_shares checks it
        shares += [
            FundingShare(funding_source=source, partner=partner, share_percent=percent)
            for partner, percent in given
        ]
    FundingShare.objects.bulk_create(cleaned(shares))


def build_intakes(world: World) -> None:
    """Ten yearly intakes per programme: eight years of history, the current one, the next."""
    intakes = []
    for p, program in enumerate(world.programs):
        months = program.duration_months or 1
        for k in range(INTAKES_PER_PROGRAM):
            # The last intake of each programme starts 60 to 150 days from today, with
            # applications open now; the others are one year apart before it.
            start = world.today + datetime.timedelta(
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
                    capacity=world.rng.randint(*CAPACITY_RANGE),
                )
            )
    world.intakes = Intake.objects.bulk_create(cleaned(intakes))


def build_intake_funding(world: World) -> None:
    """One to three sources per intake, their places checked by intake_places_validate."""
    rows = []
    rng = world.rng
    for intake in world.intakes:
        funded_total = int(intake.capacity * rng.uniform(0.4, 0.9))
        how_many = min(rng.randint(1, 3), max(funded_total, 1))
        sources = rng.sample(world.sources, how_many)
        cuts = sorted(rng.sample(range(1, funded_total), len(sources) - 1))
        places = {
            source.pk: end - start
            for source, start, end in zip(sources, [0, *cuts], [*cuts, funded_total], strict=True)
        }
        intake_places_validate(intake=intake, places=places)  # rules 2 and 3
        for source in sources:
            rows.append(
                IntakeFunding(intake=intake, funding_source=source, places=places[source.pk])
            )
            world.places[intake.pk, source.pk] = places[source.pk]
    # As intake_funding_set cleans it: the database holds the constraints.
    IntakeFunding.objects.bulk_create(cleaned(rows, validate_constraints=False))

"""The demo's short-programme people and what they did afterwards (seed_demo): what each
programme calls its participants, invented organisations with job titles, a few outcomes and
one published testimonial given with consent. Every person and organisation is invented.

The impact page then reads 40 entrepreneurs (eFounders Fellowship 18, Netpreneur 22), 12
government delegates, the educators of Train the Trainers and the degree's students.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from programs.models import (
    Enrollment,
    Organisation,
    OrganisationKind,
    Outcome,
    Program,
    Testimonial,
)

Kind = Organisation.Kind
Status = Enrollment.Status

# (slug, English, French, Kinyarwanda)
PARTICIPANTS_CALLED = [
    ("international-business-cross-border-ecommerce", "students", "étudiants", "abanyeshuri"),
    ("efounders-fellowship", "entrepreneurs", "entrepreneurs", "ba rwiyemezamirimo"),
    ("netpreneur", "entrepreneurs", "entrepreneurs", "ba rwiyemezamirimo"),
    ("global-ecommerce-talent-train-the-trainers", "educators", "formateurs", "abarimu"),
    ("new-economy-workshop", "government delegates", "délégués gouvernementaux", "intumwa za leta"),
]
# (name, kind, sector): invented.
VENTURES = [
    ("Kasuku Software", Kind.STARTUP, "software for small businesses"),
    ("Umucyo Crafts Online", Kind.STARTUP, "handicrafts export"),
    ("Agaseke Logistics", Kind.COMPANY, "cross-border delivery"),
    ("Icyerekezo Coffee Traders", Kind.COMPANY, "coffee export"),
]
OFFICES = [
    ("Office of Digital Trade Policy", Kind.GOVERNMENT, "trade policy"),
    ("District Investment Office", Kind.GOVERNMENT, "investment promotion"),
]
SCHOOLS = [("Hillside Technical School", Kind.SCHOOL, "technical education")]
QUOTE = (
    "The fellowship changed how I run my company: we now sell to shops in three countries, "
    "and I hired six people this year."
)


def _organisations(rows: list[tuple[str, OrganisationKind, str]]) -> list[Organisation]:
    return [
        Organisation.objects.get_or_create(
            name=name, country="RW", defaults={"kind": kind, "sector": sector}
        )[0]
        for name, kind, sector in rows
    ]


def _people(slug: str) -> list:
    return [
        enrollment.student
        for enrollment in Enrollment.objects.filter(
            intake__program__slug=slug, status__in=[Status.COMPLETED, Status.ENROLLED]
        )
        .select_related("student")
        .order_by("pk")
    ]


def _place(people: list, organisations: list[Organisation], titles: list[str]) -> None:
    pairs = zip(people, itertools.cycle(organisations), itertools.cycle(titles), strict=False)
    for student, organisation, title in pairs:
        if student.organisation_id is None:
            student.organisation, student.job_title = organisation, title
            student.save(update_fields=["organisation", "job_title"])


def seed_impact() -> None:
    for slug, english, french, kinyarwanda in PARTICIPANTS_CALLED:
        Program.objects.filter(slug=slug).update(
            participants_called_en=english,
            participants_called_fr=french,
            participants_called_rw=kinyarwanda,
        )
    ventures = _organisations(VENTURES)
    founders = _people("efounders-fellowship") + _people("netpreneur")
    _place(founders, ventures, ["Founder", "Co-founder", "Chief executive"])
    _place(_people("new-economy-workshop"), _organisations(OFFICES), ["Policy officer"])
    trainers = _people("global-ecommerce-talent-train-the-trainers")
    _place(trainers, _organisations(SCHOOLS), ["Lecturer"])
    if not founders or Outcome.objects.exists():
        return
    alumna = founders[0]
    alumna.gender = "woman"
    alumna.save(update_fields=["gender"])
    recorded = datetime.date(2026, 9, 15)
    Outcome.objects.create(
        student=alumna,
        kind=Outcome.Kind.VENTURE_FOUNDED,
        organisation=ventures[0],
        description="Founded a software company for small businesses after the fellowship.",
        jobs_created=6,
        funding_raised=Decimal("40000.00"),
        currency="USD",
        recorded_on=recorded,
        source=Outcome.Source.SURVEY,
    )
    for student, kind in [
        (founders[1], Outcome.Kind.VENTURE_GREW),
        (founders[-1], Outcome.Kind.JOB),
    ]:
        Outcome.objects.create(
            student=student,
            kind=kind,
            jobs_created=2,
            recorded_on=recorded,
            source=Outcome.Source.SURVEY,
        )
    Testimonial.objects.create(
        student=alumna,
        quote=QUOTE,
        language="en",
        shown_name="N. U., founder of a software company",
        consent_given_on=recorded,
        is_published=True,
    )

"""The impact figures (issue 18): people trained, added up across programmes, computed live.

Who counts: a person whose enrollment is completed, or who is enrolled in an intake still
running (no end date yet, or ending today or later). A person is counted once per figure even
with two such enrollments (distinct students). Counts only, never a name.

The public page (programs:impact) reads published programmes and shows 1–4 as "fewer than 5"
(the template filter `public_count`); the staff report (programs:impact-report) reads every
programme, exact, with the filters of ImpactFilters. A fixed number of queries whatever the
number of programmes, intakes or people (asserted in tests/test_impact_selectors.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from ..models import Enrollment, Organisation, Outcome, Program, Student, Testimonial

Status = Enrollment.Status
KIND_LABELS = dict(Organisation.Kind.choices)
GENDER_LABELS = dict(Student.Gender.choices)


@dataclass(frozen=True)
class ImpactFilters:
    """What the staff report is narrowed to; every part optional (empty: everything)."""

    programs: tuple[int, ...] = ()
    year: int | None = None
    country: str = ""
    organisation_kind: str = ""
    gender: str = ""


@dataclass
class NounTotal:
    noun: str
    count: int
    programmes: list[str]


@dataclass
class Row:
    label: str
    count: int


@dataclass
class ProgrammeRow:
    programme: str
    count: int
    years: list[Row] = field(default_factory=list)


@dataclass
class ProgrammeOutcomes:
    programme: str
    ventures_founded: int = 0
    jobs_created: int = 0
    # currency → amount raised, e.g. {"USD": Decimal("150000.00")}.
    funding_raised: dict[str, Decimal] = field(default_factory=dict)

    @property
    def funding_text(self) -> str:
        return "; ".join(f"{amount:,.2f} {code}" for code, amount in self.funding_raised.items())


@dataclass
class Impact:
    total: int
    nouns: list[NounTotal]
    programmes: list[ProgrammeRow]
    countries: list[Row]
    testimonials: list[Testimonial] = field(default_factory=list)
    organisation_kinds: list[Row] = field(default_factory=list)
    genders: list[Row] = field(default_factory=list)
    outcomes: list[ProgrammeOutcomes] = field(default_factory=list)


def counted_enrollments(*, today: datetime.date | None = None) -> QuerySet[Enrollment]:
    """The enrollments the impact figures count (see the module's docstring)."""
    today = today or timezone.localdate()
    running = Q(intake__end_date__isnull=True) | Q(intake__end_date__gte=today)
    return Enrollment.objects.filter(
        Q(status=Status.COMPLETED) | (Q(status=Status.ENROLLED) & running)
    )


def _filtered(filters: ImpactFilters, queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    if filters.programs:
        queryset = queryset.filter(intake__program__in=filters.programs)
    if filters.year:
        queryset = queryset.filter(intake__start_date__year=filters.year)
    if filters.country:
        queryset = queryset.filter(student__country=filters.country)
    if filters.organisation_kind:
        queryset = queryset.filter(student__organisation__kind=filters.organisation_kind)
    if filters.gender:
        queryset = queryset.filter(student__gender=filters.gender)
    return queryset


def _people(queryset: QuerySet[Enrollment], *group_by: str, **expressions) -> list[dict]:
    return list(
        queryset.annotate(**expressions)
        .values(*group_by, *expressions)
        .annotate(people=Count("student", distinct=True))
        .order_by()
    )


def _noun_key(program: Program) -> str:
    # The English noun (the original column) joins programmes whatever the reader's language.
    return (program.participants_called_en or "").strip().lower()  # type: ignore[attr-defined]


def _nouns(
    programs: list[Program], enrollments: QuerySet[Enrollment], per_programme: dict[int, int]
) -> list[NounTotal]:
    """One query: each enrollment labelled with its programme's noun by a CASE on the
    programme's id, then distinct people per label (a person in two programmes with the same
    noun is one of them)."""
    if not programs:
        return []
    label = Case(
        *(When(intake__program_id=p.pk, then=Value(_noun_key(p))) for p in programs),
        output_field=CharField(),
    )
    people = {row["noun"]: row["people"] for row in _people(enrollments, noun=label)}
    by_noun: dict[str, list[Program]] = defaultdict(list)
    for program in programs:
        if per_programme.get(program.pk):
            by_noun[_noun_key(program)].append(program)
    totals = [
        NounTotal(
            noun=members[0].participants_called or _("participants"),
            count=people.get(key, 0),
            programmes=[p.name for p in members],
        )
        for key, members in by_noun.items()
    ]
    return sorted(totals, key=lambda total: (-total.count, total.noun))


def impact_figures(
    *,
    public: bool,
    filters: ImpactFilters | None = None,
    today: datetime.date | None = None,
) -> Impact:
    """The figures of the public page (public=True: published programmes, testimonials) or of
    the staff report (also organisation kinds, genders and outcomes per programme)."""
    filters = filters or ImpactFilters()
    programs_qs = Program.objects.select_related(None).order_by("position", "name", "pk")
    enrollments = counted_enrollments(today=today)
    if public:
        programs_qs = programs_qs.filter(is_published=True)
        enrollments = enrollments.filter(intake__program__is_published=True)
    else:
        enrollments = _filtered(filters, enrollments)
        if filters.programs:
            programs_qs = programs_qs.filter(pk__in=filters.programs)
    programs = list(programs_qs)

    per_programme = {
        row["intake__program"]: row["people"] for row in _people(enrollments, "intake__program")
    }
    years: dict[int, list[Row]] = defaultdict(list)
    for row in sorted(
        _people(enrollments, "intake__program", year=ExtractYear("intake__start_date")),
        key=lambda row: row["year"],
    ):
        years[row["intake__program"]].append(Row(str(row["year"]), row["people"]))
    impact = Impact(
        total=enrollments.aggregate(people=Count("student", distinct=True))["people"],
        nouns=_nouns(programs, enrollments, per_programme),
        programmes=[
            ProgrammeRow(p.name, per_programme[p.pk], years[p.pk])
            for p in programs
            if per_programme.get(p.pk)
        ],
        countries=_labelled(
            _people(enrollments, "student__country"),
            "student__country",
            lambda code: countries.name(code) or _("Not given"),
        ),
    )
    if public:
        impact.testimonials = list(
            Testimonial.objects.filter(is_published=True, student__erased_at__isnull=True).only(
                "quote", "language", "shown_name"
            )
        )
        return impact
    impact.organisation_kinds = _labelled(
        _people(enrollments, "student__organisation__kind"),
        "student__organisation__kind",
        lambda kind: str(KIND_LABELS.get(kind or "", _("No organisation"))),
    )
    impact.genders = _labelled(
        _people(enrollments, "student__gender"),
        "student__gender",
        lambda gender: str(GENDER_LABELS.get(gender or "", _("Not given"))),
    )
    impact.outcomes = _outcomes(programs, enrollments)
    return impact


def _labelled(rows: list[dict], key: str, label) -> list[Row]:
    merged: dict[str, int] = defaultdict(int)
    for row in rows:
        merged[label(row[key])] += row["people"]
    return sorted((Row(name, n) for name, n in merged.items()), key=lambda r: (-r.count, r.label))


def _outcomes(
    programs: list[Program], enrollments: QuerySet[Enrollment]
) -> list[ProgrammeOutcomes]:
    """Two queries: the (programme, person) pairs counted, then those people's outcomes. An
    outcome counts for each programme its person is counted in (a founder trained by two
    programmes adds her venture to both), once per programme."""
    pairs = set(enrollments.values_list("intake__program_id", "student_id").distinct())
    programmes_of: dict[int, set[int]] = defaultdict(set)
    for program_id, student_id in pairs:
        programmes_of[student_id].add(program_id)
    by_program = {p.pk: ProgrammeOutcomes(p.name) for p in programs}
    outcomes = Outcome.objects.filter(student__in=enrollments.values("student_id")).values_list(
        "student_id", "kind", "jobs_created", "funding_raised", "currency"
    )
    for student_id, kind, jobs, funding, currency in outcomes:
        for program_id in programmes_of.get(student_id, ()):
            line = by_program.get(program_id)
            if line is None:
                continue
            if kind == Outcome.Kind.VENTURE_FOUNDED:
                line.ventures_founded += 1
            line.jobs_created += jobs or 0
            if funding is not None:
                line.funding_raised[currency] = line.funding_raised.get(currency, 0) + funding
    return [
        line
        for line in by_program.values()
        if line.ventures_founded or line.jobs_created or line.funding_raised
    ]

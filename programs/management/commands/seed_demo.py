"""Load the first customer's situation (../shared/domain.md) as demo data. Safe to run again.

Organisations, programmes and numbers are the real ones; every student is invented.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from programs import emails, services
from programs.demo import cohort as demo_cohort
from programs.demo import contacts as demo_contacts
from programs.demo import impact as demo_impact
from programs.demo import money as demo_money
from programs.models import (
    Enrollment,
    FundingSource,
    Intake,
    IntakeFunding,
    Partner,
    Program,
    Student,
)

Status = Enrollment.Status

FIRST_NAMES = [
    "Aline", "Jean-Paul", "Claudine", "Eric", "Diane", "Patrick", "Grace", "Olivier",
    "Sandrine", "Emmanuel", "Vanessa", "Yves", "Josiane", "Thierry", "Chantal", "Kevin",
    "Esther", "Didier", "Solange", "Fabrice", "Aimée", "Innocent", "Clarisse", "Moïse",
]  # fmt: skip
LAST_NAMES = [
    "Uwase", "Habimana", "Mukamana", "Niyonzima", "Ingabire", "Nshimiyimana", "Uwimana",
    "Mugisha", "Umutoni", "Hakizimana", "Iradukunda", "Ndayisaba", "Mukeshimana", "Bizimana",
    "Nyiraneza", "Manzi", "Uwera", "Kamanzi", "Ishimwe", "Rukundo", "D'Souza", "Kayitesi",
]  # fmt: skip

DEMO_STAFF_USERNAME = "staff"
DEMO_STAFF_PASSWORD = "cohort-demo-2027"
FRENCH_INTAKE_NAMES = {
    "September 2027": "Septembre 2027",
    "Spring 2027": "Printemps 2027",
    "Autumn 2026": "Automne 2026",
    "2025 cohort": "Promotion 2025",
    "2026 cohort": "Promotion 2026",
    "2027 cohort": "Promotion 2027",
    "2026 delegation": "Délégation 2026",
}


class Command(BaseCommand):
    help = "Load the demo programmes, intakes, funding and invented students (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-staff", action="store_true", help="Do not create the local staff account."
        )

    def handle(self, *args, **options) -> None:
        # A fixed shuffle: the same invented names on every machine.
        self.names = iter(
            random.Random(2027).sample(list(itertools.product(FIRST_NAMES, LAST_NAMES)), 300)
        )
        self.counter = itertools.count(1)
        # Invented students get no emails.
        with transaction.atomic(), emails.suppressed():
            self.seed()
        if not options["no_staff"]:
            self.staff_account()

    def partner(self, name: str, short: str, kind: str, website: str = "") -> Partner:
        partner, _ = Partner.objects.update_or_create(
            name=name, defaults={"short_name": short, "kind": kind, "website": website}
        )
        return partner

    def program(self, slug: str, **fields) -> Program:
        partners = fields.pop("partners", [])
        program, _ = Program.objects.update_or_create(slug=slug, defaults=fields)
        program.partners.set(partners)
        return program

    def intake(self, program: Program, name: str, **fields) -> Intake:
        intake = Intake.objects.filter(program=program, name=name).first()
        if intake is None:
            intake = Intake(program=program, name=name, **fields)
            services.intake_save(intake=intake, reason="Demo data")
        # The French name, so that a French page reads "Postuler pour Septembre 2027" (seen on
        # the screenshots, docs/public.md); also given to intakes of an earlier demo load.
        if not getattr(intake, "name_fr", "") and name in FRENCH_INTAKE_NAMES:
            setattr(intake, "name_fr", FRENCH_INTAKE_NAMES[name])  # noqa: B010
            services.intake_save(intake=intake, reason="Demo data: French name")
        return intake

    def students(self, intake: Intake, rows: list[tuple[str, FundingSource | None, int]]) -> None:
        """Fill an intake with invented students: (status, funding source, how many) rows."""
        if intake.enrollments.exists():
            return
        for status, source, count in rows:
            for _ in range(count):
                first, last = next(self.names)
                n = next(self.counter)
                student, _created = services.student_get_or_create(
                    email=f"{first}.{last}.{n}@example.rw".lower()
                    .replace("'", "")
                    .replace("ï", "i")
                    .replace("é", "e"),
                    first_name=first,
                    last_name=last,
                    phone=f"+25078{n:07d}",
                    country="RW",
                    date_of_birth=datetime.date(1998 + n % 8, 1 + n % 12, 1 + n % 28),
                )
                services.enrollment_create(
                    student=student,
                    intake=intake,
                    status=status,
                    funding_source=source,
                    reason="Demo data",
                )

    def seed(self) -> None:
        school = self.partner(
            "Alibaba Business School", "ABS", Partner.Kind.SCHOOL, "https://example.org/abs"
        )
        rdb = self.partner("Rwanda Development Board", "RDB", Partner.Kind.GOVERNMENT)
        hec = self.partner("Higher Education Council of Rwanda", "HEC", Partner.Kind.GOVERNMENT)
        alibaba = self.partner("Alibaba Group", "Alibaba", Partner.Kind.COMPANY)
        unctad = self.partner(
            "United Nations Conference on Trade and Development", "UNCTAD", Partner.Kind.UN_AGENCY
        )

        scholarship, _ = FundingSource.objects.get_or_create(
            name="HEC–Alibaba Joint Scholarship",
            defaults={
                "kind": FundingSource.Kind.SCHOLARSHIP,
                "description": "Places jointly funded by the Higher Education Council of Rwanda "
                "and Alibaba. The split of cost between the two co-funders is not public.",
            },
        )
        # name_fr is added by django-modeltranslation at run time, unseen by mypy.
        if not getattr(scholarship, "name_fr", ""):
            setattr(scholarship, "name_fr", "Bourse conjointe HEC–Alibaba")  # noqa: B010
            scholarship.save()
        if not scholarship.shares.exists():
            # The split is not public: both co-funders are recorded without a share.
            services.funding_source_set_shares(
                funding_source=scholarship, shares=[(hec, None), (alibaba, None)]
            )
        fellowship_grant, _ = FundingSource.objects.get_or_create(
            name="eFounders Fellowship Grant",
            defaults={
                "kind": FundingSource.Kind.SPONSOR,
                "description": "Fellowship costs shared by Alibaba Business School and UNCTAD.",
                "cost_per_place": Decimal("4500.00"),
                "currency": "USD",
            },
        )
        if not fellowship_grant.shares.exists():
            services.funding_source_set_shares(
                funding_source=fellowship_grant,
                shares=[(school, Decimal("60")), (unctad, Decimal("40"))],
            )

        degree = self.program(
            "international-business-cross-border-ecommerce",
            name="Undergraduate Program in International Business and Cross-Border E-commerce",
            position=1,  # the flagship, listed first
            kind=Program.Kind.DEGREE,
            summary="A four-year undergraduate degree that bridges Rwanda's skills shortage "
            "in international business and cross-border e-commerce.",
            name_fr="Licence en commerce international et e-commerce transfrontalier",
            summary_fr="Une licence de quatre ans qui répond au manque de compétences du "
            "Rwanda en commerce international et en e-commerce transfrontalier.",
            description_fr="Dirigée par l'Alibaba Business School avec le Rwanda Development "
            "Board. La prochaine promotion commence en septembre avec 22 étudiants ; 20 des 22 "
            "places sont financées conjointement par le Conseil de l'enseignement supérieur du "
            "Rwanda et Alibaba.",
            description="Run by Alibaba Business School with the Rwanda Development Board. "
            "The next intake begins in September with 22 students; 20 of the 22 places are "
            "jointly funded by the Higher Education Council of Rwanda and Alibaba.",
            duration_months=48,
            delivered_by=school,
            partners=[rdb],
            is_published=True,
        )
        efounders = self.program(
            "efounders-fellowship",
            name="eFounders Fellowship",
            kind=Program.Kind.FELLOWSHIP,
            summary="A fellowship for startup founders, created with UNCTAD.",
            name_fr="Bourse eFounders",
            summary_fr="Une bourse pour les fondateurs de start-up, créée avec la CNUCED.",
            description="Created in partnership with the United Nations Conference on Trade "
            "and Development for founders of digital businesses.",
            duration_months=1,
            delivered_by=school,
            partners=[unctad, rdb],
            is_published=True,
        )
        netpreneur = self.program(
            "netpreneur",
            name="Netpreneur Program",
            name_fr="Programme Netpreneur",
            summary_fr="Une formation pour entrepreneurs, avec une visite d'étude à Hangzhou.",
            kind=Program.Kind.TRAINING,
            summary="Training for entrepreneurs, with a study visit to Hangzhou.",
            description="Entrepreneurs learn from the digital economy at its source; "
            "founders visit Hangzhou.",
            duration_months=1,
            delivered_by=school,
            partners=[rdb],
            is_published=True,
        )
        trainers = self.program(
            "global-ecommerce-talent-train-the-trainers",
            name="Global E-commerce Talent – Train the Trainers",
            kind=Program.Kind.TRAINING,
            summary="Prepares educators to teach e-commerce.",
            name_fr="Global E-commerce Talent – Former les formateurs",
            summary_fr="Prépare les enseignants à enseigner l'e-commerce.",
            description="For lecturers and teachers who will train the next e-commerce talent.",
            duration_months=2,
            delivered_by=school,
            partners=[rdb],
            is_published=True,
        )
        workshop = self.program(
            "new-economy-workshop",
            name="New Economy Workshop",
            name_fr="Atelier sur la nouvelle économie",
            name_rw="Amahugurwa ku bukungu bushya",
            summary_fr="Un atelier sur l'économie numérique pour les fonctionnaires.",
            kind=Program.Kind.WORKSHOP,
            summary="A workshop on the digital economy for government officials.",
            description="Government delegates study policy for the new economy.",
            duration_months=None,
            delivered_by=school,
            partners=[rdb],
            is_published=True,
        )

        september = self.intake(
            degree,
            "September 2027",
            start_date=datetime.date(2027, 9, 6),
            end_date=datetime.date(2031, 7, 31),
            applications_open_on=datetime.date(2026, 11, 1),
            applications_close_on=datetime.date(2027, 6, 30),
            capacity=22,
        )
        services.intake_funding_set(intake=september, funding_source=scholarship, places=20)
        # The other 2 seats have no funding source: their students pay (self-funded).
        self.students(
            september,
            [
                (Status.ENROLLED, scholarship, 12),
                (Status.OFFERED, scholarship, 2),
                (Status.ENROLLED, None, 1),
                (Status.APPLIED, scholarship, 4),
                (Status.APPLIED, None, 2),
                (Status.WAITLISTED, scholarship, 2),
                (Status.REJECTED, None, 1),
            ],
        )

        # Invented cost and split (the real ones are not public), then the first term's money.
        demo_money.cost_and_split(scholarship, hec, alibaba)
        demo_money.schedule_and_pay_hec(september, hec)

        self.earlier_cohort(degree, scholarship)
        demo_contacts.one_per_co_funder()

        past_fellows = self.intake(
            efounders,
            "2025 cohort",
            start_date=datetime.date(2025, 10, 6),
            end_date=datetime.date(2025, 11, 7),
            applications_open_on=datetime.date(2025, 5, 1),
            applications_close_on=datetime.date(2025, 7, 31),
            capacity=20,
        )
        services.intake_funding_set(intake=past_fellows, funding_source=fellowship_grant, places=20)
        self.students(past_fellows, [(Status.COMPLETED, fellowship_grant, 18)])
        next_fellows = self.intake(
            efounders,
            "2027 cohort",
            start_date=datetime.date(2027, 10, 4),
            end_date=datetime.date(2027, 11, 5),
            applications_open_on=datetime.date(2027, 3, 1),
            applications_close_on=datetime.date(2027, 6, 30),
            capacity=25,
        )
        services.intake_funding_set(intake=next_fellows, funding_source=fellowship_grant, places=20)

        past_netpreneurs = self.intake(
            netpreneur,
            "2026 cohort",
            start_date=datetime.date(2026, 4, 13),
            end_date=datetime.date(2026, 5, 8),
            applications_open_on=datetime.date(2025, 12, 1),
            applications_close_on=datetime.date(2026, 2, 28),
            capacity=25,
        )
        self.students(past_netpreneurs, [(Status.COMPLETED, None, 22)])
        self.intake(
            netpreneur,
            "2027 cohort",
            start_date=datetime.date(2027, 4, 12),
            end_date=datetime.date(2027, 5, 7),
            applications_open_on=datetime.date(2026, 11, 15),
            applications_close_on=datetime.date(2027, 2, 28),
            capacity=25,
        )
        trainers_intake = self.intake(
            trainers,
            "Spring 2027",
            start_date=datetime.date(2027, 3, 1),
            end_date=datetime.date(2027, 4, 30),
            applications_open_on=datetime.date(2026, 10, 1),
            applications_close_on=datetime.date(2027, 1, 15),
            capacity=15,
        )
        self.students(trainers_intake, [(Status.APPLIED, None, 3)])
        past_trainers = self.intake(
            trainers,
            "Autumn 2026",
            start_date=datetime.date(2026, 9, 7),
            end_date=datetime.date(2026, 10, 30),
            capacity=15,
        )
        self.students(past_trainers, [(Status.COMPLETED, None, 9)])
        delegates = self.intake(
            workshop,
            "2026 delegation",
            start_date=datetime.date(2026, 6, 1),
            end_date=datetime.date(2026, 6, 12),
            capacity=12,
        )
        self.students(delegates, [(Status.COMPLETED, None, 12)])

        demo_impact.seed_impact()

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Program.objects.count()} programmes, "
                f"{Intake.objects.count()} intakes, {Student.objects.count()} students, "
                f"{Enrollment.objects.count()} enrollments, "
                f"{IntakeFunding.objects.count()} funded-place allocations."
            )
        )

    def earlier_cohort(self, degree: Program, scholarship: FundingSource) -> None:
        """An invented earlier intake of the degree, followed through two years of terms:
        promotions, one student repeating year 1, one on probation, one exit with its reason."""
        intake = self.intake(
            degree,
            "September 2025",
            start_date=datetime.date(2025, 9, 8),
            end_date=datetime.date(2029, 7, 31),
            applications_open_on=datetime.date(2024, 11, 1),
            applications_close_on=datetime.date(2025, 6, 30),
            capacity=20,
        )
        if intake.terms.exists():
            return
        services.intake_funding_set(intake=intake, funding_source=scholarship, places=18)
        self.students(intake, [(Status.ENROLLED, scholarship, 18), (Status.ENROLLED, None, 2)])
        demo_cohort.follow_two_years(intake)

    def staff_account(self) -> None:
        User = get_user_model()
        password = os.environ.get("DEMO_STAFF_PASSWORD", DEMO_STAFF_PASSWORD)
        user, created = User.objects.get_or_create(
            username=DEMO_STAFF_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "staff@example.org"},
        )
        if created:
            user.set_password(password)
            user.save()
        self.stdout.write(
            "Staff account for local use: "
            f"username {DEMO_STAFF_USERNAME!r}, password {password!r}"
            + ("" if created else " (already existed; password unchanged)")
            + ". Sign in at http://127.0.0.1:8000/admin/"
        )

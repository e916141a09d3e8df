"""Factories that keep related objects consistent (an enrollment's funding is in its intake)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from programs.models import (
    Certificate,
    Enrollment,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Organisation,
    Outcome,
    Partner,
    Program,
    Student,
    Testimonial,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-good-password-123")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class PartnerFactory(factory.django.DjangoModelFactory[Partner]):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    kind = Partner.Kind.COMPANY


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    kind = Program.Kind.DEGREE
    summary = "A programme."
    duration_months = 48
    delivered_by = factory.SubFactory(PartnerFactory, kind=Partner.Kind.SCHOOL)
    is_published = True


class IntakeFactory(factory.django.DjangoModelFactory[Intake]):
    class Meta:
        model = Intake

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Intake {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=120))
    applications_open_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )
    applications_close_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=60)
    )
    capacity = 22


class FundingSourceFactory(factory.django.DjangoModelFactory[FundingSource]):
    class Meta:
        model = FundingSource

    name = factory.Sequence(lambda n: f"Scholarship {n}")
    kind = FundingSource.Kind.SCHOLARSHIP


class FundingShareFactory(factory.django.DjangoModelFactory[FundingShare]):
    class Meta:
        model = FundingShare

    funding_source = factory.SubFactory(FundingSourceFactory)
    partner = factory.SubFactory(PartnerFactory)
    share_percent = None


class IntakeFundingFactory(factory.django.DjangoModelFactory[IntakeFunding]):
    class Meta:
        model = IntakeFunding

    intake = factory.SubFactory(IntakeFactory)
    funding_source = factory.SubFactory(FundingSourceFactory)
    places = 20


class StudentFactory(factory.django.DjangoModelFactory[Student]):
    class Meta:
        model = Student

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"student{n}@example.rw")
    country = "RW"


class EnrollmentFactory(factory.django.DjangoModelFactory[Enrollment]):
    """A raw row, bypassing the services: use it to set up state, not to test the rules."""

    class Meta:
        model = Enrollment

    student = factory.SubFactory(StudentFactory)
    intake = factory.SubFactory(IntakeFactory)
    status = Enrollment.Status.APPLIED
    funding_source = None


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kigali Ventures {n}")
    kind = Organisation.Kind.STARTUP
    country = "RW"


class OutcomeFactory(factory.django.DjangoModelFactory[Outcome]):
    class Meta:
        model = Outcome

    student = factory.SubFactory(StudentFactory)
    kind = Outcome.Kind.VENTURE_FOUNDED
    organisation = factory.SubFactory(OrganisationFactory)


class TestimonialFactory(factory.django.DjangoModelFactory[Testimonial]):
    class Meta:
        model = Testimonial

    student = factory.SubFactory(StudentFactory)
    quote = "The fellowship changed how I run my company."
    shown_name = "N. U., founder of a software company"


class CertificateFactory(factory.django.DjangoModelFactory[Certificate]):
    """A raw row: services.certificate_issue is what checks the enrollment is completed."""

    class Meta:
        model = Certificate

    enrollment = factory.SubFactory(
        EnrollmentFactory,
        status=Enrollment.Status.COMPLETED,
        completed_on=factory.LazyFunction(timezone.localdate),
    )

"""Issue 18's models, each rule at its boundary, in the database (both backends) and in
full_clean() where staff's forms meet it first."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from programs.models import Certificate, Organisation, Outcome, Student
from programs.models import Testimonial as Quote  # not collected as a test class
from programs.models.impact import CERTIFICATE_CODE_MIN_LENGTH

from .factories import (
    CertificateFactory,
    EnrollmentFactory,
    OrganisationFactory,
    OutcomeFactory,
    ProgramFactory,
    StudentFactory,
)
from .factories import (
    TestimonialFactory as QuoteFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 6, 30)


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


# --- a participant without an email address ----------------------------------------------


def test_two_participants_entered_without_an_address_are_both_kept():
    first = StudentFactory(email=None)
    second = StudentFactory(email="  ")  # a blank typed in the admin is no address either

    assert first.email is None and second.email is None
    assert Student.objects.filter(email__isnull=True).count() == 2


def test_a_given_address_is_still_unique_whatever_the_capitals():
    StudentFactory(email="aline@example.rw")
    refused(lambda: StudentFactory(email="Aline@Example.RW"))
    with pytest.raises(ValidationError, match="already exists"):
        StudentFactory.build(email="ALINE@example.rw").full_clean()


def test_the_database_refuses_an_empty_address_written_past_save():
    student = StudentFactory(email=None)
    refused(lambda: Student.objects.filter(pk=student.pk).update(email=""))


def test_gender_is_one_of_the_choices_or_not_given():
    StudentFactory(gender="")
    StudentFactory(gender=Student.Gender.UNDISCLOSED)
    refused(lambda: StudentFactory(gender="female"))


def test_a_participant_belongs_to_an_organisation_and_it_lists_its_members():
    ministry = OrganisationFactory(name="Ministry of ICT", kind=Organisation.Kind.GOVERNMENT)
    delegate = StudentFactory(email=None, organisation=ministry, job_title="Director of Trade")

    assert list(ministry.members.all()) == [delegate]


# --- organisations -------------------------------------------------------------------------


def test_one_organisation_per_name_and_country_whatever_the_capitals():
    OrganisationFactory(name="Isoko Tech", country="RW")
    OrganisationFactory(name="Isoko Tech", country="KE")  # another country: another one
    refused(lambda: OrganisationFactory(name="ISOKO tech", country="RW"))


def test_an_organisation_kind_outside_the_choices_is_refused():
    refused(lambda: OrganisationFactory(kind="charity"))


# --- outcomes ------------------------------------------------------------------------------


def test_funding_raised_needs_its_currency_and_a_currency_needs_an_amount():
    OutcomeFactory(funding_raised=Decimal("0.00"), currency="RWF")  # zero is a figure
    OutcomeFactory(funding_raised=None, currency="")
    refused(lambda: OutcomeFactory(funding_raised=Decimal("1000"), currency=""))
    refused(lambda: OutcomeFactory(funding_raised=None, currency="USD"))
    refused(lambda: OutcomeFactory(funding_raised=Decimal("1000"), currency="usd"))


def test_funding_raised_is_never_below_zero():
    refused(lambda: OutcomeFactory(funding_raised=Decimal("-0.01"), currency="RWF"))
    with pytest.raises(ValidationError) as error:
        OutcomeFactory.build(
            student=StudentFactory(), funding_raised=Decimal("-0.01"), currency="RWF"
        ).full_clean(exclude=["organisation"])
    assert "funding_raised" in error.value.message_dict


def test_outcome_kind_and_source_are_choices():
    refused(lambda: OutcomeFactory(kind="award"))
    refused(lambda: OutcomeFactory(source="rumour"))
    assert OutcomeFactory(kind=Outcome.Kind.JOB, jobs_created=0).jobs_created == 0


# --- testimonials --------------------------------------------------------------------------


def test_a_testimonial_without_consent_cannot_be_published_by_any_path():
    refused(lambda: QuoteFactory(consent_given_on=None, is_published=True))
    waiting = QuoteFactory(consent_given_on=None, is_published=False)
    refused(lambda: Quote.objects.filter(pk=waiting.pk).update(is_published=True))
    with pytest.raises(ValidationError, match="only with the person's consent"):
        QuoteFactory.build(
            student=waiting.student, consent_given_on=None, is_published=True
        ).full_clean()


def test_a_testimonial_with_consent_can_be_published():
    published = QuoteFactory(consent_given_on=DAY, is_published=True)
    assert Quote.objects.filter(is_published=True).get() == published


# --- certificates --------------------------------------------------------------------------


def test_a_certificate_code_is_random_url_safe_and_well_over_128_bits():
    codes = {CertificateFactory().code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        # 43 base64url characters = 256 bits; 22 would already be 128.
        assert len(code) >= 43
        assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_database_refuses_a_short_or_non_url_safe_code():
    at_limit = "a" * CERTIFICATE_CODE_MIN_LENGTH
    certificate = CertificateFactory(code=at_limit)
    assert certificate.code == at_limit
    refused(lambda: CertificateFactory(code="a" * (CERTIFICATE_CODE_MIN_LENGTH - 1)))
    refused(lambda: CertificateFactory(code="a" * 30 + "/+="))


def test_a_code_is_unique_and_an_enrollment_has_one_certificate():
    first = CertificateFactory()
    refused(lambda: CertificateFactory(code=first.code))
    refused(lambda: Certificate.objects.create(enrollment=first.enrollment))
    assert EnrollmentFactory().pk  # another enrollment is unaffected


def test_a_certificate_is_revoked_on_or_after_the_day_it_was_issued():
    same_day = CertificateFactory(issued_on=DAY, revoked_on=DAY)
    assert same_day.is_revoked
    refused(lambda: CertificateFactory(issued_on=DAY, revoked_on=DAY - datetime.timedelta(1)))
    valid = CertificateFactory(revoked_on=None)
    assert not valid.is_revoked
    assert list(Certificate.objects.valid()) == [valid]


# --- what participants are called, in every language ---------------------------------------


def test_participants_called_is_translated_and_falls_back_to_english():
    program = ProgramFactory(
        participants_called_en="government delegates", participants_called_fr="délégués"
    )
    only_english = ProgramFactory(participants_called_en="entrepreneurs")
    with translation.override("fr"):
        assert program.participants_called == "délégués"
        assert only_english.participants_called == "entrepreneurs"
    with translation.override("rw"):
        assert program.participants_called == "government delegates"

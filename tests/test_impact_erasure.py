"""Erasure and issue 18's records: her gender, job title, organisation link, her outcomes'
descriptions and her testimonials go; her certificate is revoked; the counts stay."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.utils import timezone

from programs.erasure import student_erase
from programs.models import Certificate, Organisation, Outcome, Student
from programs.models import Testimonial as Quote

from .factories import (
    CertificateFactory,
    EnrollmentFactory,
    OrganisationFactory,
    OutcomeFactory,
    StaffFactory,
    StudentFactory,
)
from .factories import (
    TestimonialFactory as QuoteFactory,
)

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 6, 30)


@pytest.fixture
def founder():
    """An eFounders alumna who founded a software company, with an outcome, a published
    testimonial and a certificate."""
    company = OrganisationFactory(name="Isoko Software", kind=Organisation.Kind.STARTUP)
    student = StudentFactory(
        first_name="Nadine",
        last_name="Umutoni",
        email="nadine@example.rw",
        gender="woman",
        organisation=company,
        job_title="Founder and CEO",
    )
    outcome = OutcomeFactory(
        student=student,
        organisation=company,
        description="Nadine founded Isoko Software after the fellowship; her sister runs sales.",
        jobs_created=7,
        funding_raised=Decimal("25000.00"),
        currency="USD",
    )
    outcome.description = "Nadine Umutoni's company hired 7 people."
    outcome.save()  # a second version in the history
    quote = QuoteFactory(
        student=student,
        quote="The fellowship changed how I run my company.",
        shown_name="N. U., founder of a software company",
        consent_given_on=ISSUED,
        is_published=True,
    )
    staff = StaffFactory()
    LogEntry.objects.log_actions(staff.pk, [quote], ADDITION, "Added.", single_object=True)
    certificate = CertificateFactory(
        enrollment=EnrollmentFactory(student=student, status="completed", completed_on=ISSUED),
        issued_on=ISSUED,
    )
    return student, outcome, certificate


def test_erasure_clears_her_gender_job_title_and_organisation_link(founder):
    student, _outcome, _certificate = founder
    student_erase(student=student, by=StaffFactory(), reason="Request 18")
    student.refresh_from_db()
    assert (student.gender, student.job_title, student.organisation) == ("", "", None)
    # The organisation stays for the others who work there and the outcomes that name it.
    assert Organisation.objects.filter(name="Isoko Software").exists()


def test_erasure_blanks_her_outcomes_descriptions_and_their_history_but_keeps_the_figures(
    founder,
):
    student, outcome, _certificate = founder
    student_erase(student=student, by=StaffFactory(), reason="Request 18")
    outcome.refresh_from_db()
    assert outcome.description == ""
    assert [row.description for row in Outcome.history.filter(id=outcome.pk)] == ["", ""]
    assert (outcome.kind, outcome.jobs_created, outcome.funding_raised, outcome.currency) == (
        Outcome.Kind.VENTURE_FOUNDED,
        7,
        Decimal("25000.00"),
        "USD",
    )


def test_erasure_deletes_her_testimonials_and_their_titles_in_the_admin_log(founder):
    student, _outcome, _certificate = founder
    other = QuoteFactory(shown_name="J. K., educator", consent_given_on=ISSUED)
    student_erase(student=student, by=StaffFactory(), reason="Request 18")
    assert list(Quote.objects.all()) == [other]
    assert not LogEntry.objects.filter(object_repr__icontains="N. U.").exists()


def test_erasure_revokes_her_certificate_and_keeps_the_row(founder):
    student, _outcome, certificate = founder
    staff = StaffFactory()
    other = CertificateFactory(issued_on=ISSUED)
    student_erase(student=student, by=staff, reason="Request 18")
    certificate.refresh_from_db()
    assert certificate.revoked_on == timezone.localdate()
    assert certificate.history.first().history_user == staff
    assert list(Certificate.objects.valid()) == [other]


def test_an_already_revoked_certificate_keeps_its_day(founder):
    student, _outcome, certificate = founder
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=ISSUED)
    student_erase(student=student, by=StaffFactory(), reason="Request 18")
    certificate.refresh_from_db()
    assert certificate.revoked_on == ISSUED


def test_erasing_a_participant_without_an_address_leaves_others_text_alone():
    """A delegate entered with no email: erasure must not hunt for "None" in other notes."""
    delegate = StudentFactory(first_name="Eric", last_name="Habimana", email=None)
    bystander = EnrollmentFactory(notes="None of the delegates needs a visa.")
    student_erase(student=delegate, by=StaffFactory(), reason="Request 19")
    bystander.refresh_from_db()
    assert bystander.notes == "None of the delegates needs a visa."
    assert Student.objects.get(pk=delegate.pk).email == f"erased-{delegate.pk}@invalid.example"

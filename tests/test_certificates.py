"""Certificates: issued once for a completed enrollment; checked on a public page that tells
a genuine one from a revoked one and says nothing for any other code."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from programs import services
from programs.erasure import student_erase
from programs.models import Certificate, Enrollment

from .factories import EnrollmentFactory, StaffFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPLETED_ON = datetime.date(2026, 11, 20)


@pytest.fixture
def completed(september_intake):
    return EnrollmentFactory(
        intake=september_intake,
        student=StudentFactory(first_name="Nadine", last_name="Umutoni"),
        status=Enrollment.Status.COMPLETED,
        completed_on=COMPLETED_ON,
    )


def verify(client, code: str):
    return client.get(reverse("programs:certificate-verify", args=[code]))


@pytest.mark.parametrize(
    "status", [s for s in Enrollment.Status.values if s != Enrollment.Status.COMPLETED]
)
def test_only_a_completed_enrollment_gets_a_certificate(september_intake, status):
    enrollment = EnrollmentFactory(intake=september_intake, status=status)
    with pytest.raises(ValidationError, match="only for a completed enrollment"):
        services.certificate_issue(enrollment=enrollment)
    assert not Certificate.objects.exists()


def test_issuing_twice_returns_the_same_certificate(completed):
    staff = StaffFactory()
    first = services.certificate_issue(enrollment=completed, by=staff)
    again = services.certificate_issue(enrollment=completed)
    assert (again.pk, again.code) == (first.pk, first.code)
    assert Certificate.objects.count() == 1
    assert first.history.get().history_user == staff


def test_an_erased_student_gets_no_certificate(completed):
    student_erase(student=completed.student, by=StaffFactory(), reason="Request 3")
    with pytest.raises(ValidationError, match="erased"):
        services.certificate_issue(enrollment=completed)


def test_the_verify_page_shows_holder_programme_intake_and_completion(client, completed):
    certificate = services.certificate_issue(enrollment=completed)
    page = verify(client, certificate.code)
    text = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    for shown in ("Nadine Umutoni", completed.intake.program.name, completed.intake.name):
        assert shown in text
    assert "20 November 2026" in text
    assert "genuine" in text
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_certificate_says_revoked_and_nothing_about_her(client, completed):
    certificate = services.certificate_issue(enrollment=completed)
    revoked = certificate.issued_on + datetime.timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=revoked)
    text = verify(client, certificate.code).content.decode()
    assert f"revoked on {date_format(revoked)}" in text
    for hidden in ("Nadine", "Umutoni", completed.intake.program.name, "genuine"):
        assert hidden not in text


@pytest.mark.parametrize(
    "code", ["x", "A" * 43, "a" * 500, "-_-", "DROP_TABLE", "%00", "abc%2Fdef", "abc.def"]
)
def test_any_unknown_code_is_404(client, completed, code, django_assert_max_num_queries):
    certificate = services.certificate_issue(enrollment=completed)
    assert code != certificate.code
    # One lookup at most (none for what is no code at all): the same for every code.
    with django_assert_max_num_queries(1):
        assert (
            client.get(f"/certificates/{code}/").status_code
            if "%" in code or "." in code
            else verify(client, code).status_code
        ) == HTTPStatus.NOT_FOUND


def test_a_code_one_character_off_is_404(client, completed):
    code = services.certificate_issue(enrollment=completed).code
    near = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert verify(client, near).status_code == HTTPStatus.NOT_FOUND
    flipped = code.swapcase()
    if flipped != code:  # codes are compared exactly, not whatever the case
        assert verify(client, flipped).status_code == HTTPStatus.NOT_FOUND


def test_the_student_prints_her_own_certificate_from_my_applications(client, completed):
    account = UserFactory()
    completed.student.user = account
    completed.student.save()
    certificate = services.certificate_issue(enrollment=completed)
    client.force_login(account)
    listing = client.get(reverse("programs:my-applications")).content.decode()
    url = reverse("programs:my-certificate", args=[completed.pk])
    assert url in listing
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Nadine Umutoni" in page.content.decode()
    assert certificate.code in page.content.decode()

    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=certificate.issued_on)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert url not in client.get(reverse("programs:my-applications")).content.decode()


def test_another_student_cannot_print_her_certificate(client, completed, other_student):
    services.certificate_issue(enrollment=completed)
    client.force_login(other_student.user)
    url = reverse("programs:my-certificate", args=[completed.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("language", "genuine", "holder"),
    [("fr", "Ce certificat est authentique.", "Titulaire"), ("rw", "ni nyayo", "Nyirayo")],
)
def test_the_verify_page_speaks_the_visitors_language(client, completed, language, genuine, holder):
    from django.conf import settings

    certificate = services.certificate_issue(enrollment=completed)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = verify(client, certificate.code).content.decode()
    assert genuine in text and holder in text

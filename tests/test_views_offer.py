"""A student answers an offer on "My applications": a button, a confirmation, the answer; the
deadline shown; once enrolled, each term's year of study, standing and result."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Enrollment

from .cohort import make_terms, record
from .factories import EnrollmentFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(owner, september_intake):
    return EnrollmentFactory(
        student=owner,
        intake=september_intake,
        status=Status.OFFERED,
        offer_expires_on=timezone.localdate() + datetime.timedelta(days=5),
    )


def _answer_url(enrollment, answer: str) -> str:
    return reverse("programs:my-offer-answer", args=[enrollment.pk, answer])


def test_my_applications_shows_the_deadline_and_both_buttons(client, owner, offer):
    client.force_login(owner.user)
    page = client.get(reverse("programs:my-applications")).content.decode()
    assert "Answer this offer by" in page
    assert _answer_url(offer, "accept") in page
    assert _answer_url(offer, "decline") in page


def test_the_answer_asks_to_confirm_first_and_changes_nothing(client, owner, offer):
    client.force_login(owner.user)
    page = client.get(_answer_url(offer, "accept")).content.decode()
    assert "Yes, accept the offer" in page
    assert Enrollment.objects.get(pk=offer.pk).status == Status.OFFERED


def test_a_student_accepts(client, owner, offer):
    client.force_login(owner.user)
    response = client.post(_answer_url(offer, "accept"), follow=True)
    assert "You accepted the offer." in response.content.decode()
    assert Enrollment.objects.get(pk=offer.pk).status == Status.ENROLLED


def test_a_student_declines(client, owner, offer):
    client.force_login(owner.user)
    client.post(_answer_url(offer, "decline"))
    offer.refresh_from_db()
    assert (offer.status, offer.exit_reason) == (Status.WITHDRAWN, "declined_offer")


def test_an_expired_offer_is_refused_with_a_message(client, owner, offer):
    Enrollment.objects.filter(pk=offer.pk).update(
        offer_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(owner.user)
    page = client.post(_answer_url(offer, "accept"), follow=True).content.decode()
    assert "This offer expired on" in page
    assert Enrollment.objects.get(pk=offer.pk).status == Status.OFFERED


def test_nobody_else_answers_her_offer(client, other_student, offer):
    client.force_login(other_student.user)
    assert client.post(_answer_url(offer, "accept")).status_code == HTTPStatus.NOT_FOUND
    assert Enrollment.objects.get(pk=offer.pk).status == Status.OFFERED


@pytest.mark.parametrize("answer", ["maybe", "ACCEPT", "accept\x00"])
def test_an_unknown_answer_is_not_found(client, owner, offer, answer):
    client.force_login(owner.user)
    assert client.post(_answer_url(offer, answer)).status_code == HTTPStatus.NOT_FOUND


def test_enrolled_students_see_each_term_in_constant_queries(
    client, owner, september_intake, django_assert_num_queries
):
    enrollment = EnrollmentFactory(student=owner, intake=september_intake, status=Status.ENROLLED)
    terms = make_terms(september_intake, years=1)
    record(enrollment, terms[0], result="passed")
    record(enrollment, terms[1], standing="probation")
    client.force_login(owner.user)
    url = reverse("programs:my-applications")
    client.get(url)
    # Session, user, the student's enrollments, their term records with terms, has_student.
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert "Year 1, semester 2" in page
    assert "On probation" in page
    assert "Passed" in page


def test_an_expired_offer_shows_no_buttons(client, owner, offer):
    Enrollment.objects.filter(pk=offer.pk).update(
        offer_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(owner.user)
    page = client.get(reverse("programs:my-applications")).content.decode()
    assert _answer_url(offer, "accept") not in page

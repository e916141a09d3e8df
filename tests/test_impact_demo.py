"""Issue 18's demo figures: from seed_demo the impact page reads 40 entrepreneurs (eFounders
Fellowship 18 + Netpreneur 22), 12 government delegates, the educators and the degree's
students, with one published testimonial; the staff report has the outcomes."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from programs.models import Outcome, Student, Testimonial

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--no-staff", stdout=io.StringIO())


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_impact_page_adds_up_the_demo_by_what_participants_are_called(client, demo):
    page = _text(client.get(reverse("programs:impact")))
    assert "40 entrepreneurs Through Netpreneur Program, eFounders Fellowship" in page
    assert "12 government delegates Through New Economy Workshop" in page
    assert "9 educators Through Global E-commerce Talent – Train the Trainers" in page
    assert re.search(r"\b32 students Through Undergraduate Program", page)
    assert "eFounders Fellowship 2025 18" in page and "Netpreneur Program 2026 22" in page
    assert "N. U., founder of a software company" in page
    # Counts only: no participant's name or address reaches the page.
    for student in Student.objects.all()[:20]:
        assert student.last_name not in page and student.email not in page


def test_the_page_in_french_uses_the_french_nouns(client, demo):
    page = _text(client.get(reverse("programs:impact"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "40 entrepreneurs" in page and "12 délégués gouvernementaux" in page


def test_seed_demo_records_organisations_outcomes_and_one_consented_testimonial(demo):
    call_command("seed_demo", "--no-staff", stdout=io.StringIO())  # again: nothing doubles
    founders = Student.objects.filter(enrollments__intake__program__slug="efounders-fellowship")
    assert (
        founders.filter(organisation__kind="startup").count()
        + founders.filter(organisation__kind="company").count()
        == 18
    )
    assert Outcome.objects.count() == 3
    testimonial = Testimonial.objects.get()
    assert testimonial.is_published and testimonial.consent_given_on is not None


def test_the_staff_report_shows_the_demo_outcomes(client, demo, viewer):
    client.force_login(viewer)
    page = _text(client.get(reverse("programs:impact-report")))
    assert "40,000.00 USD" in page or "40000.00 USD" in page

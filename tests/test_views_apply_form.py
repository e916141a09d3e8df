"""Applying online: validation, refusals and bots."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from programs.models import Enrollment, Student

from .apply_support import application, apply_url, today, years_ago
from .factories import (
    EnrollmentFactory,
    FundingSourceFactory,
    IntakeFactory,
    ProgramFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == HTTPStatus.OK, "expected the form back with errors"
    form = response.context["form"]
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


def test_the_form_offers_only_the_intakes_funding_sources(client, september_intake):
    FundingSourceFactory(name="Some other scholarship")
    response = client.get(apply_url(september_intake))
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert [str(s) for s in form.fields["funding_source"].queryset] == [
        "HEC–Alibaba Joint Scholarship"
    ]
    content = response.content.decode()
    assert 'id="privacy-notice"' in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_an_intake_without_funding_asks_no_funding_question(client):
    intake = IntakeFactory()
    form = client.get(apply_url(intake)).context["form"]
    assert "funding_source" not in form.fields


def test_applying_creates_the_student_and_an_application(client, september_intake):
    source = september_intake.fundings.get().funding_source
    response = client.post(apply_url(september_intake), application(funding_source=source.pk))

    thanks = reverse("programs:application-received", args=[september_intake.pk])
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == thanks
    student = Student.objects.get()
    assert (student.first_name, student.last_name, student.email) == (
        "Claudine",
        "Mukamana",
        "claudine@example.rw",
    )
    assert (student.phone, student.country.code) == ("+250788123456", "RW")
    assert student.date_of_birth == datetime.date(2001, 9, 30)
    enrollment = Enrollment.objects.get()
    assert (enrollment.student, enrollment.intake) == (student, september_intake)
    assert (enrollment.status, enrollment.funding_source) == (Status.APPLIED, source)
    assert enrollment.history.get().history_change_reason == "Applied online"


def test_the_thank_you_page_names_the_intake_and_no_personal_data(client, september_intake):
    response = client.post(apply_url(september_intake), application(), follow=True)
    content = response.content.decode()
    assert "Thank you: we have your application" in content
    assert "September 2027" in content
    assert "Claudine" not in content and "claudine@example.rw" not in content


def test_applying_reuses_a_student_found_by_email_whatever_the_capitals(client, september_intake):
    known = StudentFactory(first_name="Claudine", last_name="M.", email="Claudine@Example.RW")
    response = client.post(
        apply_url(september_intake),
        application(email="CLAUDINE@example.rw", last_name="Someone Else"),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Student.objects.get() == known
    # A public form never overwrites a known student's record.
    known.refresh_from_db()
    assert known.last_name == "M."
    assert Enrollment.objects.get().student == known


def test_a_second_application_to_the_same_intake_is_refused_kindly(client, september_intake):
    known = StudentFactory(first_name="Jean-Paul", email="claudine@example.rw")
    EnrollmentFactory(student=known, intake=september_intake, status=Status.WAITLISTED)

    response = client.post(apply_url(september_intake), application())
    assert errors_of(response)["__all__"] == [
        "You have already applied to this intake with this email address, so we have not "
        "recorded a second application. Sign in to follow it, or create an account with this "
        "address if you have none yet."
    ]
    assert Enrollment.objects.count() == 1
    content = response.content.decode()
    # The refusal names neither the person on record nor their status.
    assert "Jean-Paul" not in content
    assert "Waitlisted" not in content


def test_the_same_person_may_apply_to_another_intake(client, september_intake):
    known = StudentFactory(email="claudine@example.rw")
    EnrollmentFactory(student=known, intake=september_intake)
    other = IntakeFactory(program=september_intake.program, name="September 2028")
    assert client.post(apply_url(other), application()).status_code == HTTPStatus.FOUND
    assert known.enrollments.count() == 2


def test_a_full_intake_still_takes_applications_for_the_waitlist(client, fill):
    intake = IntakeFactory(capacity=2)
    fill(intake, 2)
    response = client.get(apply_url(intake))
    assert "new applicants join the waitlist" in response.content.decode()
    assert client.post(apply_url(intake), application()).status_code == HTTPStatus.FOUND
    assert intake.enrollments.filter(status=Status.APPLIED).count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (10, 60, "Applications for this intake are not open yet. They open on"),
        (None, None, "Applications for this intake are not open yet. The dates will be"),
        (-60, -1, "Applications for this intake closed on"),
    ],
)
def test_closed_and_not_yet_open_intakes_refuse_applications(client, opens, closes, message):
    def day(n):
        return None if n is None else today() + datetime.timedelta(days=n)

    intake = IntakeFactory(applications_open_on=day(opens), applications_close_on=day(closes))
    response = client.get(apply_url(intake))
    assert response.status_code == HTTPStatus.OK
    assert "form" not in response.context
    assert message in response.content.decode()

    response = client.post(apply_url(intake), application())
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Student.objects.exists()
    assert not Enrollment.objects.exists()


def test_an_intake_of_an_unpublished_programme_is_404(client):
    intake = IntakeFactory(program=ProgramFactory(is_published=False))
    assert client.get(apply_url(intake)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(apply_url(intake), application()).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("programs:intake-apply", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", "Please enter your first name."),
        ("last_name", "Please enter your last name."),
        ("email", "Please enter your email address."),
        ("phone", "Please enter your phone number."),
        ("date_of_birth", "Please enter your date of birth."),
        ("country", "Please choose your country."),
        (
            "consent",
            "We can only handle your application if you agree to the processing of your data.",
        ),
    ],
)
def test_every_required_field_says_what_is_missing(client, september_intake, field, message):
    response = client.post(apply_url(september_intake), application(**{field: None}))
    assert errors_of(response) == {field: [message]}
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"email": "claudine-at-example.rw"},
            "email",
            "Enter a valid email address, for example name@example.com.",
        ),
        (
            {"phone": "0788 12"},
            "phone",
            "This is not a phone number we can call. Write it as you dial it in your country "
            "(e.g. 0720 123 456) or with the country code (e.g. +250720123456).",
        ),
        (
            {"phone": "+25078812345678901"},
            "phone",
            "This is not a phone number we can call. Write it as you dial it in your country "
            "(e.g. 0720 123 456) or with the country code (e.g. +250720123456).",
        ),
        (
            {"date_of_birth": "30 Sept"},
            "date_of_birth",
            "Enter your date of birth as a date, e.g. 2001-09-30.",
        ),
        (
            lambda: {"date_of_birth": (today() + datetime.timedelta(days=1)).isoformat()},
            "date_of_birth",
            "Your date of birth cannot be in the future.",
        ),
        (
            lambda: {"date_of_birth": years_ago(15, days=-1).isoformat()},
            "date_of_birth",
            "Please check your date of birth: applicants must be between 15 and 100 years "
            "old, and this date makes you 14.",
        ),
        (
            lambda: {"date_of_birth": years_ago(101).isoformat()},
            "date_of_birth",
            "Please check your date of birth: applicants must be between 15 and 100 years "
            "old, and this date makes you 101.",
        ),
        ({"country": "XX"}, "country", "Please choose a country from the list."),
        (
            {"funding_source": "999999"},
            "funding_source",
            "Please choose one of the funding sources listed.",
        ),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(
    client, september_intake, changes, field, message
):
    if callable(changes):  # dates: computed when the test runs
        changes = changes()
    response = client.post(apply_url(september_intake), application(**changes))
    assert errors_of(response) == {field: [message]}
    assert not Student.objects.exists()


def test_a_funding_source_of_another_intake_is_refused(client, september_intake):
    elsewhere = FundingSourceFactory(name="Elsewhere grant")
    response = client.post(apply_url(september_intake), application(funding_source=elsewhere.pk))
    assert "funding_source" in errors_of(response)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+250 788 123 456", "+250788123456"),
        ("00250-788-123456", "+250788123456"),
        ("0788 123 456", "+250788123456"),  # a Rwandan's local number, read in Rwanda
    ],
)
def test_phone_numbers_are_tidied(client, september_intake, typed, stored):
    client.post(apply_url(september_intake), application(phone=typed))
    assert Student.objects.get().phone == stored


@pytest.mark.parametrize("age", [15, 100])
def test_ages_15_and_100_are_accepted(client, september_intake, age):
    response = client.post(
        apply_url(september_intake), application(date_of_birth=years_ago(age).isoformat())
    )
    assert response.status_code == HTTPStatus.FOUND


def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(client, september_intake):
    response = client.post(apply_url(september_intake), application(website="http://spam.example"))
    assert response.status_code == HTTPStatus.FOUND
    assert not Student.objects.exists()
    assert not Enrollment.objects.exists()


def test_an_eleventh_application_from_one_address_is_accepted(client, september_intake):
    """It was refused (10 an hour per address); a school lab sends more (tests/test_rate_limits.py
    holds the limits themselves)."""
    for n in range(11):
        response = client.post(apply_url(september_intake), application(email=f"a{n}@example.rw"))
        assert response.status_code == HTTPStatus.FOUND
    assert Enrollment.objects.count() == 11


def test_the_form_is_protected_against_csrf(september_intake):
    client = Client(enforce_csrf_checks=True)
    response = client.post(apply_url(september_intake), application())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Enrollment.objects.exists()


def test_personal_fields_are_hidden_from_error_reports(client, september_intake):
    response = client.post(apply_url(september_intake), application(email=""))
    hidden = response.wsgi_request.sensitive_post_parameters
    assert {"first_name", "last_name", "email", "phone", "date_of_birth"} <= set(hidden)


@pytest.mark.parametrize("value", ["9" * 40, "-1", "1e309", "\x00", "1.5", "☃"])
def test_hostile_values_are_refused_never_a_server_error(client, september_intake, value):
    url = apply_url(september_intake)
    for field in ("funding_source", "country", "date_of_birth", "phone", "email"):
        response = client.post(url, application(**{field: value}))
        assert response.status_code == HTTPStatus.OK, (field, value)
        assert field in response.context["form"].errors
    assert not Enrollment.objects.exists()
    huge = reverse("programs:intake-apply", args=[int("9" * 30)])
    assert client.get(huge).status_code == HTTPStatus.NOT_FOUND

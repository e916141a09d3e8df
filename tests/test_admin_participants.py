"""The intake's "Add participants" page: paste or upload, dry run, confirm (issue 18)."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.erasure import student_erase
from programs.models import Enrollment, Organisation, Student

from .factories import IntakeFactory, StudentFactory

pytestmark = pytest.mark.django_db

LIST = (
    "Ines Kamikazi\tMinistry of Trade and Industry\tTrade policy analyst\n"
    "Jean Bosco Habimana\tRwanda Revenue Authority\tTax officer\tjb@example.org\n"
)


@pytest.fixture
def workshop():
    return IntakeFactory(name="2027 delegation", capacity=12)


@pytest.fixture
def url(workshop):
    return reverse("admin:programs_intake_add_participants", args=[workshop.pk])


def _state():
    return (Student.objects.count(), Enrollment.objects.count(), Organisation.objects.count())


def test_staff_paste_a_list_check_it_then_confirm_it(client, manager, workshop, url):
    client.force_login(manager)
    intake_page = client.get(reverse("admin:programs_intake_change", args=[workshop.pk]))
    assert url in intake_page.content.decode()
    assert client.get(url).status_code == HTTPStatus.OK

    dry_run = client.post(url, {"pasted": LIST})

    page = dry_run.content.decode()
    assert "Dry run of the pasted list: 2 new people, 0 already recorded, 0 rows refused" in page
    assert "New organisation: Rwanda Revenue Authority (Other)." in page
    assert _state() == (0, 0, 0)

    confirmed = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})

    assert confirmed.status_code == HTTPStatus.FOUND
    assert confirmed.url == reverse("admin:programs_intake_change", args=[workshop.pk])
    assert sorted(workshop.enrollments.values_list("student__last_name", "status")) == [
        ("Habimana", "enrolled"),
        ("Kamikazi", "enrolled"),
    ]
    assert workshop.enrollments.first().history.get().history_user == manager
    again = client.post(url, {"confirm": "1", "token": dry_run.context["token"]}, follow=True)
    assert "no longer waiting for confirmation" in again.content.decode()
    assert workshop.enrollments.count() == 2


def test_a_file_goes_through_the_same_page(client, manager, workshop, url):
    client.force_login(manager)
    content = b"name,organisation,job_title\nInes Kamikazi,Ministry of Trade,Analyst\n"
    dry_run = client.post(url, {"file": SimpleUploadedFile("delegation.csv", content)})
    assert "Dry run of delegation.csv: 1 new person" in dry_run.content.decode()
    client.post(url, {"confirm": "1", "token": dry_run.context["token"]})
    assert Student.objects.get().organisation.name == "Ministry of Trade"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pasted": "  \n "}, "Paste a list or choose a file."),
        (
            {"pasted": LIST, "file": SimpleUploadedFile("a.csv", b"name\nA B\n")},
            "Paste a list or choose a file, not both",
        ),
        ({"pasted": "Ines Kamikazi\t" + "x" * 1001}, "a cell of 1,001 characters"),
        ({"pasted": "x" * 300_001}, "Ensure this value has at most 300000 characters"),
        ({"pasted": "name,job_title\n"}, "The file has column names but no participant rows."),
    ],
)
def test_a_list_that_cannot_be_read_says_why_and_changes_nothing(
    client, manager, url, data, message
):
    client.force_login(manager)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert "token" not in response.context or not response.context.get("report")
    assert _state() == (0, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"pasted": "\t".join(["x"] * 101)},
            "has values in 101 columns; a participant file has at most 100. Check that this is "
            "the list of participants.",
        ),
        (
            {"pasted": "Ines Kamikazi\t" + "x" * 1001},
            "has a cell of 1,001 characters; a cell of a participant file holds at most 1,000. "
            "Check that this is the list of participants.",
        ),
        (
            {"pasted": "A B\n" * 1001},
            "The file has more than 1,000 participant rows; an import takes at most 1,000. "
            "Split it into smaller files.",
        ),
        (
            {"file": SimpleUploadedFile("delegation.csv", b"name\n" + b"\n" * 100_001)},
            "Delete the empty rows below the participants (or split the file)",
        ),
    ],
)
def test_the_limits_of_a_list_speak_of_participants(client, manager, url, data, message):
    client.force_login(manager)
    page = client.post(url, data).content.decode()
    assert message in page
    assert "applicant" not in page
    assert _state() == (0, 0, 0)


def test_the_limits_of_a_list_speak_of_participants_in_french(client, manager, url):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.post(url, {"pasted": "Ines Kamikazi\t" + "x" * 1001}).content.decode()
    assert "une cellule d’un fichier de participants en contient au plus" in page


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("en", "Dry run of the pasted list: 1 new person"),
        ("fr", "Essai à blanc de la liste collée : 1 nouvelle personne"),
    ],
)
@pytest.mark.parametrize("header", ["", "name,organisation\n"], ids=["no header", "header"])
def test_a_pasted_list_is_named_in_the_staff_members_language(
    client, manager, url, header, language, summary
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.post(url, {"pasted": header + "Ines Kamikazi,Ministry of Trade\n"})
    assert summary in page.content.decode()
    assert ".csv" not in page.context["report"].summary()


def test_a_refused_line_is_shown_and_offers_no_confirmation(client, manager, url):
    client.force_login(manager)
    response = client.post(url, {"pasted": LIST + "Uwase\tA school\tTeacher\n"})
    page = response.content.decode()
    assert "1 row refused" in page
    assert "Line 3 (Uwase): Name: “Uwase” is one word" in page
    assert 'name="confirm"' not in page


def test_a_person_erased_after_the_dry_run_is_not_brought_back(
    client, manager, staff, workshop, url
):
    known = StudentFactory(first_name="Jean Bosco", last_name="Habimana", email="jb@example.org")
    client.force_login(manager)
    dry_run = client.post(url, {"pasted": LIST})
    assert "1 already recorded" in dry_run.content.decode()
    student_erase(student=known, by=staff, reason="Request DP-2027-020")

    response = client.post(url, {"confirm": "1", "token": dry_run.context["token"]})

    assert "Something changed since the dry run" in response.content.decode()
    assert not Student.objects.filter(email="jb@example.org").exists()
    assert not Enrollment.objects.exists()


def test_someone_who_cannot_add_students_is_refused(client, viewer, url):
    client.force_login(viewer)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"pasted": LIST}).status_code == HTTPStatus.FORBIDDEN
    assert _state() == (0, 0, 0)


def test_an_unknown_intake_is_a_404(client, manager):
    client.force_login(manager)
    url = reverse("admin:programs_intake_add_participants", args=[999_999_999_999_999_999_999])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND

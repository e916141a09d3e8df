"""Error answers are pages in the person's language saying what happened; nothing changed."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from programs.models import Enrollment, Student

pytestmark = pytest.mark.django_db

# A name longer than Django's multipart parser reads (1 KiB of headers per part): no file system
# allows it, but a hostile client can send it.
OVERLONG_NAME = "😀" * 400 + ".csv"


def import_url(intake):
    return reverse("admin:programs_intake_import_applicants", args=[intake.pk])


def test_an_unreadable_upload_is_answered_on_the_import_page(staff_client, september_intake):
    response = staff_client.post(
        import_url(september_intake), {"file": SimpleUploadedFile(OVERLONG_NAME, b"email\n")}
    )
    assert response.status_code == HTTPStatus.OK
    assert "the file&#x27;s name is too long" in response.content.decode()
    assert (Student.objects.count(), Enrollment.objects.count()) == (0, 0)


def test_with_csrf_checks_an_unreadable_upload_gets_a_clear_400_page(staff, september_intake):
    # In production the CSRF middleware reads the form before the view: Django answers 400.
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    token = client.get(import_url(september_intake)).context["csrf_token"]
    response = client.post(
        import_url(september_intake),
        {"csrfmiddlewaretoken": str(token), "file": SimpleUploadedFile(OVERLONG_NAME, b"email\n")},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.content.decode()
    assert "This request could not be read" in body
    assert "give it a shorter name" in body
    assert Enrollment.objects.count() == 0


def test_the_page_not_found_is_in_the_visitors_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/programmes/there-is-no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    body = response.content.decode()
    assert 'lang="fr"' in body
    assert "Page introuvable" in body


def test_a_form_sent_without_its_csrf_token_says_it_expired(client, september_intake):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("programs:intake-apply", args=[september_intake.pk]), {})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "This form has expired" in response.content.decode()


def test_the_server_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong on our side" in response.content.decode()

"""The thanks page after applying is the applicant's own: nobody else is shown it."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from .apply_support import application, apply_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def thanks_url(intake) -> str:
    return reverse("programs:application-received", args=[intake.pk])


def test_the_applicant_sees_the_thanks_and_can_reload_it(client, september_intake):
    client.post(apply_url(september_intake), application())
    for _ in range(2):
        response = client.get(thanks_url(september_intake))
        assert response.status_code == HTTPStatus.OK
        assert "Thank you: we have your application" in response.content.decode()


def test_anyone_else_is_sent_to_the_form(client, september_intake):
    client.post(apply_url(september_intake), application())
    stranger = Client()
    response = stranger.get(thanks_url(september_intake))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == apply_url(september_intake)


def test_the_thanks_of_one_intake_is_not_the_thanks_of_another(client, september_intake):
    from .factories import IntakeFactory

    other = IntakeFactory(program=september_intake.program, name="2028 cohort")
    client.post(apply_url(september_intake), application())
    assert client.get(thanks_url(other)).status_code == HTTPStatus.FOUND


def test_a_refused_application_shows_no_thanks(client, september_intake):
    client.post(apply_url(september_intake), application(email="not an address"))
    assert client.get(thanks_url(september_intake)).status_code == HTTPStatus.FOUND


def test_a_bot_is_thanked_like_a_person(client, september_intake):
    client.post(apply_url(september_intake), application(website="http://spam.example"))
    assert client.get(thanks_url(september_intake)).status_code == HTTPStatus.OK

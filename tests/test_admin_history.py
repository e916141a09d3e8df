"""History pages say who changed what in words: labels, not codes, and not "None"."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from programs import services
from programs.models import Enrollment

from .apply_support import application, apply_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def history_of(client, enrollment) -> str:
    url = reverse("admin:programs_enrollment_history", args=[enrollment.pk])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_an_online_application_and_a_decision_read_in_words(client, manager, september_intake):
    client.post(apply_url(september_intake), application())
    enrollment = Enrollment.objects.get()
    services.enrollment_set_status(
        enrollment=enrollment, status=Enrollment.Status.OFFERED, by=manager, reason="Interviewed"
    )
    client.force_login(manager)
    page = history_of(client, enrollment)
    assert "online application" in page
    assert ">None<" not in page and "\n                    None\n" not in page
    assert "<td>Offered</td>" in page and "<td>Applied</td>" in page  # labels, not codes
    assert '<th scope="col">Funding source</th>' in page  # the field's label
    change = page.split("<strong>Status:</strong>")[1].split("</li>")[0]
    assert "Applied" in change and "Offered" in change and "offered" not in change

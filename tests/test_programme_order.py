"""The flagship programme first (its position, then the name); "programme" in the admin."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from .factories import IntakeFactory, ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_the_public_list_follows_the_position_then_the_name(client):
    ProgramFactory(name="Applied Workshop")
    ProgramFactory(name="Business Fellowship")
    ProgramFactory(name="Undergraduate degree", position=1)
    page = client.get(reverse("programs:program-list")).content.decode()
    order = [
        page.index(n) for n in ("Undergraduate degree", "Applied Workshop", "Business Fellowship")
    ]
    assert order == sorted(order)


def test_the_admin_says_programme_and_lists_the_flagship_first(client, manager):
    ProgramFactory(name="Applied Workshop")
    IntakeFactory(program=ProgramFactory(name="Undergraduate degree", position=1))
    client.force_login(manager)
    response = client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Select programme to change" in page
    assert page.index("Undergraduate degree") < page.index("Applied Workshop")
    intakes = client.get(reverse("admin:programs_intake_changelist")).content.decode()
    assert "Programme</a>" in intakes and "Program</a>" not in intakes

"""A favicon on every page, public and admin: browsers ask /favicon.ico and read <link rel=icon>."""

from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == static("favicon.svg")
    icon = finders.find("favicon.svg")
    assert icon is not None
    with open(icon, encoding="utf-8") as file:
        assert "<svg" in file.read()


def test_public_and_admin_pages_name_the_icon(client, staff):
    link = f'rel="icon" href="{static("favicon.svg")}"'
    assert link in client.get("/").content.decode()
    client.force_login(staff)
    assert link in client.get("/admin/").content.decode()

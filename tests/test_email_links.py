"""Every link in every email is built from settings.SITE_URL (DJANGO_SITE_URL), the site's
public address, never from the host of the request that caused the email: the worker sends it
later, and a request may arrive through an internal address (a health check, a proxy)."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from programs import services
from programs.models import Enrollment

from .apply_support import application, apply_url
from .factories import EnrollmentFactory
from .outbox import deliver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

SITE = "https://tracker.example.org"
LINK = re.compile(r"\w+://\S+")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["internal.lan", "testserver"]


def test_every_email_links_to_the_configured_site_not_the_request_host(
    september_intake, owner, manager
):
    internal = Client(HTTP_HOST="internal.lan")  # not the public address
    internal.post(apply_url(september_intake), application(email="claudine@example.rw"))
    internal.post(reverse("programs:account-claim"), {"email": "claudine@example.rw"})
    internal.post(reverse("programs:account-claim"), {"email": owner.email})
    internal.post(reverse("password_reset"), {"email": owner.user.email})
    decided = EnrollmentFactory(student=owner, intake=september_intake)
    services.enrollment_update(
        enrollment=decided, status=Enrollment.Status.REJECTED, by=manager, reason="Test"
    )

    messages = deliver()
    subjects = [message.subject for message in messages]
    assert len(messages) == 5, subjects
    for message in messages:
        links = LINK.findall(message.body)
        assert links, f"{message.subject!r} has no link"
        for link in links:
            assert link.startswith(f"{SITE}/"), f"{message.subject!r}: {link}"
            resolve(urlsplit(link).path)  # each leads to a page of the site
        assert "internal.lan" not in message.body


def test_the_claim_link_from_the_email_opens_the_new_account_form(client, september_intake):
    client.post(
        apply_url(september_intake), application(first_name="Grace", email="grace@example.rw")
    )
    deliver()
    client.post(reverse("programs:account-claim"), {"email": "grace@example.rw"})
    message = deliver()[-1]
    (link,) = re.findall(rf"{re.escape(SITE)}(/accounts/claim/\S+/)", message.body)
    response = client.get(link)
    assert "Hello Grace. Choose a password" in response.content.decode()

"""System checks for production: email is delivered somewhere real, and the links in it lead to
the site over https."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.http.request import validate_host
from post_office.settings import get_available_backends

# Backends that deliver nowhere: fine in development and tests, a silent loss in production.
NOT_DELIVERING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register("email", deploy=True)
def check_email_is_delivered(app_configs=None, **kwargs) -> list[CheckMessage]:
    """`check --deploy`: with DEBUG off, the backend the worker delivers through must be real."""
    if settings.DEBUG:
        return []
    # post_office's own backend only queues: what delivers is POST_OFFICE["BACKENDS"].
    delivering = get_available_backends().get("default", "")
    if delivering not in NOT_DELIVERING:
        return []
    return [
        Error(
            f"Emails would be delivered with {delivering}, which sends nothing to anyone.",
            hint=(
                "Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "DJANGO_EMAIL_HOST (docs/deploy.md, 'Email: the queue and the worker')."
            ),
            id="programs.E001",
        )
    ]


@register("email", deploy=True)
def check_site_url_is_public_https(app_configs=None, **kwargs) -> list[CheckMessage]:
    """`check --deploy`: with DEBUG off, DJANGO_SITE_URL is the site's https address.

    Every link in an email is built from it (the worker sends outside any request), so a
    missing or http address would send students to the development default or in clear text.
    """
    if settings.DEBUG:
        return []
    url = settings.SITE_URL
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.path or parts.query:
        return [
            Error(
                f"DJANGO_SITE_URL is {url!r}: the links in emails must lead to the site's "
                "public https address.",
                hint="Set DJANGO_SITE_URL to it, with no path, e.g. https://tracker.example.org "
                "(docs/deploy.md).",
                id="programs.E002",
            )
        ]
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"DJANGO_SITE_URL names {parts.hostname}, which is not in DJANGO_ALLOWED_HOSTS: "
                "the links in emails would lead to a site that refuses them.",
                id="programs.W002",
            )
        ]
    return []

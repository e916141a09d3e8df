"""System checks for the outbox: production must deliver email somewhere real."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
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

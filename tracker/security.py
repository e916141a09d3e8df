"""Which address a request comes from, for sign-in throttling (django-axes)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For.

    With DJANGO_TRUSTED_PROXY_COUNT=N, the N-th entry from the right is the address the
    outermost trusted proxy saw. Entries further left were written by the client and could be
    anything, so they are never used; a header shorter than N falls back to REMOTE_ADDR.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")

"""Rendered pages kept in the cache until the data under them changes.

The public pages, a student's own pages and the admin lists are read far more often than the
data behind them changes: an intake opening brings hundreds of visitors to the same programme
page, staff page back and forth through the same list. Rendering them is most of their cost
(templates, not queries: docs/performance.md), so a page that was rendered once is served
again from the cache, for the same address, language and person, until any write.

Correctness comes first:

- One data version for the whole site, kept in the cache. Every write changes it, after the
  transaction commits: a model saved or deleted (post_save, post_delete, m2m_changed, for the
  apps in WATCHED_APPS), every non-GET request (PageCacheMiddleware; it also covers the
  QuerySet.update() and bulk writes that send no signal), and the bulk writes of the services
  and commands, which call invalidate() themselves. The version is read before a page is
  rendered and the page is stored under it, so a page rendered while a write commits is
  stored under the old version and never served.
- A page is also dropped after PAGE_CACHE_SECONDS, for what changes with the clock (an intake
  whose applications close at midnight) and for writes made outside the app (SQL by hand).
- Only GET requests with no query string on the public pages (the admin lists key the query
  string in), with no message waiting to be shown, and only 200 responses.
- Per person: anonymous pages are shared; a signed-in person's pages are keyed by their user
  id and never served to anyone else. The CSRF token is not stored: the page is cached with a
  placeholder that is replaced with the visitor's own token on every response.
- With several server processes the cache must be shared between them (DJANGO_CACHE_DIR,
  docs/deploy.md); the per-process memory cache of development is right for one process.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import checks
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

VERSION_KEY = "pagecache:version"
# A value no page contains, which HTML escaping leaves as it is.
CSRF_PLACEHOLDER = "pagecache-csrf-token-placeholder"
WATCHED_APPS = {"programs", "auth"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 120)


def enabled() -> bool:
    return seconds() > 0


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def invalidate() -> None:
    """Make every cached page stale (a new version, so no page is served from before)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def purge() -> None:
    """Delete every cached page, not only make them stale: after an erasure, no copy of the
    erased personal data may stay in the cache until it expires. The whole cache is cleared:
    sessions are written through to the database and are read from there again."""
    cache.clear()


def invalidate_on_commit(using: str | None = None) -> None:
    """Invalidate now, and once more when the current transaction commits, so that a page
    rendered from the data of before the commit cannot outlive it."""
    invalidate()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        entry[1] is invalidate for entry in connection.run_on_commit
    ):
        transaction.on_commit(invalidate, using=using)


def _on_write(sender, using=None, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS:
        invalidate_on_commit(using)


def _on_m2m(sender, using=None, **kwargs) -> None:
    if kwargs.get("action", "").startswith("post_"):
        invalidate_on_commit(using)


def connect_signals() -> None:
    post_save.connect(_on_write, dispatch_uid="pagecache-save")
    post_delete.connect(_on_write, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="pagecache-m2m")


class PageCacheMiddleware:
    """Any request that may write (POST and the like) makes the cached pages stale once it
    is answered, whatever it wrote and however it wrote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            invalidate()
        return response


def csrf_token_for_cache(request: HttpRequest) -> dict[str, str]:
    """Template context processor: the placeholder instead of the token while a page is
    rendered for the cache (it comes after Django's own csrf processor, so it wins)."""
    if getattr(request, "_pagecache_rendering", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _has_waiting_messages(request: HttpRequest) -> bool:
    if request.COOKIES.get(CookieStorage.cookie_name):
        return True
    session = getattr(request, "session", None)
    return session is not None and "_messages" in session


def _queued_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def _key(request: HttpRequest, version: str, per_user: bool) -> str:
    who = f"u{request.user.pk}" if per_user else "anon"
    address = request.get_full_path()
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"pagecache:{version}:{get_language()}:{who}:{digest}"


def _with_visitors_token(request: HttpRequest, content: bytes) -> bytes:
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in content:
        return content.replace(placeholder, get_token(request).encode())
    return content


def _serve(request: HttpRequest, stored: tuple[int, str, bytes]) -> HttpResponse:
    status, content_type, content = stored
    return HttpResponse(
        _with_visitors_token(request, content), status=status, content_type=content_type
    )


def cached_response(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    allow_query: bool = False,
) -> HttpResponse:
    """The cached page for this request if there is one, else render() it and keep it.

    Anonymous visitors share a page; a signed-in person gets their own.
    """
    if (
        not enabled()
        or request.method != "GET"
        or (request.META.get("QUERY_STRING") and not allow_query)
        or _has_waiting_messages(request)
    ):
        return render()
    per_user = request.user.is_authenticated
    key = _key(request, current_version(), per_user)
    stored = cache.get(key)
    if stored is not None:
        return _serve(request, stored)
    request._pagecache_rendering = True
    try:
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        request._pagecache_rendering = False
    if response.status_code != 200 or response.streaming or _queued_messages(request):
        if not response.streaming:
            response.content = _with_visitors_token(request, response.content)
        return response
    stored = (response.status_code, response["Content-Type"], response.content)
    cache.set(key, stored, timeout=seconds())
    return _serve(request, stored)


def cache_page_until_write(view: Callable) -> Callable:
    """Decorator for a public or student view (GET without a query string)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return cached_response(request, lambda: view(request, *args, **kwargs))

    return wrapped


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: the page cache needs a cache the server processes share."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if enabled() and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is per process (LocMemCache): with several server processes, a page "
                "cached by one can be served for up to PAGE_CACHE_SECONDS after a write made "
                "through another, and rate limits count per process.",
                hint="Set DJANGO_CACHE_DIR to a directory every server process can write "
                "(docs/deploy.md), or DJANGO_PAGE_CACHE_SECONDS=0 for a single process.",
                id="tracker.W001",
            )
        ]
    return []

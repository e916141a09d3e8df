"""Baseline views for the benchmark, routed only by bench/settings.py (bench/root_urls.py).

Every page's latency is reported as a ratio to `minimal`: the same request through the same
middleware (sessions, CSRF, CSP, locale, history, axes) with no template and no query.
`layout` renders base.html with an empty content block, to tell the cost of the site's own
layout apart from what a page adds on top of it.
"""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_safe


@cache
def _layout_template():
    return engines["django"].from_string("{% extends 'base.html' %}")


@require_safe
def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def layout(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_layout_template().render({}, request))

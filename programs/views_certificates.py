"""Certificates: the public verification page and the printable certificate (the student's
own, from "My applications", and staff's, from the enrollment's admin page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .emails import site_url
from .http import AuthenticatedHttpRequest
from .models import Certificate
from .views_staff import staff_permission_required


def _certificates():
    return Certificate.objects.select_related("enrollment__student", "enrollment__intake__program")


@never_cache
@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a certificate is genuine, for whoever holds its code (an employer, a funder).

    Any code of the code's alphabet costs the same: one lookup on the unique index, then 404
    for every code that is not there, with no check before it that could answer sooner for
    some (the URL only lets through the characters a code is made of). A revoked certificate
    says that and nothing about its holder."""
    certificate = _certificates().filter(code=code).first()
    if certificate is None:
        raise Http404
    response = render(request, "programs/certificate_verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the code is the page's address
    return response


def _print(request: HttpRequest, certificate: Certificate, *, back: str) -> HttpResponse:
    verify = site_url(reverse("programs:certificate-verify", args=[certificate.code]))
    response = render(
        request,
        "programs/certificate_print.html",
        {"certificate": certificate, "verify_url": verify, "back": back},
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_required
@require_safe
def my_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The student's own certificate to print, while it is valid."""
    certificate = get_object_or_404(
        _certificates(),
        enrollment__pk=pk,
        enrollment__student__user=request.user,
        enrollment__student__erased_at__isnull=True,
        revoked_on__isnull=True,
    )
    return _print(request, certificate, back=reverse("programs:my-applications"))


@never_cache
@login_required
@staff_permission_required("programs.view_certificate")
@require_safe
def certificate_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Staff print a certificate to hand over (a revoked one prints as revoked)."""
    certificate = get_object_or_404(_certificates(), pk=pk)
    back = reverse("admin:programs_enrollment_change", args=[certificate.enrollment_id])
    return _print(request, certificate, back=back)

"""Public pages, online applications and the student's own pages.

Public pages show counts only. A student's pages show the records linked to their account and
nothing else: every lookup goes through _my_enrollments, so another record is a 404.
"""

from __future__ import annotations

import datetime
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from tracker.security import client_ip

from . import emails, public, ratelimit, services
from .forms import ApplicationForm, ClaimAccountForm, ClaimForm
from .http import AuthenticatedHttpRequest
from .models import Enrollment, Student, TermRecord
from .personal import STUDENT_PERSONAL_FIELDS

# Applications sent, and account links asked for, per hour: a few per email address, which is
# what stops a script; per client address a ceiling no school lab or carrier NAT reaches
# (most Rwandan phones share a few carrier addresses), which stops a flood from one machine.
APPLY_EMAIL_LIMIT = ratelimit.RateLimit(5, 3600)
APPLY_ADDRESS_LIMIT = ratelimit.RateLimit(300, 3600)
CLAIM_EMAIL_LIMIT = ratelimit.RateLimit(5, 3600)
CLAIM_ADDRESS_LIMIT = ratelimit.RateLimit(300, 3600)

CLAIM_SALT = "programs.account-claim"
CLAIM_LINK_DAYS = 3


# --- helpers -------------------------------------------------------------------------------


def _over_rate_limit(
    request: HttpRequest,
    scope: str,
    *,
    email: str,
    limits: tuple[ratelimit.RateLimit, ratelimit.RateLimit],
) -> HttpResponse | None:
    """Count one more attempt for this email address and this client address; the 429 page
    once either is over its limit in the hour (programs/ratelimit.py counts, in the database).

    The client address is the one sign-in throttling uses (REMOTE_ADDR, or X-Forwarded-For
    behind DJANGO_TRUSTED_PROXY_COUNT trusted proxies).
    """
    email_limit, address_limit = limits
    # Both are counted every time, so that a refused attempt still counts against each.
    over_email = ratelimit.hit(scope=f"{scope}-email", value=email, limit=email_limit)
    address = client_ip(request) or "unknown"
    over_address = ratelimit.hit(scope=f"{scope}-address", value=address, limit=address_limit)
    if not (over_email or over_address):
        return None
    return render(
        request,
        "programs/rate_limited.html",
        {"per_email": over_email and not over_address},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )


def _my_enrollments(user: User) -> QuerySet[Enrollment]:
    """The enrollments of the student linked to `user`: the only ones they may see."""
    return (
        Enrollment.objects.filter(student__user=user, student__erased_at__isnull=True)
        .select_related("intake__program", "funding_source", "certificate")
        .order_by("-intake__start_date", "-created_at", "-pk")
    )


# Statuses whose enrollments may have term records to show.
STUDIED = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED, Enrollment.Status.WITHDRAWN)


def _with_terms(enrollments: list[Enrollment]) -> list[Enrollment]:
    """Their term records, in one query, read only when one of them can have any."""
    if any(enrollment.status in STUDIED for enrollment in enrollments):
        prefetch_related_objects(
            enrollments,
            Prefetch(
                "term_records",
                queryset=TermRecord.objects.select_related("term").order_by("term__number"),
            ),
        )
    return enrollments


# --- public pages --------------------------------------------------------------------------


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "programs/program_list.html", {"programs": public.program_list_for_public()}
    )


@require_safe
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = public.program_page_for_public(slug=slug)
    return render(
        request,
        "programs/program_detail.html",
        {"program": page.program, "intakes": page.intakes, "funders": page.funders},
    )


# --- applying ------------------------------------------------------------------------------


class AlreadyApplied(Exception):
    pass


def _already_applied_message() -> str:
    return _(
        "You have already applied to this intake with this email address, so we have not "
        "recorded a second application. Sign in to follow it, or create an account with this "
        "address if you have none yet."
    )


def _record_application(form: ApplicationForm) -> Enrollment:
    """Find or create the student, then the application, all or nothing."""
    data = form.cleaned_data
    with transaction.atomic():
        student, created = services.student_get_or_create(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            date_of_birth=data["date_of_birth"],
            country=data["country"],
            # Her emails are written in the language she applied in (programs/emails.py).
            language=emails.site_language(translation.get_language()),
        )
        # The details of a known student are not overwritten from a public form: anyone can
        # type anyone's email address.
        if not created and student.enrollments.filter(intake=form.intake).exists():
            raise AlreadyApplied
        return services.enrollment_create(
            student=student,
            intake=form.intake,
            funding_source=data.get("funding_source"),
            reason="Applied online",
        )


@never_cache
@sensitive_post_parameters(*STUDENT_PERSONAL_FIELDS, "country")
@require_http_methods(["GET", "HEAD", "POST"])
def intake_apply(request: HttpRequest, pk: int) -> HttpResponse:
    public_intake = public.intake_for_application(pk=pk)
    intake = public_intake.intake
    context = {"intake": intake, "program": intake.program, "public_intake": public_intake}
    if not public_intake.applications_are_open:
        return render(request, "programs/intake_apply.html", context)

    form = ApplicationForm(request.POST if request.method == "POST" else None, intake=intake)
    if request.method == "POST":
        if form.is_bot:
            # Look like a success, so the bot learns nothing; record and send nothing.
            return _to_thanks(request, intake.pk)
        if form.is_valid():
            refused = _over_rate_limit(
                request,
                "apply",
                email=form.cleaned_data["email"],
                limits=(APPLY_EMAIL_LIMIT, APPLY_ADDRESS_LIMIT),
            )
            if refused is not None:
                return refused
            try:
                _record_application(form)
            except AlreadyApplied:
                form.add_error(None, _already_applied_message())
            except ValidationError as error:
                errors = error.message_dict if hasattr(error, "error_dict") else {}
                if "student" in errors:  # the same application, sent twice at once
                    form.add_error(None, _already_applied_message())
                elif "funding_source" in errors:
                    form.add_error("funding_source", errors["funding_source"])
                else:
                    form.add_error(None, error.messages)
            else:
                return _to_thanks(request, intake.pk)
    context["form"] = form
    return render(request, "programs/intake_apply.html", context)


APPLIED_TO = "applied_to"  # the session's list of intakes this browser has just applied to


def _to_thanks(request: HttpRequest, intake_pk: int) -> HttpResponse:
    """The thanks page, marked as this browser's own: nobody else is shown it."""
    applied = [pk for pk in request.session.get(APPLIED_TO, []) if pk != intake_pk][-9:]
    request.session[APPLIED_TO] = [*applied, intake_pk]
    return redirect("programs:application-received", pk=intake_pk)


@never_cache
@require_safe
def application_received(request: HttpRequest, pk: int) -> HttpResponse:
    public_intake = public.intake_for_application(pk=pk)
    if pk not in request.session.get(APPLIED_TO, []):
        # Only the person who applied (in this browser) sees the thanks; others the form.
        return redirect("programs:intake-apply", pk=pk)
    return render(
        request,
        "programs/application_received.html",
        {"intake": public_intake.intake, "program": public_intake.intake.program},
    )


# --- the student's own pages ---------------------------------------------------------------


@never_cache
@login_required
@require_safe
def my_applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/my_applications.html",
        {
            "enrollments": _with_terms(list(_my_enrollments(request.user))),
            "has_student": Student.objects.filter(user=request.user).exists(),
        },
    )


@never_cache
@login_required
@require_safe
def my_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = get_object_or_404(_my_enrollments(request.user), pk=pk)
    _with_terms([enrollment])
    return render(request, "programs/my_application.html", {"enrollment": enrollment})


OFFER_ANSWERS = {"accept": True, "decline": False}


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_offer_answer(request: AuthenticatedHttpRequest, pk: int, answer: str) -> HttpResponse:
    """Accept or decline an offer: the page asks to confirm, its button answers (a POST)."""
    enrollment = get_object_or_404(_my_enrollments(request.user), pk=pk)
    if answer not in OFFER_ANSWERS:
        raise Http404
    if request.method == "POST":
        try:
            services.offer_respond(
                enrollment=enrollment, accept=OFFER_ANSWERS[answer], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You accepted the offer. Welcome to the programme!")
                if OFFER_ANSWERS[answer]
                else _("You declined the offer. Your place goes to the next person in line."),
            )
        return redirect("programs:my-application", pk=enrollment.pk)
    return render(
        request,
        "programs/my_offer_answer.html",
        {"enrollment": enrollment, "accept": OFFER_ANSWERS[answer], "answer": answer},
    )


# --- claiming a student record with a new account ------------------------------------------


def claim_token(student: Student) -> str:
    """A signed, time-limited token naming the student and the address it was sent to."""
    return signing.dumps({"s": student.pk, "e": (student.email or "").lower()}, salt=CLAIM_SALT)


def _student_for_claim(token: str) -> Student | None:
    """The student a valid, unexpired token names, if they have no account yet."""
    try:
        data = signing.loads(
            token, salt=CLAIM_SALT, max_age=datetime.timedelta(days=CLAIM_LINK_DAYS)
        )
    except signing.BadSignature:  # also SignatureExpired
        return None
    student = Student.objects.filter(
        pk=data.get("s"), user__isnull=True, erased_at__isnull=True
    ).first()
    if student is None or not student.email or student.email.lower() != data.get("e"):
        return None
    return student


@never_cache
@sensitive_post_parameters("email")
@require_http_methods(["GET", "HEAD", "POST"])
def account_claim(request: HttpRequest) -> HttpResponse:
    """Ask for a link to create an account. The answer never says whether the address is known."""
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        refused = _over_rate_limit(
            request,
            "claim",
            email=form.cleaned_data["email"],
            limits=(CLAIM_EMAIL_LIMIT, CLAIM_ADDRESS_LIMIT),
        )
        if refused is not None:
            return refused
        student = services.student_find_by_email(form.cleaned_data["email"])
        if student is not None and student.erased_at is None:
            language = translation.get_language()
            if student.user_id is not None:
                emails.send_account_exists(student=student, language=language)
            else:
                path = reverse("programs:account-claim-confirm", args=[claim_token(student)])
                emails.send_claim_link(
                    student=student,
                    url=emails.site_url(path),
                    valid_days=CLAIM_LINK_DAYS,
                    language=language,
                )
        return redirect("programs:account-claim-sent")
    return render(request, "programs/account_claim.html", {"form": form})


@never_cache
@require_safe
def account_claim_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/account_claim_sent.html", {"valid_days": CLAIM_LINK_DAYS})


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def account_claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    student = _student_for_claim(token)
    if student is None or request.user.is_authenticated:
        return render(
            request,
            "programs/account_claim_confirm.html",
            {"invalid": student is None, "valid_days": CLAIM_LINK_DAYS},
        )
    form = ClaimAccountForm(
        request.POST if request.method == "POST" else None, email=student.email or ""
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the record so the same link used twice at once makes one account.
            locked = Student.objects.select_for_update().filter(pk=student.pk).first()
            if locked is None or locked.user_id is not None:
                return render(
                    request,
                    "programs/account_claim_confirm.html",
                    {"invalid": True, "valid_days": CLAIM_LINK_DAYS},
                )
            user = form.save()
            locked.user = user
            locked.save(update_fields=["user", "updated_at"])
        login(request, user, backend="tracker.backends.EmailOrUsernameBackend")
        messages.success(request, _("Your account is ready. Here are your applications."))
        return redirect("programs:my-applications")
    return render(
        request, "programs/account_claim_confirm.html", {"form": form, "student": student}
    )

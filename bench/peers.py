"""The peers each page is measured against, in the same run: routed by bench/urls.py only.

- Each admin changelist against a vanilla ModelAdmin of the same model, same columns (the stored
  fields behind them: a vanilla admin has no computed columns) and page size, on a plain
  AdminSite with no customisation: not even list_select_related, whose default already makes
  the changelist call select_related() when a column is a relation (the same on every backend).
- Each public page against a plain view that reads the same data through the same selector and
  renders it with a bare template (no base.html, no include, no filter but the defaults).
"""

from __future__ import annotations

from functools import cache

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.backends.django import Template
from django.views.decorators.http import require_safe

from programs import public
from programs.forms import ApplicationForm
from programs.models import Enrollment, Intake, Student

site = admin.AdminSite(name="peer-admin")


class PeerEnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "student",
        "student__email",
        "status",
        "status_changed_at",
        "funding_source",
        "intake",
    ]
    list_per_page = 100


class PeerStudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "country"]
    list_per_page = 100


class PeerIntakeAdmin(admin.ModelAdmin):
    list_display = [
        "program",
        "name",
        "capacity",
        "applications_open_on",
        "applications_close_on",
        "start_date",
    ]
    list_per_page = 100


site.register(Enrollment, PeerEnrollmentAdmin)
site.register(Student, PeerStudentAdmin)
site.register(Intake, PeerIntakeAdmin)

BARE = {
    "program_list": """<!doctype html><title>Programmes</title><ul>
{% for s in programs %}<li><a href="/programmes/{{ s.program.slug }}/">{{ s.program.name }}</a>
{{ s.program.summary }}{% if s.next_intake %} {{ s.next_intake.intake.name }}
{{ s.next_intake.intake.start_date }} {{ s.next_intake.seats_taken }}/{{ s.next_intake.capacity }}
{{ s.next_intake.status_label }}{% endif %}</li>{% endfor %}</ul>""",
    "program_detail": """<!doctype html><title>{{ page.program.name }}</title>
<h1>{{ page.program.name }}</h1><p>{{ page.program.description }}</p><ul>
{% for i in page.intakes %}<li>{{ i.intake.name }} {{ i.intake.start_date }} {{ i.seats_taken }}/
{{ i.capacity }} {{ i.status_label }}{% for f in i.funded %} {{ f.funding_source.name }}
{{ f.taken }}/{{ f.places }}{% endfor %}</li>{% endfor %}</ul>
<ul>{% for f in page.funders %}<li>{{ f.name }}</li>{% endfor %}</ul>""",
    "apply": """<!doctype html><title>{{ intake.name }}</title><h1>{{ intake.program.name }}</h1>
<form method="post">{% csrf_token %}{{ form }}<button>Apply</button></form>""",
    "my_applications": """<!doctype html><title>My applications</title><ul>
{% for e in enrollments %}<li>{{ e.intake.program.name }} {{ e.intake.name }}
{{ e.get_status_display }} {{ e.funding_source.name }} {{ e.created_at }}</li>{% endfor %}</ul>""",
}


@cache
def _template(key: str) -> Template:
    return engines["django"].from_string(BARE[key])  # type: ignore[return-value]


@require_safe
def minimal(request: HttpRequest) -> HttpResponse:
    """The same middleware with no template and no query: the floor of any request."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    programs = public.program_list_for_public()
    return HttpResponse(_template("program_list").render({"programs": programs}, request))


@require_safe
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = public.program_page_for_public(slug=slug)
    return HttpResponse(_template("program_detail").render({"page": page}, request))


@require_safe
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    intake = public.intake_for_application(pk=pk).intake
    form = ApplicationForm(None, intake=intake)
    context = {"intake": intake, "form": form}
    return HttpResponse(_template("apply").render(context, request))


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    student = get_object_or_404(Student, user=request.user)
    enrollments = (
        Enrollment.objects.filter(student=student)
        .select_related("intake__program", "funding_source")
        .order_by("-intake__start_date", "-created_at", "-pk")
    )
    context = {"enrollments": list(enrollments)}
    return HttpResponse(_template("my_applications").render(context, request))

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Program


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.for_public_display().select_related("delivered_by")
    return render(request, "programs/program_list.html", {"programs": programs})

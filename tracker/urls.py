import os

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

admin.site.site_header = "Cohort tracker"
admin.site.site_title = "Cohort tracker"
admin.site.index_title = "Programmes, intakes and enrollments"


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on every site, admin pages included."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("programs.urls")),
]

# Baseline views for `make bench` (bench/views.py); never routed unless bench/run.py sets BENCH=1.
if os.environ.get("BENCH") == "1":
    urlpatterns.append(path("bench/", include("bench.urls")))

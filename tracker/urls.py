import os

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Cohort tracker"
admin.site.site_title = "Cohort tracker"
admin.site.index_title = "Programmes, intakes and enrollments"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("programs.urls")),
]

# Baseline views for `make bench` (bench/views.py); never routed unless bench/run.py sets BENCH=1.
if os.environ.get("BENCH") == "1":
    urlpatterns.append(path("bench/", include("bench.urls")))

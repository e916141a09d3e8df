from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Cohort tracker"
admin.site.site_title = "Cohort tracker"
admin.site.index_title = "Programmes, intakes and enrollments"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
]

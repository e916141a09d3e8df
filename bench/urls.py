"""The peers' addresses, under /bench/ (bench/root_urls.py): never routed by the product."""

from django.urls import path

from . import peers

urlpatterns = [
    path("minimal/", peers.minimal, name="bench-minimal"),
    path("programmes/", peers.program_list, name="bench-program-list"),
    path("programmes/<slug:slug>/", peers.program_detail, name="bench-program-detail"),
    path("intakes/<int:pk>/apply/", peers.apply, name="bench-intake-apply"),
    path("my-applications/", peers.my_applications, name="bench-my-applications"),
    path("admin/", peers.site.urls),
]

from django.urls import path

from . import views

urlpatterns = [
    path("minimal/", views.minimal, name="bench-minimal"),
    path("layout/", views.layout, name="bench-layout"),
]

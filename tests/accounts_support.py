"""What the student-account tests share: the pages' URLs, a good password, a signed-in client."""

from django.test import Client
from django.urls import reverse

MY_APPLICATIONS = reverse("programs:my-applications")
PASSWORD = "a-good-password-123"


def my_application(enrollment) -> str:
    return reverse("programs:my-application", args=[enrollment.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client

"""A username longer than any account's (django-axes' column holds 255) gets the usual error."""

from http import HTTPStatus

import pytest

from programs.models import Student

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_an_impossible_username_is_a_form_error(client, url, length):
    response = client.post(url, {"username": "a" * length, "password": "whatever"})
    assert response.status_code == HTTPStatus.OK
    assert "correct username and password" in " ".join(response.context["form"].non_field_errors())
    assert not Student.objects.exists()


def test_a_real_username_still_signs_in(client, fast_password_hashing):
    user = UserFactory(username="claudine")
    user.set_password("a long pass phrase")
    user.save()
    response = client.post(
        "/accounts/login/", {"username": "claudine", "password": "a long pass phrase"}
    )
    assert response.status_code == HTTPStatus.FOUND

"""Every page is rendered from the database on every request, and sign-ins live in the
database: what one app server writes, every other one sees at once."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from programs import services
from programs.models import Enrollment

from .factories import StaffFactory, StudentFactory, UserFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

HOME = reverse("programs:program-list")
MY_APPLICATIONS = reverse("programs:my-applications")
ENROLLMENTS = reverse("admin:programs_enrollment_changelist")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_seat_taken_shows_on_the_next_page_view(client, september_intake, fill):
    fill(september_intake, 5)
    assert "Seats left: 17 of 22" in client.get(HOME).content.decode()
    services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.ENROLLED, reason="test"
    )
    assert "Seats left: 16 of 22" in client.get(HOME).content.decode()


def test_a_change_made_outside_the_app_shows_at_once(client, september_intake, fill):
    """SQL by hand, or update() in a shell, sends no signal: nothing needs one."""
    [enrollment] = fill(september_intake, 1)
    assert "Seats left: 21 of 22" in client.get(HOME).content.decode()
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Status.WITHDRAWN)
    assert "Seats left: 22 of 22" in client.get(HOME).content.decode()


def test_a_sign_in_is_kept_in_the_database():
    user = UserFactory(username="aline", password=None)
    StudentFactory(user=user)
    client = signed_in(user)
    key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(user.pk)


def test_a_deactivated_account_loses_access_at_once(september_intake):
    student = StudentFactory(user=UserFactory(username="aline", password=None))
    client = signed_in(student.user)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK
    student.user.is_active = False
    student.user.save()  # as the admin's user form does
    response = client.get(MY_APPLICATIONS)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_an_account_deactivated_by_hand_loses_access_at_once(september_intake):
    user = UserFactory(username="aline", password=None)
    StudentFactory(user=user)
    client = signed_in(user)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.FOUND


def test_a_new_password_signs_out_the_other_sessions_at_once(september_intake):
    user = UserFactory(username="aline", password=None)
    StudentFactory(user=user)
    client = signed_in(user)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK
    user.set_password("a-new-passphrase-2027")
    user.save()
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.FOUND


def test_a_permission_taken_away_applies_at_once(september_intake, fill):
    fill(september_intake, 1)
    viewers = Group.objects.get(name="Viewers")
    viewer = StaffFactory(username="viewer", is_superuser=False, password=None)
    viewer.groups.add(viewers)
    client = signed_in(viewer)
    assert client.get(ENROLLMENTS).status_code == HTTPStatus.OK
    viewers.permissions.remove(Permission.objects.get(codename="view_enrollment"))
    assert client.get(ENROLLMENTS).status_code == HTTPStatus.FORBIDDEN

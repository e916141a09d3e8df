"""The page cache (tracker/pagecache.py): a page rendered once is served again until a write,
and never to the wrong person, in the wrong language, or with someone else's CSRF token."""

import re
from http import HTTPStatus

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from programs import services
from programs.models import Enrollment
from tracker import pagecache

from .factories import EnrollmentFactory, StaffFactory, StudentFactory, UserFactory

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

HOME = reverse("programs:program-list")
MY_APPLICATIONS = reverse("programs:my-applications")
ENROLLMENTS = reverse("admin:programs_enrollment_changelist")


def csrf_token_in(content: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)


def test_a_public_page_is_rendered_once_then_served_without_queries(
    client, september_intake, fill, django_assert_num_queries
):
    fill(september_intake, 5)
    first = client.get(HOME).content.decode()
    with django_assert_num_queries(0):
        second = client.get(HOME)
    assert second.status_code == HTTPStatus.OK
    assert "Seats left: 17 of 22" in second.content.decode()
    assert csrf_token_in(first) != csrf_token_in(second.content.decode())  # the visitor's own


def test_a_seat_taken_through_the_services_shows_at_once(client, september_intake, fill):
    fill(september_intake, 5)
    assert "Seats left: 17 of 22" in client.get(HOME).content.decode()
    services.enrollment_create(
        student=StudentFactory(), intake=september_intake, status=Status.ENROLLED, reason="test"
    )
    assert "Seats left: 16 of 22" in client.get(HOME).content.decode()


def test_a_write_that_sends_no_signal_shows_after_the_next_post(client, september_intake, fill):
    """QuerySet.update() sends no signal; the request that made it (a POST) invalidates."""
    [enrollment] = fill(september_intake, 1)
    assert "Seats left: 21 of 22" in client.get(HOME).content.decode()
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Status.WITHDRAWN)
    assert "Seats left: 21 of 22" in client.get(HOME).content.decode()  # still the cached page
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert "Seats left: 22 of 22" in client.get(HOME).content.decode()


def test_a_cached_form_takes_each_visitors_own_csrf_token(september_intake):
    """Two visitors, the second served from the cache: both can send the form."""
    url = reverse("programs:intake-apply", args=[september_intake.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for n, visitor in enumerate([first, second]):
        page = visitor.get(url).content.decode()
        tokens.append(csrf_token_in(page))
        assert pagecache.CSRF_PLACEHOLDER not in page
        response = visitor.post(
            url,
            {
                "csrfmiddlewaretoken": tokens[-1],
                "first_name": "Claudine",
                "last_name": f"Mukamana{n}",
                "email": f"claudine{n}@example.rw",
                "phone": "+250788123456",
                "date_of_birth": "2001-09-30",
                "country": "RW",
                "consent": "on",
                "website": "",
            },
        )
        assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]
    assert tokens[0] != tokens[1]
    assert Enrollment.objects.filter(intake=september_intake).count() == 2


def test_each_language_is_cached_apart(client, september_intake):
    assert 'lang="en"' in client.get(HOME).content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(HOME).content.decode()
    assert '<html lang="fr">' in french
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get(HOME).content.decode()


def test_a_signed_in_page_is_never_served_to_someone_else(september_intake):
    aline = StudentFactory(first_name="Aline", user=UserFactory(username="aline"))
    eric = StudentFactory(first_name="Eric", user=UserFactory(username="eric"))
    EnrollmentFactory(student=aline, intake=september_intake, status=Status.APPLIED)
    EnrollmentFactory(
        student=eric,
        intake=september_intake.program.intakes.create(
            name="Later intake",
            start_date=september_intake.start_date.replace(year=2030),
            capacity=5,
        ),
        status=Status.APPLIED,
    )
    as_aline, as_eric, anonymous = Client(), Client(), Client()
    as_aline.force_login(aline.user)
    as_eric.force_login(eric.user)
    for _ in range(2):  # the second round is served from the cache
        assert "September 2027" in as_aline.get(MY_APPLICATIONS).content.decode()
        page = as_eric.get(MY_APPLICATIONS).content.decode()
        assert "Later intake" in page and "September 2027" not in page
        assert anonymous.get(MY_APPLICATIONS).status_code == HTTPStatus.FOUND
    # The home page a signed-in student saw (with "Sign out") is not the anonymous one.
    assert "Sign out" in as_aline.get(HOME).content.decode()
    assert "Sign out" not in anonymous.get(HOME).content.decode()
    assert "Sign out" in as_aline.get(HOME).content.decode()


def test_a_waiting_message_is_shown_and_not_cached(client, september_intake):
    client.get(HOME)  # cached, with no message
    client.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Your password has been changed.")]
    )
    assert "Your password has been changed." in client.get(HOME).content.decode()
    assert "Your password has been changed." not in client.get(HOME).content.decode()


def test_a_query_string_is_not_cached_on_public_pages(client, september_intake):
    client.get(HOME + "?utm_source=newsletter")
    response = client.get(HOME + "?utm_source=newsletter")
    assert response.context is not None  # rendered again, not served from the cache


def test_an_admin_list_shows_a_bulk_action_and_its_message_then_is_cached(
    september_intake, fill, django_assert_num_queries
):
    staff = StaffFactory(username="manager", password=None)
    client = Client()
    client.force_login(staff)
    applicants = fill(september_intake, 3, status=Status.APPLIED)
    client.get(ENROLLMENTS)
    response = client.post(
        ENROLLMENTS,
        {"action": "mark_waitlisted", "_selected_action": [a.pk for a in applicants]},
        follow=True,
    )
    assert "3 enrollment(s) changed to Waitlisted." in response.content.decode()
    again = client.get(ENROLLMENTS).content.decode()
    assert "changed to Waitlisted" not in again  # the message was shown once, not cached
    assert again.count("Waitlisted</td>") == 3
    with django_assert_num_queries(0):  # the session, the account and the list: the cache
        client.get(ENROLLMENTS)


def test_each_staff_member_gets_their_own_admin_list(september_intake, fill):
    fill(september_intake, 2)
    first, second = Client(), Client()
    first.force_login(StaffFactory(username="first-manager", password=None))
    second.force_login(StaffFactory(username="second-manager", password=None))
    for _ in range(2):
        assert "first-manager" in first.get(ENROLLMENTS).content.decode().lower()
        page = second.get(ENROLLMENTS).content.decode().lower()
        assert "second-manager" in page and "first-manager" not in page


def test_a_transaction_invalidates_once_more_when_it_commits(django_capture_on_commit_callbacks):
    """Once per transaction, however many rows it writes (and at once, for the same process)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        before = pagecache.current_version()
        StudentFactory.create_batch(5)
        during = pagecache.current_version()
    assert during != before
    assert callbacks.count(pagecache.invalidate) == 1
    assert pagecache.current_version() != during


def test_the_cache_can_be_turned_off(client, settings, september_intake):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(HOME)
    response = client.get(HOME)
    assert response.context is not None


def test_an_edited_template_shows_at_once_under_runserver():
    from pathlib import Path

    from django.utils.autoreload import file_changed

    before = pagecache.current_version()
    file_changed.send(sender=None, file_path=Path("templates/base.html"))
    assert pagecache.current_version() != before


# --- the signed-in account (tracker/auth.py) --------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_students_page_from_the_cache_makes_no_query(september_intake, django_assert_num_queries):
    student = StudentFactory(user=UserFactory(username="aline", password=None))
    EnrollmentFactory(student=student, intake=september_intake)
    client = signed_in(student.user)
    client.get(MY_APPLICATIONS)
    with django_assert_num_queries(0):  # the session, the account and the page: the cache
        response = client.get(MY_APPLICATIONS)
    assert september_intake.program.name in response.content.decode()


def test_a_deactivated_account_loses_access_at_once(september_intake):
    student = StudentFactory(user=UserFactory(username="aline", password=None))
    client = signed_in(student.user)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK  # account from the cache
    student.user.is_active = False
    student.user.save()  # as the admin's user form does
    response = client.get(MY_APPLICATIONS)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_a_new_password_signs_out_the_other_sessions_at_once(september_intake):
    user = UserFactory(username="aline", password=None)
    StudentFactory(user=user)
    client = signed_in(user)
    client.get(MY_APPLICATIONS)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK
    user.set_password("a-new-passphrase-2027")
    user.save()
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.FOUND


def test_a_permission_taken_away_applies_at_once(september_intake, fill):
    from django.contrib.auth.models import Group, Permission

    fill(september_intake, 1)
    viewers = Group.objects.get(name="Viewers")
    viewer = StaffFactory(username="viewer", is_superuser=False, password=None)
    viewer.groups.add(viewers)
    client = signed_in(viewer)
    client.get(ENROLLMENTS)
    assert client.get(ENROLLMENTS).status_code == HTTPStatus.OK  # page and account cached
    viewers.permissions.remove(Permission.objects.get(codename="view_enrollment"))
    assert client.get(ENROLLMENTS).status_code == HTTPStatus.FORBIDDEN


def test_a_change_that_sends_no_signal_is_bounded_by_the_cache_lifetime(settings, september_intake):
    """SQL by hand (or update() in a shell) is seen after PAGE_CACHE_SECONDS; with the cache
    off, at once: the account is read on every request, as Django does."""
    user = UserFactory(username="aline", password=None)
    StudentFactory(user=user)
    client = signed_in(user)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.OK  # until it expires
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(MY_APPLICATIONS).status_code == HTTPStatus.FOUND


def test_an_unknown_or_inactive_account_is_not_kept(september_intake):
    from tracker.auth import CachedModelBackend

    inactive = UserFactory(username="gone", is_active=False, password=None)
    assert CachedModelBackend().get_user(inactive.pk) is None
    assert CachedModelBackend().get_user(inactive.pk + 1000) is None
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=True)  # no signal
    assert CachedModelBackend().get_user(inactive.pk) == inactive  # the refusal was not kept

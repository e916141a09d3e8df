from pathlib import Path

import pytest

from programs.models import Enrollment

from .cohort import make_terms
from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    StaffFactory,
)

if Path(__file__).resolve().parent.parent.name == "mutants":  # `make mutation`
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    from .mutmut_db import django_db_setup  # noqa: F401

    # mutmut runs pytest many times in one process, so a TestCase's hypothesis test is met
    # from a new instance each time: the same test, not a flaky one.
    hypothesis_settings.register_profile(
        "mutmut", suppress_health_check=[HealthCheck.differing_executors]
    )
    hypothesis_settings.load_profile("mutmut")


@pytest.fixture(autouse=True)
def _email_through_the_queue(settings):
    """Email as in production: queued, then delivered by the worker (tests/outbox.py).

    Django's test runner replaces EMAIL_BACKEND by its in-memory one; here the queue stays
    Django's backend and the in-memory one becomes the backend the worker delivers through.
    """
    settings.EMAIL_BACKEND = "programs.outbox.QueueBackend"
    settings.EMAIL_SEND_ON_COMMIT = False
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff-member")


@pytest.fixture
def viewer(db):
    """Staff in the "Viewers" group: may look at everything, may change and export nothing."""
    from django.contrib.auth.models import Group

    from .factories import UserFactory

    user = UserFactory(username="viewer", is_staff=True)
    user.groups.add(Group.objects.get(name="Viewers"))
    return user


@pytest.fixture
def manager(db):
    """Staff in the "Programme managers" group, which may change admissions and export."""
    from django.contrib.auth.models import Group

    from .factories import UserFactory

    user = UserFactory(username="manager", is_staff=True)
    user.groups.add(Group.objects.get(name="Programme managers"))
    return user


@pytest.fixture
def superuser(db):
    return StaffFactory(username="root")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def joint_scholarship(db):
    """The HEC–Alibaba scholarship: one funding source, two co-funders, shares not public."""
    source = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    FundingShareFactory(funding_source=source, partner=PartnerFactory(name="HEC"))
    FundingShareFactory(funding_source=source, partner=PartnerFactory(name="Alibaba"))
    return source


@pytest.fixture
def september_intake(joint_scholarship):
    """The customer's intake: 22 seats, 20 of them jointly funded."""
    intake = IntakeFactory(name="September 2027", capacity=22)
    IntakeFundingFactory(intake=intake, funding_source=joint_scholarship, places=20)
    return intake


@pytest.fixture
def terms(september_intake):
    """The September intake's eight terms: two semesters a year for four years."""
    return make_terms(september_intake)


@pytest.fixture
def fill():
    """fill(intake, n, status=..., funding_source=...) adds n raw enrollments."""

    def _fill(intake, n, status=Enrollment.Status.ENROLLED, funding_source=None):
        return EnrollmentFactory.create_batch(
            n, intake=intake, status=status, funding_source=funding_source
        )

    return _fill


# --- public pages and student accounts -------------------------------------------------------


@pytest.fixture
def fresh_cache():
    """An empty cache, so per-address rate limits start at zero in each test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    """A student with a sign-in account: the owner of their applications."""
    from .factories import StudentFactory, UserFactory

    return StudentFactory(first_name="Aline", last_name="Uwase", user=UserFactory(username="aline"))


@pytest.fixture
def other_student(db):
    """Another student with an account, who must never see the owner's records."""
    from .factories import StudentFactory, UserFactory

    return StudentFactory(
        first_name="Eric", last_name="Habimana", user=UserFactory(username="eric")
    )


@pytest.fixture
def fast_password_hashing(settings):
    """A cheap hasher for tests that make many accounts (the real one takes ~0.3 s a hash)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def restore_default_language():
    """Undo the language a test request activated (LocaleMiddleware leaves it on the thread).

    Without this, a test that browses in French leaves later tests' service messages in French.
    """
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def finance_client(client):
    """A client signed in as a member of the Finance group."""
    from django.contrib.auth.models import Group

    from .factories import UserFactory

    user = UserFactory(username="claire", is_staff=True)
    user.groups.add(Group.objects.get(name="Finance"))
    client.force_login(user)
    client.user = user
    return client

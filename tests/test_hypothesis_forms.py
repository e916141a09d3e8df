"""Hostile input on the public and staff forms outside the admin's model pages: claiming a
record, choosing its password, both sign-in pages, the export and funder report filters and
the import upload. A form with errors, a 400 that says why or the page asked for, never a
500, and a refused form writes nothing (issue 11). Run on PostgreSQL too: a NUL byte there is
a 500 wherever a value reaches a query unchecked.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from programs.models import Enrollment, ExportLog, Student
from programs.ratelimit import RateCounter
from programs.views import claim_token

from .factories import StudentFactory
from .test_hypothesis_admin import EXAMPLES, hostile_text, keys, numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
User = get_user_model()

SMALL = EXAMPLES  # the same budget as the admin's add forms
filter_values = st.one_of(keys, numbers, hostile_text)


def _fresh_limits() -> None:
    """Every example starts with no rate limit or lockout counted (they would turn later
    examples into 429s and 403s, which are not what is tested here)."""
    cache.clear()
    RateCounter.objects.all().delete()
    AccessAttempt.objects.all().delete()


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Student.objects.filter(user__isnull=False).count(),
        Enrollment.objects.count(),
    )


@pytest.fixture
def unclaimed(db):
    return StudentFactory(email="claudine@example.org", user=None)


@SMALL
@given(email=st.one_of(st.emails(), hostile_text))
def test_claim_form_survives_hostile_input(client, unclaimed, email):
    _fresh_limits()
    before = _counts()
    response = client.post(reverse("programs:account-claim"), {"email": email})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.OK:
        assert response.context["form"].errors
    assert _counts() == before


@SMALL
@given(
    username=st.one_of(st.just("claudine"), hostile_text),
    password1=st.one_of(st.just("a-good-password-123"), hostile_text),
    password2=st.one_of(st.just("a-good-password-123"), hostile_text),
)
def test_claim_confirm_form_survives_hostile_input(
    client, unclaimed, username, password1, password2
):
    _fresh_limits()
    client.logout()
    url = reverse("programs:account-claim-confirm", args=[claim_token(unclaimed)])
    before = _counts()
    response = client.post(
        url, {"username": username, "password1": password1, "password2": password2}
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.OK:
        if response.context.get("invalid"):
            # An earlier example made the account: the link is used up.
            assert Student.objects.get(pk=unclaimed.pk).user_id is not None
        else:
            assert response.context["form"].errors
            assert _counts() == before
    else:
        assert Student.objects.get(pk=unclaimed.pk).user_id is not None


@pytest.mark.parametrize("page", ["login", "admin:login"])
@SMALL
@given(
    username=st.one_of(st.just("staff-member"), hostile_text),
    password=st.one_of(st.just("wrong password"), hostile_text),
    next_url=st.one_of(st.just(""), hostile_text),
)
def test_sign_in_forms_survive_hostile_input(client, staff, page, username, password, next_url):
    _fresh_limits()
    url = reverse(page)
    response = client.post(url, {"username": username, "password": password, "next": next_url})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    AccessLog.objects.all().delete()
    AccessFailureLog.objects.all().delete()


IMPACT_FILTERS = ["program", "year", "country", "organisation_kind", "gender"]


@pytest.mark.parametrize(
    "name,fields",
    [
        ("programs:enrollment-export", ["intake", "program", "status", "funding_source"]),
        ("programs:funder-report", ["funding_source", "intake", "audience"]),
        ("programs:funder-report-csv", ["funding_source", "intake", "audience"]),
        ("programs:impact-report", IMPACT_FILTERS),
        ("programs:impact-report-csv", IMPACT_FILTERS),
    ],
)
@SMALL
@given(data=st.data())
def test_staff_filter_forms_survive_hostile_query_strings(
    staff_client, september_intake, name, fields, data
):
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields)))
    query = {field: data.draw(filter_values) for field in chosen}
    exports_before = ExportLog.objects.count()
    response = staff_client.get(reverse(name), query)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert response.context["form"].errors
        # A refused export is not logged as one made.
        assert ExportLog.objects.count() == exports_before


FILE_NAMES = st.one_of(
    st.sampled_from(["applicants.csv", "applicants.xlsx", "a.CSV", ".csv", "x.exe", "a\x00.csv"]),
    hostile_text.filter(bool),
)
FILE_CONTENTS = st.one_of(
    st.binary(max_size=2000),
    hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"first_name,last_name,email\nAline,Uwase,aline@example.org\n",
            b"first_name,last_name,email\nA\x00line,Uwase,a\x00@example.org\n",
            b"\xef\xbb\xbffirst_name;last_name\n=HYPERLINK(1),x\n",
            b"PK\x03\x04" + b"\x00" * 200,
        ]
    ),
)


@SMALL
@given(name=FILE_NAMES, content=FILE_CONTENTS)
def test_import_upload_survives_hostile_files(staff_client, september_intake, name, content):
    url = reverse("admin:programs_intake_import_applicants", args=[september_intake.pk])
    before = (Student.objects.count(), Enrollment.objects.count())
    try:
        upload = SimpleUploadedFile(name, content)
    except Exception:  # a name no browser could send (the test client refuses it first)
        return
    response = staff_client.post(url, {"file": upload})
    assert response.status_code == HTTPStatus.OK
    # An upload is only a dry run: nothing is written until staff confirm it.
    assert (Student.objects.count(), Enrollment.objects.count()) == before


PASTED_CELLS = st.lists(
    st.one_of(hostile_text, st.sampled_from(["Ines Kamikazi", "a@b.rw", "RW", "name", "email"])),
    max_size=6,
)
PASTED_LINES = st.lists(
    st.tuples(st.sampled_from(["\t", ",", ";"]), PASTED_CELLS).map(lambda t: t[0].join(t[1])),
    max_size=5,
).map("\n".join)


@SMALL
@given(pasted=PASTED_LINES)
def test_add_participants_survives_hostile_pasted_lists(staff_client, september_intake, pasted):
    url = reverse("admin:programs_intake_add_participants", args=[september_intake.pk])
    before = (Student.objects.count(), Enrollment.objects.count())
    response = staff_client.post(url, {"pasted": pasted})
    assert response.status_code == HTTPStatus.OK
    # Checking a list is only a dry run: nothing is written until staff confirm it.
    assert (Student.objects.count(), Enrollment.objects.count()) == before


@SMALL
@given(name=FILE_NAMES, content=FILE_CONTENTS)
def test_survey_import_survives_hostile_files(staff_client, name, content):
    from programs.models import Outcome

    url = reverse("admin:programs_outcome_import")
    try:
        upload = SimpleUploadedFile(name, content)
    except Exception:  # a name no browser could send
        return
    response = staff_client.post(url, {"file": upload})
    assert response.status_code == HTTPStatus.OK
    assert not Outcome.objects.exists()

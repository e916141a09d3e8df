"""The admin of issue 18's models: staff record organisations, outcomes and testimonials; a
certificate is issued by the service and only revoked here; nothing counted is deleted."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Certificate, Organisation, Student
from programs.models import Testimonial as Quote

from .factories import (
    CertificateFactory,
    OrganisationFactory,
    OutcomeFactory,
    StudentFactory,
)
from .factories import (
    TestimonialFactory as QuoteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


ROWS = {
    "organisation": OrganisationFactory,
    "outcome": OutcomeFactory,
    "certificate": CertificateFactory,
}


@pytest.mark.parametrize("model", sorted(ROWS))
def test_counted_rows_are_never_deleted_from_the_admin(root_client, model):
    row = ROWS[model]()
    delete = reverse(f"admin:programs_{model}_delete", args=[row.pk])
    assert root_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    root_client.post(
        reverse(f"admin:programs_{model}_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [row.pk], "post": "yes"},
    )
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_manager_records_a_delegate_without_an_address_in_her_ministry(manager_client):
    ministry = OrganisationFactory(name="Ministry of Trade", kind=Organisation.Kind.GOVERNMENT)
    response = manager_client.post(
        reverse("admin:programs_student_add"),
        {
            "first_name": "Aline",
            "last_name": "Mukamana",
            "email": "",
            "phone": "",
            "country": "RW",
            "gender": "woman",
            "organisation": ministry.pk,
            "job_title": "Trade policy officer",
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    delegate = Student.objects.get(last_name="Mukamana")
    assert (delegate.email, delegate.organisation, delegate.gender) == (None, ministry, "woman")


def test_the_admin_form_refuses_publishing_a_testimonial_without_consent(manager_client):
    student = StudentFactory()
    data = {
        "student": student.pk,
        "quote": "It changed how I run my company.",
        "language": "en",
        "shown_name": "N. U., founder",
        "consent_given_on": "",
        "is_published": "on",
    }
    page = manager_client.post(reverse("admin:programs_testimonial_add"), data)
    assert page.status_code == HTTPStatus.OK
    assert "only with the person&#x27;s consent" in page.content.decode()
    assert not Quote.objects.exists()

    data["consent_given_on"] = "2027-06-01"
    assert (
        manager_client.post(reverse("admin:programs_testimonial_add"), data).status_code
        == HTTPStatus.FOUND
    )
    assert Quote.objects.get().is_published


def test_a_withdrawn_consent_can_remove_the_testimonial(manager_client):
    quote = QuoteFactory()
    manager_client.post(
        reverse("admin:programs_testimonial_delete", args=[quote.pk]), {"post": "yes"}
    )
    assert not Quote.objects.exists()


def test_certificates_are_not_added_by_hand_and_are_revoked_by_a_date(root_client):
    assert (
        root_client.get(reverse("admin:programs_certificate_add")).status_code
        == HTTPStatus.FORBIDDEN
    )
    certificate = CertificateFactory(issued_on=datetime.date(2027, 6, 30))
    code = certificate.code
    response = root_client.post(
        reverse("admin:programs_certificate_change", args=[certificate.pk]),
        {"revoked_on": "2027-07-01", "code": "short"},  # the code is read-only: ignored
    )
    assert response.status_code == HTTPStatus.FOUND
    certificate.refresh_from_db()
    assert (certificate.code, certificate.revoked_on) == (code, datetime.date(2027, 7, 1))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("model", ["outcome", "certificate", "organisation", "testimonial"])
def test_each_list_costs_the_same_queries_for_3_rows_as_for_9(root_client, model):
    make = {**ROWS, "testimonial": QuoteFactory}[model]
    url = reverse(f"admin:programs_{model}_changelist")
    # session, user, the page's count and its rows (related rows joined); no query per row.
    make.create_batch(3)
    few = _queries(root_client, url)
    make.create_batch(6)
    assert _queries(root_client, url) == few


def test_issue_certificates_asks_first_then_issues_for_completed_enrollments_only(
    manager_client,
):
    from programs.models import Enrollment

    from .factories import EnrollmentFactory

    done = EnrollmentFactory(status="completed", completed_on=datetime.date(2026, 11, 20))
    has_one = CertificateFactory().enrollment
    studying = EnrollmentFactory(status="enrolled")
    url = reverse("admin:programs_enrollment_changelist")
    chosen = {ACTION_CHECKBOX_NAME: [done.pk, has_one.pk, studying.pk]}

    page = manager_client.post(url, {"action": "issue_certificates", **chosen})
    text = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "1 completed enrollment will get a certificate" in text
    assert done.student.full_name in text and "1 is not completed" in text
    assert not Certificate.objects.filter(enrollment=done).exists()  # nothing yet

    answer = manager_client.post(
        url, {"action": "issue_certificates", "confirm": "yes", **chosen}, follow=True
    )
    assert "1 certificate issued." in answer.content.decode()
    assert Certificate.objects.filter(enrollment=done).exists()
    assert not Certificate.objects.filter(enrollment=studying).exists()
    assert Certificate.objects.count() == 2
    assert Enrollment.objects.get(pk=studying.pk).status == "enrolled"


def test_the_enrollment_page_links_its_printable_certificate(root_client):
    certificate = CertificateFactory()
    page = root_client.get(
        reverse("admin:programs_enrollment_change", args=[certificate.enrollment_id])
    )
    url = reverse("programs:certificate-print", args=[certificate.pk])
    assert url in page.content.decode()
    printed = root_client.get(url)
    assert printed.status_code == HTTPStatus.OK
    assert certificate.enrollment.student.full_name in printed.content.decode()


def test_a_viewer_is_not_offered_the_issue_action(client, viewer):
    from .factories import EnrollmentFactory

    done = EnrollmentFactory(status="completed", completed_on=datetime.date(2026, 11, 20))
    client.force_login(viewer)
    page = client.get(reverse("admin:programs_enrollment_changelist"))
    form = page.context["action_form"]
    actions = [] if form is None else [name for name, _ in form.fields["action"].choices]
    assert "issue_certificates" not in actions
    forged = client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "issue_certificates", "confirm": "yes", ACTION_CHECKBOX_NAME: [done.pk]},
    )
    assert forged.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, HTTPStatus.OK)
    assert not Certificate.objects.exists()

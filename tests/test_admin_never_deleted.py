"""Nothing a funder audits disappears from the admin: enrollments change status, students are
erased. A superuser cannot delete either, by the delete page or by the bulk action."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from programs.models import Enrollment, Student

from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", ["enrollment", "student"])
def test_a_superuser_confirming_the_delete_page_deletes_nothing(root_client, model):
    enrollment = EnrollmentFactory()
    row = enrollment if model == "enrollment" else enrollment.student
    url = reverse(f"admin:programs_{model}_delete", args=[row.pk])

    assert root_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert root_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN

    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert Student.objects.filter(pk=enrollment.student.pk).exists()


@pytest.mark.parametrize("model", ["enrollment", "student"])
def test_the_bulk_delete_action_is_not_offered_and_a_forged_one_deletes_nothing(root_client, model):
    enrollment = EnrollmentFactory()
    row = enrollment if model == "enrollment" else enrollment.student
    url = reverse(f"admin:programs_{model}_changelist")

    page = root_client.get(url)
    actions = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions

    root_client.post(
        url, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [row.pk], "post": "yes"}
    )
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert Student.objects.filter(pk=enrollment.student.pk).exists()


@pytest.mark.parametrize("model", ["enrollment", "student"])
def test_the_change_page_shows_no_delete_link(root_client, model):
    enrollment = EnrollmentFactory()
    row = enrollment if model == "enrollment" else enrollment.student
    page = root_client.get(reverse(f"admin:programs_{model}_change", args=[row.pk]))
    assert page.status_code == HTTPStatus.OK
    assert b'class="deletelink"' not in page.content

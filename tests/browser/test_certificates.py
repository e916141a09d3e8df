"""Certificates in Chromium: a manager selects a completed enrollment, runs "Issue
certificates", confirms, opens the printable certificate from the enrollment page; the
student prints hers from "My applications"; anyone checks it on its public page."""

import pytest
from django.contrib.auth.models import Group

from programs.models import Certificate, Enrollment

from ..factories import EnrollmentFactory, StudentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_issues_a_certificate_the_student_prints_it_anyone_checks_it(
    new_page, staff_roles, september_intake
):
    account = UserFactory(username="nadine")
    enrollment = EnrollmentFactory(
        intake=september_intake,
        student=StudentFactory(first_name="Nadine", last_name="Umutoni", user=account),
        status=Enrollment.Status.COMPLETED,
        completed_on="2026-11-20",
    )
    manager = UserFactory(username="marie", is_staff=True)
    manager.groups.add(Group.objects.get(name="Programme managers"))
    page = new_page(user=manager)

    page.goto("/admin/programs/enrollment/")
    page.locator(f"input[name=_selected_action][value='{enrollment.pk}']").check()
    page.get_by_label("Action:").select_option(label="Issue certificates (completed enrollments)")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("1 completed enrollment will get a certificate").wait_for()
    page.get_by_role("button", name="Yes, issue 1 certificate").click()
    page.get_by_text("1 certificate issued.").wait_for()
    certificate = Certificate.objects.get(enrollment=enrollment)

    page.goto(f"/admin/programs/enrollment/{enrollment.pk}/change/")
    page.get_by_role("link", name="Printable certificate").click()
    page.get_by_role("heading", name="Certificate of completion").wait_for()
    assert page.get_by_text("Nadine Umutoni").is_visible()
    assert page.get_by_text(certificate.code).is_visible()

    student = new_page(user=account)
    student.goto("/my-applications/")
    student.get_by_role("link", name="Print my certificate").click()
    student.get_by_role("heading", name="Certificate of completion").wait_for()

    public = new_page()
    public.goto(f"/certificates/{certificate.code}/")
    public.get_by_text("This certificate is genuine.").wait_for()
    assert public.get_by_text("Nadine Umutoni").is_visible()
    assert page.problems == student.problems == public.problems == []

"""The certificate buttons test_certificates.py does not press: "No, take me back" on the
"Issue certificates" page (and that page for a mix of enrollments, or for none that can get
one), the printable certificate's "Back", and revoking one from its admin page (a day before it
was issued is refused; "Today" and "Save" revoke it, and every page then says so)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from programs import services
from programs.models import Certificate, Enrollment

from ..factories import EnrollmentFactory, StudentFactory, UserFactory
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Enrollment.Status


@pytest.fixture
def manager(staff_roles):
    user = UserFactory(username="marie", is_staff=True)
    user.groups.add(Group.objects.get(name="Programme managers"))
    return user


def completed(intake, first: str, last: str, **kwargs) -> Enrollment:
    return EnrollmentFactory.create(
        intake=intake,
        student=StudentFactory(first_name=first, last_name=last, **kwargs),
        status=Status.COMPLETED,
        completed_on="2026-11-20",
    )


def run_issue_action(page, *enrollments: Enrollment) -> None:
    page.goto("/admin/programs/enrollment/")
    for enrollment in enrollments:
        page.locator(f"input[name=_selected_action][value='{enrollment.pk}']").check()
    page.get_by_label("Action:").select_option(label="Issue certificates (completed enrollments)")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("heading", name="Issue certificates?").wait_for()


def test_the_issue_page_names_each_case_and_take_me_back_issues_nothing(
    new_page, manager, september_intake
):
    new = completed(september_intake, "Nadine", "Umutoni")
    had = completed(september_intake, "Eric", "Habimana")
    first = services.certificate_issue(enrollment=had)
    applied = EnrollmentFactory(
        intake=september_intake,
        student=StudentFactory(first_name="Jean", last_name="Mugisha"),
        status=Status.APPLIED,
    )
    page = new_page(user=manager)

    run_issue_action(page, new, had, applied)
    expect(page.get_by_text("1 completed enrollment will get a certificate")).to_be_visible()
    expect(page.get_by_role("cell", name="Nadine Umutoni")).to_be_visible()
    expect(page.get_by_text("1 already has one (left as it is): Eric Habimana.")).to_be_visible()
    expect(page.get_by_text("1 is not completed (no certificate): Jean Mugisha.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="No, take me back").click()
    page.get_by_role("button", name="Go").wait_for()
    assert page.url.endswith("/admin/programs/enrollment/")
    assert list(Certificate.objects.values_list("pk", flat=True)) == [first.pk]

    run_issue_action(page, new, had, applied)
    page.get_by_role("button", name="Yes, issue 1 certificate").click()
    expect(page.get_by_text("1 certificate issued.")).to_be_visible()
    assert Certificate.objects.count() == 2
    assert Certificate.objects.get(enrollment=had).code == first.code  # not replaced

    # Now none of the three can get a new one: the page offers no "Yes", only the way back.
    run_issue_action(page, new, had)
    expect(page.get_by_text("None of the selected enrollments can get a new")).to_be_visible()
    expect(page.get_by_role("button", name="Yes", exact=False)).to_have_count(0)
    page.get_by_role("link", name="No, take me back").click()
    page.get_by_role("button", name="Go").wait_for()
    assert Certificate.objects.count() == 2
    assert page.problems == []


def test_after_yes_the_not_completed_enrollment_is_still_named(new_page, manager, september_intake):
    new = completed(september_intake, "Nadine", "Umutoni")
    applied = EnrollmentFactory(intake=september_intake, status=Status.APPLIED)
    page = new_page(user=manager)
    run_issue_action(page, new, applied)
    page.get_by_role("button", name="Yes, issue 1 certificate").click()
    page.get_by_text("1 certificate issued.").wait_for()
    expect(page.get_by_text("1 enrollment is not completed: no certificate.")).to_be_visible(
        timeout=1_000
    )


def test_a_manager_revokes_a_certificate_and_every_page_says_so(
    new_page, manager, september_intake
):
    account = UserFactory(username="nadine")
    enrollment = completed(september_intake, "Nadine", "Umutoni", user=account)
    certificate = services.certificate_issue(enrollment=enrollment)

    # The student prints hers, then presses "Back".
    student = new_page(user=account)
    student.goto("/my-applications/")
    student.get_by_role("link", name="Print my certificate").click()
    student.get_by_role("heading", name="Certificate of completion").wait_for()
    student.get_by_role("link", name="Back").click()
    student.get_by_role("link", name="Print my certificate").wait_for()
    assert student.url.endswith("/my-applications/")

    page = new_page(user=manager)
    page.goto("/admin/programs/certificate/")
    page.get_by_role("link", name=f"{certificate.code[:8]}…").click()
    revoked_on = page.get_by_label("Revoked on")
    page.get_by_role("link", name="Today").click()
    expect(revoked_on).to_have_value(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    certificate.refresh_from_db()
    assert certificate.revoked_on == timezone.localdate()

    page.goto(f"/admin/programs/enrollment/{enrollment.pk}/change/")
    page.get_by_role("link", name="Certificate (revoked)").click()
    page.get_by_text("Revoked on").wait_for()
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Certificate (revoked)").wait_for()

    public = new_page()
    public.goto(f"/certificates/{certificate.code}/")
    public.get_by_role("heading", name="Certificate revoked").wait_for()
    expect(public.locator("main")).not_to_contain_text("Umutoni")
    student.reload()
    expect(student.get_by_role("link", name="Print my certificate")).to_have_count(0)
    assert page.problems == student.problems == public.problems == []


def test_a_revocation_before_the_issue_day_is_refused_with_a_message(
    new_page, manager, september_intake
):
    certificate = services.certificate_issue(
        enrollment=completed(september_intake, "Nadine", "Umutoni")
    )
    page = new_page(user=manager)
    page.goto(f"/admin/programs/certificate/{certificate.pk}/change/")
    the_day_before = certificate.issued_on - datetime.timedelta(days=1)
    page.get_by_label("Revoked on").fill(the_day_before.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    try:
        expect(page.get_by_text("revoked on or after the day it was")).to_be_visible(timeout=2_000)
    finally:
        certificate.refresh_from_db()
        assert certificate.revoked_on is None  # refused or 500, nothing is saved

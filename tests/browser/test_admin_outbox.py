"""The email queue in Chromium: a manager requeues a failed email with the list's action."""

import pytest
from django.contrib.auth.models import Group
from post_office.models import STATUS, Email

from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_requeues_a_failed_email(new_page, staff_roles):
    manager = UserFactory(username="queue-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Programme managers"))
    failed = Email.objects.create(
        from_email="admissions@example.org",
        to=["aline@example.org"],
        subject="Your application",
        message="Thank you for applying.",
        status=STATUS.failed,
        number_of_retries=6,
    )
    sent = Email.objects.create(
        from_email="admissions@example.org",
        to=["eric@example.org"],
        subject="Your offer",
        message="We offer you a place.",
        status=STATUS.sent,
    )
    page = new_page(user=manager)
    page.goto("/admin/post_office/email/")
    page.locator(f"input[name=_selected_action][value='{failed.pk}']").check()
    page.locator(f"input[name=_selected_action][value='{sent.pk}']").check()
    page.get_by_label("Action:").select_option(label="Requeue the selected emails")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("1 email is back in the queue.").wait_for()
    page.get_by_text("Emails already sent were left alone: 1.").wait_for()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.number_of_retries) == (STATUS.requeued, 0)
    assert sent.status == STATUS.sent
    assert page.problems == []

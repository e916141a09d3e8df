"""A cohort in Chromium: a student accepts an offer (or declines one) on My applications;
staff open a term, promote it from the term list, record a bulk withdrawal with its reason,
and read the retention figure on the intake's dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from programs.models import Enrollment, TermRecord

from ..cohort import make_terms, record
from ..factories import EnrollmentFactory, StaffFactory, StudentFactory, UserFactory

Status = Enrollment.Status
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _offer(catalogue, username: str) -> Enrollment:
    student = StudentFactory(first_name="Aline", user=UserFactory(username=username))
    return EnrollmentFactory.create(
        student=student,
        intake=catalogue["september"],
        status=Status.OFFERED,
        offer_expires_on=timezone.localdate() + datetime.timedelta(days=7),
    )


def test_a_student_accepts_an_offer(new_page, catalogue):
    offer = _offer(catalogue, "aline")
    page = new_page(user=offer.student.user)
    page.goto("/my-applications/")
    page.get_by_text("Answer this offer by").wait_for()
    page.get_by_role("link", name="Accept the offer").click()
    page.get_by_role("button", name="Yes, accept the offer").click()
    page.get_by_text("You accepted the offer.").wait_for()
    assert Enrollment.objects.get(pk=offer.pk).status == Status.ENROLLED
    assert page.problems == []


def test_a_student_declines_an_offer(new_page, catalogue):
    offer = _offer(catalogue, "eric")
    page = new_page(user=offer.student.user)
    page.goto("/my-applications/")
    page.get_by_role("link", name="Decline the offer").click()
    page.get_by_role("button", name="Yes, decline the offer").click()
    page.get_by_text("You declined the offer.").wait_for()
    offer.refresh_from_db()
    assert (offer.status, offer.exit_reason) == (Status.WITHDRAWN, "declined_offer")
    assert page.problems == []


def _manager():
    # A transactional test's flush leaves no groups behind: a superuser stands in for staff.
    return StaffFactory(username="cohort-staff")


def test_staff_promote_a_term_and_read_the_retention(new_page, catalogue):
    intake = catalogue["september"]
    terms = make_terms(intake, years=1)
    enrolled = EnrollmentFactory.create_batch(4, intake=intake, status=Status.ENROLLED)
    page = new_page(user=_manager())

    page.goto(f"/admin/programs/term/?intake__id__exact={intake.pk}")
    page.locator(f"input[name=_selected_action][value='{terms[0].pk}']").check()
    page.get_by_label("Action:").select_option(label="Open a record for every enrolled student")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("4 records opened for enrolled students.").wait_for()

    TermRecord.objects.filter(term=terms[0]).update(result=TermRecord.Result.PASSED)
    page.locator(f"input[name=_selected_action][value='{terms[0].pk}']").check()
    page.get_by_label("Action:").select_option(label="Promote to the next term")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("4 promoted, 0 repeating, 0 finished the programme.").wait_for()
    assert TermRecord.objects.filter(term=terms[1]).count() == 4

    # One leaves, with the reason and date in the action bar.
    page.goto(f"/admin/programs/enrollment/?intake__id__exact={intake.pk}")
    page.locator(f"input[name=_selected_action][value='{enrolled[0].pk}']").check()
    page.get_by_label("Action:").select_option(label="Record a withdrawal")
    page.get_by_label("Exit reason").select_option(label="Financial")
    page.get_by_label("Exit date").fill(terms[1].start_date.isoformat())
    page.get_by_role("button", name="Go").click()
    page.get_by_text("1 enrollment changed to Withdrawn.").wait_for()

    page.goto(f"/staff/intakes/{intake.pk}/")
    assert page.locator("[data-figure=retention]").inner_text() == "75.0 %"
    assert page.problems == []


def test_staff_edit_standing_and_result_in_the_records_list(new_page, catalogue):
    intake = catalogue["september"]
    terms = make_terms(intake, years=1)
    (enrollment,) = EnrollmentFactory.create_batch(1, intake=intake, status=Status.ENROLLED)
    kept = record(enrollment, terms[0])
    page = new_page(user=_manager())
    page.goto(f"/admin/programs/termrecord/?term__id__exact={terms[0].pk}")
    page.locator("select[name='form-0-standing']").select_option("probation")
    page.locator("select[name='form-0-result']").select_option("passed")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("was changed successfully").wait_for()
    kept.refresh_from_db()
    assert (kept.standing, kept.result) == ("probation", "passed")
    assert page.problems == []

"""The home's "Recent actions" shows what staff did through the services, not only their edits:
a bulk status change (tests/test_staff_home.py), an offer from the waitlist, an intake's
disbursements scheduled, payments approved, paid and cancelled, a term opened and promoted. Each
is one LogEntry per object changed, by the person who did it, with what was done."""

from __future__ import annotations

import html

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from programs.models import Disbursement, Enrollment, TermRecord

from .cohort import make_terms, record
from .factories import EnrollmentFactory
from .money import cost_and_split, costed_intake

pytestmark = pytest.mark.django_db

Status = Enrollment.Status
Result = TermRecord.Result
HOME = "/admin/"
DISBURSEMENTS = reverse("admin:programs_disbursement_changelist")
TERMS = reverse("admin:programs_term_changelist")


def _recent_actions(client) -> str:
    page = client.get(HOME).content.decode()
    start = page.index('id="recent-actions-module"')
    return html.unescape(page[start : page.index("</ul>", start)])


def _logged(user, obj) -> list[str]:
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            action_flag=CHANGE,
        ).order_by("pk")
    ]


def test_finance_work_shows_in_recent_actions(finance_client, september_intake, joint_scholarship):
    cost_and_split(joint_scholarship, "1000.00", "33.33", "66.67")
    costed_intake(september_intake, joint_scholarship, students=1, years=1)
    user = finance_client.user
    schedule = reverse("admin:programs_disbursement_schedule")
    finance_client.post(schedule, {"intake": september_intake.pk, "confirm": "yes"})
    made = Disbursement.objects.count()
    assert made > 2
    assert _logged(user, september_intake) == [f"Scheduled {made} disbursements."]

    first, second, third = Disbursement.objects.order_by("pk")[:3]

    def act(action: str, rows, **extra) -> None:
        data = {"action": action, "_selected_action": [row.pk for row in rows], **extra}
        finance_client.post(DISBURSEMENTS, {**data, "confirm": "yes"})

    act("approve", [first, second])
    act("mark_paid", [first], paid_on="2027-09-05", reference="BK-77")
    act("cancel", [third], reason="Left before the term")
    act("approve", [first])  # refused (already paid): nothing logged for it
    assert _logged(user, first) == [
        "Approved for payment.",
        "Marked paid on 2027-09-05, reference BK-77.",
    ]
    assert _logged(user, second) == ["Approved for payment."]
    assert _logged(user, third) == ["Cancelled: Left before the term"]

    recent = _recent_actions(finance_client)
    assert "Cancelled: Left before the term" in recent
    assert "Marked paid on 2027-09-05, reference BK-77." in recent
    assert f"Scheduled {made} disbursements." in recent
    assert str(september_intake) in recent


def test_an_offer_from_the_waitlist_shows_in_recent_actions(client, manager, september_intake):
    waiting = EnrollmentFactory(
        intake=september_intake, status=Status.WAITLISTED, waitlist_position=1
    )
    client.force_login(manager)
    client.post(reverse("admin:programs_intake_offer_next", args=[september_intake.pk]))
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    assert _logged(manager, waiting) == ["Offered a place from the waitlist."]
    assert "Offered a place from the waitlist." in _recent_actions(client)


def test_opening_and_promoting_a_term_show_in_recent_actions(
    client, manager, september_intake, fill
):
    terms = make_terms(september_intake, years=1)
    passed, repeating = fill(september_intake, 2)
    client.force_login(manager)
    client.post(TERMS, {"action": "start_term", "_selected_action": [terms[0].pk]})
    terms[0].records.filter(enrollment=passed).update(result=Result.PASSED)
    terms[0].records.filter(enrollment=repeating).update(result=Result.REPEAT)
    client.post(TERMS, {"action": "promote_to_next_term", "_selected_action": [terms[0].pk]})
    assert _logged(manager, terms[0]) == [
        "Opened 2 records for enrolled students.",
        f"Promoted to {terms[1].name}: 1 promoted, 1 repeating, 0 finished the programme.",
    ]
    assert "1 promoted, 1 repeating" in _recent_actions(client)


def test_an_action_that_changes_nothing_logs_nothing(client, manager, september_intake, fill):
    terms = make_terms(september_intake, years=1)
    (student,) = fill(september_intake, 1)
    record(student, terms[0])  # in progress: promotion is refused
    client.force_login(manager)
    client.post(TERMS, {"action": "promote_to_next_term", "_selected_action": [terms[0].pk]})
    client.post(TERMS, {"action": "promote_to_next_term", "_selected_action": [terms[-1].pk]})
    assert not LogEntry.objects.exists()

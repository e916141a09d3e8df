"""Every write that a rule depends on goes through here: keyword-only functions named
`<thing>_<action>`, each in a transaction that locks the intake first (services/base.py).
A refused write raises ValidationError, whose message names the rule and the numbers, and
changes nothing. One module per topic; everything public is importable from here."""

from __future__ import annotations

from .base import (
    funded_places_message,
    seats_message,
)
from .certificates import certificate_issue
from .cohort import (
    PromotionResult,
    cohort_promote,
    enrollment_complete,
    enrollment_exit,
    next_term,
    term_start,
)
from .enrollments import (
    BulkResult,
    enrollment_bulk_set_status,
    enrollment_check,
    enrollment_create,
    enrollment_save,
    enrollment_set_status,
    enrollment_update,
    enrollment_validate,
)
from .funding import (
    funding_share_check,
    funding_source_set_shares,
    shares_validate,
)
from .intakes import (
    intake_capacity_check,
    intake_capacity_validate,
    intake_check,
    intake_funding_check,
    intake_funding_delete,
    intake_funding_set,
    intake_places_check,
    intake_places_validate,
    intake_plan_validate,
    intake_save,
)
from .lifecycle import withdrawal_message
from .money import (
    disbursement_adjust,
    disbursement_approve,
    disbursement_cancel,
    disbursement_mark_paid,
    disbursements_cancel_after,
    disbursements_plan,
    disbursements_schedule,
    split_cents,
)
from .offers import ExpiryResult, offer_respond, offers_expire
from .organisations import organisation_find, organisation_find_or_create
from .outcomes import outcome_record
from .statements import StatementsResult, previous_month, statements_send
from .students import (
    student_find_by_email,
    student_get_or_create,
)
from .waitlist import (
    FreedPlace,
    waitlist_next,
    waitlist_offer_next,
    waitlist_openings,
)

__all__ = [
    "BulkResult",
    "ExpiryResult",
    "FreedPlace",
    "PromotionResult",
    "StatementsResult",
    "certificate_issue",
    "cohort_promote",
    "disbursement_adjust",
    "disbursement_approve",
    "disbursement_cancel",
    "disbursement_mark_paid",
    "disbursements_cancel_after",
    "disbursements_plan",
    "disbursements_schedule",
    "enrollment_bulk_set_status",
    "enrollment_check",
    "enrollment_complete",
    "enrollment_create",
    "enrollment_exit",
    "enrollment_save",
    "enrollment_set_status",
    "enrollment_update",
    "enrollment_validate",
    "funded_places_message",
    "funding_share_check",
    "funding_source_set_shares",
    "intake_capacity_check",
    "intake_capacity_validate",
    "intake_check",
    "intake_funding_check",
    "intake_funding_delete",
    "intake_funding_set",
    "intake_places_check",
    "intake_places_validate",
    "intake_plan_validate",
    "intake_save",
    "next_term",
    "offer_respond",
    "offers_expire",
    "organisation_find",
    "organisation_find_or_create",
    "outcome_record",
    "previous_month",
    "seats_message",
    "shares_validate",
    "split_cents",
    "statements_send",
    "student_find_by_email",
    "student_get_or_create",
    "term_start",
    "waitlist_next",
    "waitlist_offer_next",
    "waitlist_openings",
    "withdrawal_message",
]

"""Every write that a rule depends on goes through here.

Each function runs in a transaction that first locks the intake row (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the IMMEDIATE transaction mode takes the database write lock when the
transaction begins). Counting happens after the lock, so two staff members saving at the same
moment queue up and the second one sees the first one's seat. A refused write raises
ValidationError, whose message names the rule and the numbers, and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Enrollment,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Partner,
    Student,
)
from .selectors import occupancy

Status = Enrollment.Status


# --- locking and counting ------------------------------------------------------------------


def _lock_intakes(*intake_ids: int | None) -> dict[int, Intake]:
    """Lock the given intake rows, always in primary-key order so two writers cannot deadlock."""
    ids = sorted({pk for pk in intake_ids if pk is not None})
    intakes = Intake.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {intake.pk: intake for intake in intakes}


_seats_taken = occupancy.seats_taken
_funded_taken = occupancy.funded_taken


def seats_message(*, taken: int, capacity: int) -> str:
    return _("This intake is full: %(taken)d of %(capacity)d seats are taken.") % {
        "taken": taken,
        "capacity": capacity,
    }


def funded_places_message(*, source: FundingSource, taken: int, places: int) -> str:
    return _(
        "No funded place from %(source)s is left in this intake: "
        "%(taken)d of %(places)d funded places are taken."
    ) % {"source": source.name, "taken": taken, "places": places}


# --- enrollments ---------------------------------------------------------------------------


def enrollment_validate(
    *,
    intake: Intake,
    student: Student,
    status: str,
    funding_source: FundingSource | None,
    enrollment_pk: int | None = None,
) -> None:
    """Check one enrollment against the rules. Call it with the intake row locked.

    Raises ValidationError keyed by the field at fault.
    """
    errors: dict[str, list[str]] = {}
    duplicate = (
        Enrollment.objects.filter(student=student, intake=intake).exclude(pk=enrollment_pk).first()
    )
    if duplicate is not None:
        errors.setdefault("student", []).append(
            _(
                "%(student)s is already enrolled in this intake (status: %(status)s). "
                "A student can be enrolled only once in the same intake."
            )
            % {"student": student.full_name, "status": duplicate.get_status_display()}
        )

    places = None
    if funding_source is not None:
        places = (
            IntakeFunding.objects.filter(intake=intake, funding_source=funding_source)
            .values_list("places", flat=True)
            .first()
        )
        if places is None:
            errors.setdefault("funding_source", []).append(
                _(
                    "%(source)s has no funded places in this intake. Add it to the intake's "
                    "funding first, or choose another funding source."
                )
                % {"source": funding_source.name}
            )

    if status in Enrollment.SEAT_HOLDING:
        taken = _seats_taken(intake.pk, exclude_pk=enrollment_pk)
        if taken + 1 > intake.capacity:
            errors.setdefault("status", []).append(
                seats_message(taken=taken, capacity=intake.capacity)
            )
        if places is not None:
            funded = _funded_taken(intake.pk, funding_source.pk, exclude_pk=enrollment_pk)
            if funded + 1 > places:
                errors.setdefault("funding_source", []).append(
                    funded_places_message(source=funding_source, taken=funded, places=places)
                )
    if errors:
        raise ValidationError(errors)


def enrollment_check(*, enrollment: Enrollment) -> None:
    """Lock the intake(s) concerned and validate an unsaved enrollment state.

    Used by forms inside the request's transaction, so the lock is held until the save.
    """
    with transaction.atomic():
        old_intake_id = None
        if enrollment.pk:
            old_intake_id = (
                Enrollment.objects.filter(pk=enrollment.pk)
                .values_list("intake_id", flat=True)
                .first()
            )
        locked = _lock_intakes(enrollment.intake_id, old_intake_id)
        intake = locked.get(enrollment.intake_id)
        if intake is None:
            raise ValidationError({"intake": _("Choose an intake.")})
        enrollment_validate(
            intake=intake,
            student=enrollment.student,
            status=enrollment.status,
            funding_source=enrollment.funding_source,
            enrollment_pk=enrollment.pk,
        )


def enrollment_save(
    *, enrollment: Enrollment, by=None, reason: str = "", validated: bool = False
) -> Enrollment:
    """Create or update an enrollment as given, after checking every rule under the lock."""
    with transaction.atomic():
        previous = None
        if enrollment.pk:
            previous = (
                Enrollment.objects.filter(pk=enrollment.pk).values("status", "intake_id").first()
            )
        locked = _lock_intakes(enrollment.intake_id, previous and previous["intake_id"])
        enrollment_validate(
            intake=locked[enrollment.intake_id],
            student=enrollment.student,
            status=enrollment.status,
            funding_source=enrollment.funding_source,
            enrollment_pk=enrollment.pk,
        )
        status_changed = previous is None or previous["status"] != enrollment.status
        if status_changed:
            enrollment.status_changed_at = timezone.now()
        if enrollment.status != Status.WAITLISTED:
            enrollment.waitlist_position = None
        elif enrollment.waitlist_position is None:
            enrollment.waitlist_position = _next_waitlist_position(enrollment.intake_id)
        enrollment.full_clean(validate_constraints=False)
        _record_history(enrollment, by=by, reason=reason)
        enrollment.save()
        if status_changed:
            # The confirmation or decision email goes out once the change is committed.
            from . import emails

            emails.notify_status_change(enrollment=enrollment, is_new=previous is None)
    return enrollment


def _record_history(instance, *, by, reason: str) -> None:
    # django-simple-history reads these two attributes when it writes the history row.
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance._change_reason = reason.strip() or None


def _next_waitlist_position(intake_id: int) -> int:
    last = (
        Enrollment.objects.filter(intake_id=intake_id, status=Status.WAITLISTED)
        .exclude(waitlist_position=None)
        .order_by("-waitlist_position")
        .values_list("waitlist_position", flat=True)
        .first()
    )
    return (last or 0) + 1


def enrollment_create(
    *,
    student: Student,
    intake: Intake,
    status: str = Status.APPLIED,
    funding_source: FundingSource | None = None,
    waitlist_position: int | None = None,
    notes: str = "",
    by=None,
    reason: str = "",
) -> Enrollment:
    enrollment = Enrollment(
        student=student,
        intake=intake,
        status=status,
        funding_source=funding_source,
        waitlist_position=waitlist_position,
        notes=notes,
    )
    return enrollment_save(enrollment=enrollment, by=by, reason=reason)


_UNSET = object()


def enrollment_update(
    *,
    enrollment: Enrollment,
    status=_UNSET,
    funding_source=_UNSET,
    intake=_UNSET,
    waitlist_position=_UNSET,
    notes=_UNSET,
    by=None,
    reason: str = "",
) -> Enrollment:
    """Change an enrollment. A refusal leaves the enrollment object as it was."""
    changes = {
        "status": status,
        "funding_source": funding_source,
        "intake": intake,
        "waitlist_position": waitlist_position,
        "notes": notes,
    }
    changes = {name: value for name, value in changes.items() if value is not _UNSET}
    before = {name: getattr(enrollment, name) for name in changes}
    for name, value in changes.items():
        setattr(enrollment, name, value)
    try:
        return enrollment_save(enrollment=enrollment, by=by, reason=reason)
    except ValidationError:
        for name, value in before.items():
            setattr(enrollment, name, value)
        raise


def enrollment_set_status(
    *,
    enrollment: Enrollment,
    status: str,
    by=None,
    reason: str = "",
    funding_source=_UNSET,
) -> Enrollment:
    return enrollment_update(
        enrollment=enrollment, status=status, funding_source=funding_source, by=by, reason=reason
    )


@dataclass
class BulkResult:
    changed: list[Enrollment] = field(default_factory=list)
    unchanged: list[Enrollment] = field(default_factory=list)
    refused: list[tuple[Enrollment, str]] = field(default_factory=list)


def enrollment_bulk_set_status(
    *, enrollments: Iterable[Enrollment], status: str, by=None, reason: str = ""
) -> BulkResult:
    """Apply a status to each enrollment in its own transaction; refusals do not stop the rest.

    Enrollments are processed oldest first, so when seats run out the earliest applicants win.
    """
    result = BulkResult()
    for enrollment in sorted(enrollments, key=lambda e: (e.created_at, e.pk)):
        if enrollment.status == status:
            result.unchanged.append(enrollment)
            continue
        try:
            enrollment_set_status(enrollment=enrollment, status=status, by=by, reason=reason)
        except ValidationError as error:
            result.refused.append((enrollment, " ".join(error.messages)))
        else:
            result.changed.append(enrollment)
    return result


# --- intakes and their funded places -------------------------------------------------------


def intake_capacity_validate(*, intake: Intake) -> None:
    """Rule 1 for a new capacity (saved or not): the seats already taken still fit.

    Raises ValidationError keyed by "capacity". Call with the intake locked.
    """
    if not intake.pk or intake.capacity is None:
        return
    taken = _seats_taken(intake.pk)
    if taken > intake.capacity:
        raise ValidationError(
            {
                "capacity": _(
                    "This intake has %(capacity)d seats, but %(taken)d would be taken by offers, "
                    "enrollments and completions."
                )
                % {"capacity": intake.capacity, "taken": taken}
            }
        )


def intake_places_validate(*, intake: Intake, places: dict[int, int]) -> None:
    """Rules 2-3 for an intake's funded places as they would be: `places` maps funding source
    id to places. They fit in the seats, every source in use here keeps places, and no source
    has fewer places than its seat-holding enrollments. Call with the intake locked.
    """
    errors: list[str] = []
    total_places = sum(places.values())
    if intake.capacity is not None and total_places > intake.capacity:
        errors.append(
            _(
                "The funded places would add up to %(places)d, more than the intake's "
                "%(capacity)d seats."
            )
            % {"places": total_places, "capacity": intake.capacity}
        )
    held: Counter = Counter()
    in_use: set[int] = set()
    if intake.pk:
        rows = (
            Enrollment.objects.filter(intake=intake, funding_source__isnull=False)
            .values("funding_source_id")
            .annotate(held=Count("pk", filter=Q(status__in=Enrollment.SEAT_HOLDING)))
            .order_by()
        )
        for row in rows:
            in_use.add(row["funding_source_id"])
            held[row["funding_source_id"]] = row["held"]
    names = dict(
        FundingSource.objects.filter(pk__in=set(places) | in_use).values_list("pk", "name")
    )
    for source_id in sorted(in_use - set(places)):
        errors.append(
            _(
                "%(source)s has no funded places in this intake, but enrollments here use it. "
                "Keep its funding or change those enrollments first."
            )
            % {"source": names[source_id]}
        )
    for source_id, source_places in sorted(places.items()):
        if held[source_id] > source_places:
            errors.append(
                _(
                    "%(source)s pays for %(places)d places in this intake, but %(taken)d "
                    "enrollments would hold one."
                )
                % {
                    "source": names.get(source_id, source_id),
                    "places": source_places,
                    "taken": held[source_id],
                }
            )
    if errors:
        raise ValidationError(errors)


def _places_in(intake_id: int, *, without_pk: int | None = None) -> dict[int, int]:
    rows = IntakeFunding.objects.filter(intake_id=intake_id).exclude(pk=without_pk)
    return dict(rows.values_list("funding_source", "places"))


def intake_plan_validate(*, intake: Intake, places: dict[int, int] | None = None) -> None:
    """The whole intake: its capacity and its funded places (None: as in the database).

    Raises one ValidationError: capacity messages under "capacity", the rest not keyed.
    """
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: intake_capacity_validate(intake=intake),
        lambda: intake_places_validate(
            intake=intake,
            places=places if places is not None else (_places_in(intake.pk) if intake.pk else {}),
        ),
    ):
        try:
            check()
        except ValidationError as error:
            for key, messages in error.update_error_dict({}).items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def intake_capacity_check(*, intake: Intake) -> None:
    """Lock the intake and check its new capacity against the seats taken."""
    with transaction.atomic():
        if intake.pk:
            _lock_intakes(intake.pk)
        intake_capacity_validate(intake=intake)


def intake_places_check(*, intake: Intake, places: dict[int, int]) -> None:
    """Lock the intake and check the funded places planned for it (the intake page's inline)."""
    with transaction.atomic():
        if intake.pk:
            _lock_intakes(intake.pk)
        intake_places_validate(intake=intake, places=places)


def intake_check(*, intake: Intake) -> None:
    """Validate an intake's new capacity (saved or not) against its enrollments and funding."""
    with transaction.atomic():
        if intake.pk:
            _lock_intakes(intake.pk)
        intake_plan_validate(intake=intake)


def intake_save(*, intake: Intake, by=None, reason: str = "") -> Intake:
    with transaction.atomic():
        if intake.pk:
            _lock_intakes(intake.pk)
        intake.full_clean()
        intake_plan_validate(intake=intake)
        _record_history(intake, by=by, reason=reason)
        intake.save()
    return intake


def intake_funding_set(
    *, intake: Intake, funding_source: FundingSource, places: int, by=None, reason: str = ""
) -> IntakeFunding:
    """Give a funding source `places` funded places in an intake (create or change)."""
    with transaction.atomic():
        intake = _lock_intakes(intake.pk)[intake.pk]
        current = _places_in(intake.pk)
        current[funding_source.pk] = places
        intake_plan_validate(intake=intake, places=current)
        funding = IntakeFunding.objects.filter(intake=intake, funding_source=funding_source).first()
        if funding is None:
            funding = IntakeFunding(intake=intake, funding_source=funding_source)
        funding.places = places
        funding.full_clean(validate_constraints=False)
        _record_history(funding, by=by, reason=reason)
        funding.save()
    return funding


def intake_funding_check(*, funding: IntakeFunding, delete: bool = False) -> None:
    """Validate one IntakeFunding row as the admin would save (or delete) it.

    Both places are checked under their locks: the intake (and source) the row leaves, which
    loses its places, and the intake it joins.
    """
    with transaction.atomic():
        saved = (
            IntakeFunding.objects.filter(pk=funding.pk).values("intake_id", "funding_source_id")
        ).first()
        left = saved["intake_id"] if saved else None
        intakes = _lock_intakes(funding.intake_id, left)
        if saved is not None and (delete or left != funding.intake_id):
            intake_places_validate(
                intake=intakes[left], places=_places_in(left, without_pk=funding.pk)
            )
        if delete:
            return
        current = _places_in(funding.intake_id, without_pk=funding.pk)
        current[funding.funding_source_id] = funding.places
        intake_plan_validate(intake=intakes[funding.intake_id], places=current)


def intake_funding_delete(*, funding: IntakeFunding) -> None:
    with transaction.atomic():
        intake_funding_check(funding=funding, delete=True)
        funding.delete()


# --- funding sources and co-funders --------------------------------------------------------


def shares_validate(shares: Iterable[tuple[Partner | int | None, Decimal | None]]) -> None:
    """Rule 5: where co-funder shares are given, every co-funder has one and they total 100%."""
    shares = list(shares)
    partners = [partner for partner, _share in shares]
    if len(partners) != len(set(partners)):
        raise ValidationError(_("A partner can be a co-funder of the same source only once."))
    given = [share for _partner, share in shares if share is not None]
    if not given:
        return
    if len(given) != len(shares):
        raise ValidationError(
            _(
                "Give a share for every co-funder, or for none: %(given)d of %(count)d "
                "co-funders have a share."
            )
            % {"given": len(given), "count": len(shares)}
        )
    total = sum(given, Decimal("0"))
    if total != Decimal("100"):
        raise ValidationError(
            _("Co-funder shares must add up to 100%%; these add up to %(total)s%%.")
            % {"total": f"{total.normalize():f}"}
        )


def funding_source_set_shares(
    *,
    funding_source: FundingSource,
    shares: Iterable[tuple[Partner, Decimal | None]],
    by=None,
    reason: str = "",
) -> list[FundingShare]:
    """Replace the co-funders of a funding source with `shares` (partner, percent or None)."""
    shares = list(shares)
    shares_validate(shares)
    with transaction.atomic():
        # Lock the source so two editors of its shares cannot interleave.
        FundingSource.objects.select_for_update().filter(pk=funding_source.pk).first()
        existing = {share.partner_id: share for share in funding_source.shares.all()}
        keep = []
        for partner, percent in shares:
            share = existing.pop(partner.pk, None) or FundingShare(
                funding_source=funding_source, partner=partner
            )
            share.share_percent = percent
            share.full_clean(validate_constraints=False)
            _record_history(share, by=by, reason=reason)
            share.save()
            keep.append(share)
        for share in existing.values():
            share.delete()
    return keep


def funding_share_check(*, share: FundingShare, delete: bool = False) -> None:
    """Validate one co-funder row against the others of its funding source.

    A row moved to another source (or deleted) also leaves its old source: that source's
    remaining shares must still add up, so both are checked, with both sources locked.
    """
    with transaction.atomic():
        left = (
            FundingShare.objects.filter(pk=share.pk)
            .values_list("funding_source_id", flat=True)
            .first()
        )
        ids = sorted({pk for pk in (left, share.funding_source_id) if pk is not None})
        list(FundingSource.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if left is not None and (delete or left != share.funding_source_id):
            remaining = FundingShare.objects.filter(funding_source_id=left).exclude(pk=share.pk)
            shares_validate([(other.partner_id, other.share_percent) for other in remaining])
        if delete:
            return
        others = FundingShare.objects.filter(funding_source_id=share.funding_source_id).exclude(
            pk=share.pk
        )
        shares = [(other.partner_id, other.share_percent) for other in others]
        shares.append((share.partner_id, share.share_percent))
        shares_validate(shares)


# --- students ------------------------------------------------------------------------------


def student_find_by_email(email: str) -> Student | None:
    return Student.objects.filter(email__iexact=email.strip()).first()


def student_get_or_create(*, email: str, **details) -> tuple[Student, bool]:
    """Find a student by email (whatever the capitals) or create one with `details`."""
    with transaction.atomic():
        student = student_find_by_email(email)
        if student is not None:
            return student, False
        student = Student(email=email.strip(), **details)
        student.full_clean()
        student.save()
        return student, True


def waitlist_next(*, intake: Intake, funding_source: FundingSource | None = None):
    """The next waitlisted enrollment eligible for a freed place.

    A freed funded place goes to the first waitlisted applicant who asked for that source or
    for no source in particular; a seat without funding, to the first who asked for none.
    """
    qs = Enrollment.objects.filter(intake=intake).waitlist_order().select_related("student")
    if funding_source is not None:
        qs = qs.filter(Q(funding_source=funding_source) | Q(funding_source__isnull=True))
    else:
        qs = qs.filter(funding_source__isnull=True)
    return qs.first()


@dataclass
class FreedPlace:
    """A seat (funding_source None) or a funded place that is free while someone waits."""

    funding_source: FundingSource | None
    free: int
    next_in_line: Enrollment


def waitlist_openings(*, intake: Intake) -> list[FreedPlace]:
    """Free seats and funded places of an intake that a waitlisted applicant could take.

    Seats reserved for funding sources are not offered without funding.
    """
    seats_free = intake.capacity - _seats_taken(intake.pk)
    if seats_free <= 0:
        return []
    openings = []
    fundings = list(IntakeFunding.objects.filter(intake=intake).select_related("funding_source"))
    for funding in fundings:
        free = min(funding.places - _funded_taken(intake.pk, funding.funding_source_id), seats_free)
        candidate = free > 0 and waitlist_next(intake=intake, funding_source=funding.funding_source)
        if candidate:
            openings.append(FreedPlace(funding.funding_source, free, candidate))
    unfunded_taken = occupancy.unfunded_taken(intake.pk)
    reserved = sum(funding.places for funding in fundings)
    free = min(seats_free, intake.capacity - reserved - unfunded_taken)
    candidate = free > 0 and waitlist_next(intake=intake)
    if candidate:
        openings.append(FreedPlace(None, free, candidate))
    return openings


def waitlist_offer_next(
    *, intake: Intake, funding_source: FundingSource | None = None, by=None, reason: str = ""
) -> Enrollment:
    """Offer the freed seat (or funded place) to the next eligible person on the waitlist.

    With a funding source, the offer carries that funded place. Raises ValidationError when
    nobody is eligible or the place is no longer free.
    """
    with transaction.atomic():
        intake = _lock_intakes(intake.pk)[intake.pk]
        candidate = waitlist_next(intake=intake, funding_source=funding_source)
        if candidate is None:
            raise ValidationError(_("Nobody on the waitlist of this intake can take this place."))
        changes = {"funding_source": funding_source} if funding_source is not None else {}
        return enrollment_update(
            enrollment=candidate,
            status=Status.OFFERED,
            by=by,
            reason=reason or _("Offered from the waitlist"),
            **changes,
        )

"""Funding sources and their co-funders' shares (rule 5)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    FundingShare,
    FundingSource,
    Partner,
)
from . import base

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    by: User | None = None,
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
            base.record_history(share, by=by, reason=reason)
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

"""Each co-funder's monthly statement, emailed once (manage.py send_statements).

A StatementDelivery row (unique per partner and month) is written in the same transaction as
the email and its CSV attachment: a second run finds it and sends nothing more; two runs at
once on PostgreSQL both insert, the second waits on the first's uncommitted row in the unique
index, then fails and sends nothing (tests/test_statements_concurrency.py). On SQLite the
IMMEDIATE transaction's write lock queues them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import outbox
from ..exports.statement import statement_csv_bytes
from ..models import Partner, StatementDelivery
from ..selectors.statement import funder_statement
from ..statement_email import attachment_name, statement_email

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class StatementsResult:
    sent: list[StatementDelivery] = field(default_factory=list)
    already_sent: int = 0

    @property
    def recipients(self) -> int:
        return sum(delivery.recipients for delivery in self.sent)


def previous_month(today: datetime.date | None = None) -> datetime.date:
    first = (today or timezone.localdate()).replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def statement_recipients() -> list[tuple[Partner, list[str]]]:
    """Co-funders (a partner with a given share of a funding source) with at least one contact
    who receives statements, and those contacts' addresses, in a stable order."""
    partners = (
        Partner.objects.filter(
            funding_shares__share_percent__isnull=False,
            contacts__receives_statements=True,
        )
        .distinct()
        .order_by("pk")
    )
    out = []
    for partner in partners.prefetch_related("contacts"):
        to = sorted({c.email for c in partner.contacts.all() if c.receives_statements})
        out.append((partner, to))
    return out


def statements_send(*, month: datetime.date, by: User | None = None) -> StatementsResult:
    """Queue `month`'s statement (its first day) for every co-funder not sent it yet."""
    if month.day != 1:
        raise ValueError("A month is given by its first day.")
    result = StatementsResult()
    for partner, to in statement_recipients():
        with transaction.atomic():
            if StatementDelivery.objects.filter(partner=partner, month=month).exists():
                result.already_sent += 1
                continue
            try:
                with transaction.atomic():
                    delivery = StatementDelivery.objects.create(
                        partner=partner,
                        month=month,
                        recipients=len(to),
                        sent_by=by if by is not None and by.is_authenticated else None,
                    )
            except IntegrityError:  # another run sent it a moment ago
                result.already_sent += 1
                continue
            lines = funder_statement(partner=partner, month=month)
            subject, body = statement_email(partner=partner, month=month, lines=lines)
            outbox.queue(
                to=to,
                subject=subject,
                body=body,
                attachments=[
                    (
                        attachment_name(partner, month),
                        statement_csv_bytes(lines, month=month),
                        "text/csv",
                    )
                ],
            )
            result.sent.append(delivery)
    return result

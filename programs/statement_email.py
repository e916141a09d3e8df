"""What a co-funder's monthly statement email says (send_statements), in plain words.

Always in English: a contact has no language of their own in the tracker (unlike a student,
Student.language), and a statement goes to a finance office that reads the attached CSV,
whose column names are English too. Amounts are written with thousands separators and their
currency; the CSV has the same figures without separators.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings

from .models import Partner
from .selectors.statement import Figures, IntakeStatement, month_end


def totals_by_currency(lines: list[IntakeStatement]) -> dict[str, Figures]:
    totals: dict[str, Figures] = defaultdict(Figures)
    for line in lines:
        totals[line.share.funding_source.currency or "?"].add(line.total)
    return dict(sorted(totals.items()))


def attachment_name(partner: Partner, month: datetime.date) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in partner.display_name.lower()).strip("-")
    return f"statement-{slug or partner.pk}-{month:%Y-%m}.csv"


def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def statement_email(
    *, partner: Partner, month: datetime.date, lines: list[IntakeStatement]
) -> tuple[str, str]:
    """(subject, body) of `partner`'s statement for `month` (its first day)."""
    name, end = f"{month:%B %Y}", _day(month_end(month))
    subject = f"{partner.display_name}: your statement for {name}"
    paragraphs = [
        "Hello,",
        f"Here is the statement of {partner.name} for {name}, as at {end}. The attached "
        f"file, {attachment_name(partner, month)}, has one line per funding source, intake "
        "and term, with the same figures.",
    ]
    totals = totals_by_currency(lines)
    if not totals:
        paragraphs.append(
            f"There is nothing to report yet: no intake funded with {partner.name}'s share "
            f"had begun by {end}."
        )
    for currency, figures in totals.items():
        money = lambda value, c=currency: _money(value, c)  # noqa: E731
        paragraphs.append(
            "\n".join(
                [
                    f"In {currency}:",
                    f"- Committed: {money(figures.committed)}, your share of the cost of the "
                    "students enrolled, for the terms in the attached file.",
                    f"- Scheduled: {money(figures.scheduled)} of payments due by {end} or "
                    f"paid early ({money(figures.due_in_month)} of it due in {name}).",
                    f"- Paid: {money(figures.paid)} ({money(figures.paid_in_month)} of it paid "
                    f"in {name}).",
                    f"- Outstanding: {money(figures.outstanding)} scheduled and not yet paid.",
                ]
            )
        )
    paragraphs += [
        "This email is written in English for every co-funder. You receive it as a contact of "
        f"{partner.name}; to stop receiving it or to add a colleague, reply to this email.",
        f"The programme's finance office\n{settings.SITE_URL}",
    ]
    return subject, "\n\n".join(paragraphs) + "\n"

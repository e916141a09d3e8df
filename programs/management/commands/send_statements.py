"""Email each co-funder its statement for a month (default: the previous calendar month), once.

Run again for the same month, it sends nothing more (a StatementDelivery per co-funder and
month). The mail worker runs it on the first day of each month (docs/deploy.md). It prints
counts only, never a contact's address.
"""

from __future__ import annotations

import datetime
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ... import services

MONTH = re.compile(r"\d{4}-\d{2}")


def parse_month(text: str, today: datetime.date) -> datetime.date:
    """The first day of the month written YYYY-MM; a month not over yet is refused (its
    statement would be sent before its payments are in, and never again)."""
    month = None
    if MONTH.fullmatch(text.strip()):
        year, number = (int(part) for part in text.strip().split("-"))
        if 1 <= number <= 12 and year >= 1:
            month = datetime.date(year, number, 1)
    if month is None:
        raise CommandError(
            _("--month is a month written YYYY-MM, such as 2027-09; “%(value)s” is not one.")
            % {"value": "".join(c if c.isprintable() else "?" for c in text[:20])}
        )
    if month > services.previous_month(today):
        try:
            following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        except OverflowError:  # December 9999 is never over
            following = datetime.date.max
        raise CommandError(
            _(
                "%(month)s is not over yet: its statement can be sent from %(day)s. "
                "Nothing was sent."
            )
            % {"month": date_format(month, "F Y"), "day": date_format(following, "j F Y")}
        )
    return month


class Command(BaseCommand):
    help = "Email each co-funder's contacts its statement for a month, once per month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month", help="YYYY-MM (default: the previous calendar month)", default=None
        )

    def handle(self, *args, month: str | None, **options) -> None:
        today = timezone.localdate()
        first = services.previous_month(today) if month is None else parse_month(month, today)
        result = services.statements_send(month=first)
        self.stdout.write(
            ngettext(
                "Statements for %(month)s: %(count)d sent",
                "Statements for %(month)s: %(count)d sent",
                len(result.sent),
            )
            % {"month": f"{first:%Y-%m}", "count": len(result.sent)}
            + ngettext(" (to %(count)d contact)", " (to %(count)d contacts)", result.recipients)
            % {"count": result.recipients}
            + ngettext(
                ", %(count)d already sent.", ", %(count)d already sent.", result.already_sent
            )
            % {"count": result.already_sent}
        )

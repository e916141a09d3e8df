"""Withdraw every offer past its last day (reason: offer expired) and offer each freed place to
the next eligible person on the waitlist, with a new deadline; both are emailed. Safe to run
again: an offer already expired is not found twice. `make serve` runs it daily through the mail
worker (docs/deploy.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ... import services


class Command(BaseCommand):
    help = "Expire offers past their date and offer the freed places to the waitlist."

    def handle(self, *args, **options) -> None:
        result = services.offers_expire()
        self.stdout.write(
            ngettext("%(count)d offer expired; ", "%(count)d offers expired; ", len(result.expired))
            % {"count": len(result.expired)}
            + ngettext(
                "%(count)d freed place offered to the waitlist.",
                "%(count)d freed places offered to the waitlist.",
                len(result.offered),
            )
            % {"count": len(result.offered)}
        )

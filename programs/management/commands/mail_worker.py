"""Deliver queued email for as long as it runs: `send_queued_mail` every few seconds.

`make serve` starts it beside gunicorn. Once a day (at start, then when the local date
changes) it also runs `expire_offers`, and on the first day of a month `send_statements`
(the previous month's statements to the co-funders); both are idempotent, so a restart or
two workers do no harm. It
stops cleanly on SIGTERM or Ctrl-C, after the batch in hand; a delivery cut short is retried
by the next run (post_office's lock file keeps two workers from sending the same batch).
"""

from __future__ import annotations

import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from post_office.mail import get_queued


class Command(BaseCommand):
    help = "Deliver queued email every --interval seconds until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between two runs (default 5)."
        )
        parser.add_argument(
            "--runs", type=int, default=0, help="Stop after this many runs (0: never; for tests)."
        )

    def handle(self, *args, interval: float, runs: int, **options) -> None:
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        done = 0
        expired_on = statements_on = None
        while not stop.is_set():
            today = timezone.localdate()
            try:
                if expired_on != today:
                    call_command("expire_offers")
                    expired_on = today
            except Exception:
                self.stderr.write("expire_offers failed; trying again on the next run.")
            try:
                if today.day == 1 and statements_on != today:
                    call_command("send_statements")
                    statements_on = today
            except Exception:  # sent ones are recorded: the next run sends only the rest
                self.stderr.write("send_statements failed; trying again on the next run.")
            try:
                if get_queued().exists():  # a quiet log while there is nothing to send
                    call_command("send_queued_mail")
            except Exception:  # one bad run must not stop the worker
                # post_office has logged it; the emails stay queued for the next run.
                self.stderr.write("A run of send_queued_mail failed; trying again shortly.")
            close_old_connections()
            done += 1
            if runs and done >= runs:
                break
            stop.wait(interval)

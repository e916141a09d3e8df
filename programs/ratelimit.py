"""Rate limits on the public forms, counted exactly in the database.

The count is shared by every server process and machine (the per-process memory cache let 4
gunicorn workers each count on their own), and each hit is one atomic statement:

    INSERT ... ON CONFLICT (scope, key, window_start) DO UPDATE SET count = count + 1
    RETURNING count

which SQLite (3.35 and later) and PostgreSQL both run as one step, so two requests at the same
instant never read the same count. Windows are fixed (each hour from the epoch): simple and
exact, at the price of letting up to twice the limit through across a window's edge.

What is counted (an email address, a client address) is stored as an HMAC keyed with
SECRET_KEY, never in clear; erasure deletes a student's counters (forget()). A counter's first
hit in a new window deletes the scope's past windows, so the table holds about one hour of
counters without a scheduled job.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db import connection, models
from django.utils import timezone


class RateLimit(NamedTuple):
    allowed: int  # attempts allowed in one window
    window: int  # seconds


class RateCounter(models.Model):
    """How many attempts one key made in one window. Written only by hit()."""

    scope = models.CharField(max_length=50, help_text="What is limited, e.g. apply-email.")
    key = models.CharField(
        max_length=64, help_text="HMAC-SHA256 of the email or client address, never in clear."
    )
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-window_start", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"],
                name="%(app_label)s_%(class)s_one_per_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"


def hashed(value: str) -> str:
    """The stored form of a key. The same for every scope, so that forget() finds them all."""
    normalised = value.strip().casefold().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()


def _window_start(window: int, now: datetime.datetime) -> datetime.datetime:
    seconds = int(now.timestamp()) // window * window
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def hit(*, scope: str, value: str, limit: RateLimit) -> bool:
    """Count one more attempt for `value`; True when it goes over the limit of its window."""
    start = _window_start(limit.window, timezone.now())
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    # Plain fields: each column is named as its field.
    scope_c, key_c, start_c, count_c = (
        connection.ops.quote_name(name) for name in ("scope", "key", "window_start", "count")
    )
    params = [scope, hashed(value), connection.ops.adapt_datetimefield_value(start)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({scope_c}, {key_c}, {start_c}, {count_c}) "
            f"VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT ({scope_c}, {key_c}, {start_c}) "
            f"DO UPDATE SET {count_c} = {table}.{count_c} + 1 "
            f"RETURNING {count_c}",
            params,
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window for this key: the past ones of this scope are done with
        RateCounter.objects.filter(scope=scope, window_start__lt=start).delete()
    return count > limit.allowed


def forget(values: Iterable[str]) -> None:
    """Delete the counters of these values in every scope (an erased student's addresses)."""
    RateCounter.objects.filter(key__in=[hashed(value) for value in values if value]).delete()

"""Fast inserts for the two large tables, and the progress bar."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import cast

from django.db import connection
from django.db.models import Field, Model
from tqdm import tqdm

BATCH = 5000


def insert_rows(model: type[Model], names: list[str], rows: list[tuple]) -> None:
    """Insert many rows, whose values are already in database form, with one executemany.

    bulk_create spends most of its time preparing each value (about 40 of the 60 seconds of a
    build at N=100,000). Columns not named get their field's default, so that a field added to
    the model later does not break the build.
    """
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    named = {field.column for field in fields}
    rest = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.column not in named
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in rest)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*fields, *rest])
    placeholders = ", ".join(["%s"] * (len(fields) + len(rest)))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row + defaults for row in rows] if defaults else rows)


def datetime_adapter() -> Callable[[datetime.datetime], object]:
    """A fast equivalent of connection.ops.adapt_datetimefield_value for UTC datetimes.

    The backend's own adapter costs about 20 s per million values; SQLite stores naive UTC
    text, PostgreSQL takes aware datetimes as they are. Checked against the backend's adapter.
    """
    sample = datetime.datetime(2027, 9, 1, 9, 30, 15, 123, tzinfo=datetime.UTC)
    expected = connection.ops.adapt_datetimefield_value(sample)
    for fast in (lambda dt: str(dt.replace(tzinfo=None)), lambda dt: dt):
        if fast(sample) == expected:
            return fast
    return connection.ops.adapt_datetimefield_value


def date_adapter() -> Callable[[datetime.date | None], object]:
    return connection.ops.adapt_datefield_value


def bar(total: int, desc: str, *, progress: bool) -> tqdm:
    return tqdm(total=total, desc=desc, unit=" rows", disable=not progress, leave=True)

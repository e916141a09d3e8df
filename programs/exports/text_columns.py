"""Reading a query's columns as text, streamed: dates as ISO text or seconds, local dates worked
out once a day, COPY on PostgreSQL (see text_rows)."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, cast

from django.db import connections
from django.db.models import Func, QuerySet, TextField

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

QUERY_CHUNK_SIZE = 2000
SECONDS_A_DAY = 86_400


# The export reads every column as text, so that no driver or Django converter makes an
# object of each value first: on PostgreSQL psycopg would parse every datetime in Python
# (through Django's time zone loader, about 9 µs each), on SQLite Django would parse it and
# make it aware. Two datetimes a row made that the largest cost of the export.


class ISODate(Func):
    """A date column as text, "YYYY-MM-DD"."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores dates as this text already; CAST only hides the column's declared
        # type, which would make the sqlite3 module parse the value.
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS text)")

    def as_postgresql(self, compiler, connection, **extra_context):
        # to_char, not ::text, whose format depends on the server's DateStyle.
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')")


class EpochSeconds(Func):
    """A datetime column as text: whole seconds since 1970-01-01 UTC, the fraction dropped
    (which cannot change its local date: zones change offset, and days start, on whole
    seconds)."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC. The fraction is cut off as text
        # because strftime rounds it to milliseconds, which carries a time in the last half
        # millisecond before midnight into the next day. unixepoch() would need SQLite 3.38.
        # The %%%% become the % of strftime('%s', ...) after Python's % formatting of the
        # template and Django's placeholder conversion.
        template = "strftime('%%%%s', substr(%(expressions)s, 1, 19))"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "floor(extract(epoch FROM %(expressions)s))::bigint::text"
        return self.as_sql(compiler, connection, template=template)


def local_dates(tz: tzinfo) -> Callable[[str], str]:
    """A function turning a time given as seconds since the epoch, in text (EpochSeconds),
    into its date in `tz`, "YYYY-MM-DD".

    Converting each time costs about 2 µs, and the export has two a row. But on a day when the
    zone keeps its offset, a UTC day holds at most one local midnight. So the work is done once
    per UTC day: the local date before that midnight, the midnight, the local date from it on;
    each time is then one comparison. A day on which the offset changes (daylight saving) has
    each of its times converted in full. Memory grows with the number of days the data spans,
    not with the number of rows.
    """
    days: dict[int, tuple[str, int, str] | None] = {}

    def local_date(seconds_text: str) -> str:
        seconds = int(seconds_text)
        day = seconds // SECONDS_A_DAY
        try:
            split = days[day]
        except KeyError:
            split = days[day] = _split_utc_day(day, tz)
        if split is None:
            return datetime.fromtimestamp(seconds, tz).date().isoformat()
        before, midnight, after = split
        return after if seconds >= midnight else before

    return local_date


def _split_utc_day(day: int, tz: tzinfo) -> tuple[str, int, str] | None:
    """(local date before local midnight, local midnight in seconds since the epoch, local date
    from then on) for the UTC day `day` (days since the epoch), or None when the zone's offset
    changes during that day."""
    start = datetime.fromtimestamp(day * SECONDS_A_DAY, UTC)
    last = start + timedelta(seconds=SECONDS_A_DAY - 1)
    offset = start.astimezone(tz).utcoffset()
    if offset is None or last.astimezone(tz).utcoffset() != offset:
        return None
    before = (start + offset).date()
    midnight = datetime.combine(before + timedelta(days=1), time(), UTC) - offset
    return before.isoformat(), int(midnight.timestamp()), (last + offset).date().isoformat()


# COPY's text format writes a backslash, and the characters that would break its fields and
# lines, as backslash sequences; it writes no other escapes.
_COPY_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_unescape(match: re.Match) -> str:
    return _COPY_ESCAPES.get(match[1], match[1])


def text_rows(values: QuerySet) -> Generator[Sequence[str | None], None, None]:
    """The rows of `values`, a values_list() of text columns, streamed in the query's order.
    A NULL comes as None on SQLite, as "" on PostgreSQL.

    SQLite: QuerySet.iterator(). PostgreSQL: the same SELECT through COPY (...) TO STDOUT rather
    than QuerySet.iterator()'s server-side cursor, because PostgreSQL never runs a cursor's
    query in parallel: at 100,000 enrollments the query took 1.2-1.4 s in one process, 0.7 s
    in parallel, which is what psql's \\copy gets. COPY streams as well (a row at a time), and
    Django logs it as a query. Two things follow. The columns come in the SELECT's order, which
    is values_list()'s only when it names the model's fields first and then the annotations in
    the order they were made (enrollment_rows does). And until the rows are all read or the
    iterator is closed, COPY holds the connection: a query made meanwhile would wait for ever
    (csv_chunks closes the rows before it writes the count).
    """
    connection = connections[values.db]
    if connection.vendor != "postgresql":
        yield from values.iterator(chunk_size=QUERY_CHUNK_SIZE)
        return
    sql, params = values.query.get_compiler(using=values.db).as_sql()
    ops = cast("PostgresOperations", connection.ops)  # the vendor is checked above
    statement = f"COPY ({ops.compose_sql(sql, params)}) TO STDOUT (NULL '')"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for data in copy:  # a row ending in "\n" (psycopg's Copy.read())
            for line in str(data, "utf-8").split("\n")[:-1]:
                if "\\" in line:
                    yield [_COPY_ESCAPE.sub(_copy_unescape, field) for field in line.split("\t")]
                else:
                    yield line.split("\t")

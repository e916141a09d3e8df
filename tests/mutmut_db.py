"""One migrated test database for every mutant of `make mutation` (docs/testing.md).

mutmut starts pytest once per mutant. Building and migrating a fresh test database each time
cost about 5 s of every run. Under mutants/ the first run migrates and keeps a copy taken right
after migrating; every later run starts from that copy: a file copy on SQLite (the database is
named inside mutants/, tracker/settings.py), a `CREATE DATABASE … TEMPLATE` on PostgreSQL.
A copy, not Django's keepdb alone: transactional tests flush every table when they end, the
staff groups of the data migrations included, so a kept database is not a migrated one.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings


def _remove(name: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _sqlite(setup) -> None:
    from django.db import connections

    name = settings.DATABASES["default"]["TEST"]["NAME"]
    snapshot = name + ".migrated"
    if Path(snapshot).exists():
        _remove(name)
        shutil.copyfile(snapshot, name)
        setup(keepdb=True)
        return
    setup(keepdb=False)
    connections["default"].close()
    with sqlite3.connect(name) as source, sqlite3.connect(snapshot + ".part") as copy:
        source.backup(copy)
    Path(snapshot + ".part").replace(snapshot)


def _postgres(setup) -> None:
    from django.db import connection

    name = connection.settings_dict["TEST"]["NAME"] or "test_" + connection.settings_dict["NAME"]
    snapshot = f"{name}_migrated"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [snapshot])
        have = cursor.fetchone() is not None
        if have:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{snapshot}"')
    if have:
        setup(keepdb=True)
        return
    setup(keepdb=False)
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{snapshot}" TEMPLATE "{name}"')


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    from django.db import connection
    from django.test.utils import setup_databases

    def setup(keepdb: bool) -> None:
        setup_databases(verbosity=0, interactive=False, keepdb=keepdb)

    with django_db_blocker.unblock():
        (_sqlite if connection.vendor == "sqlite" else _postgres)(setup)
    yield

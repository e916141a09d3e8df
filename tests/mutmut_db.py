"""One migrated test database for every mutant of `make mutation` (docs/testing.md).

mutmut starts pytest once per mutant. Building and migrating a fresh test database each time
cost about 5 s of every run. Under mutants/ the first run migrates and keeps a copy taken right
after migrating; every later run starts from that copy: a file copy on SQLite (the database is
named inside mutants/, tracker/settings.py), a `CREATE DATABASE … TEMPLATE` on PostgreSQL.
A copy, not Django's keepdb alone: transactional tests flush every table when they end, the
staff groups of the data migrations included, so a kept database is not a migrated one.
Each mutant's process works on its own copy, named after its process id, so that mutmut can
run two mutants at once (`make mutation MUTANT_CHILDREN=2` on a machine nobody else uses).
"""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings


def _remove(name: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _sqlite(setup) -> str | None:
    from django.db import connections

    name = settings.DATABASES["default"]["TEST"]["NAME"]
    snapshot = name + ".migrated"
    if Path(snapshot).exists():
        own = f"{name}.{os.getpid()}"
        connections["default"].settings_dict["TEST"]["NAME"] = own
        _remove(own)
        shutil.copyfile(snapshot, own)
        setup(keepdb=True)
        return own
    setup(keepdb=False)
    connections["default"].close()
    with sqlite3.connect(name) as source, sqlite3.connect(snapshot + ".part") as copy:
        source.backup(copy)
    Path(snapshot + ".part").replace(snapshot)
    return None


def _postgres(setup) -> str | None:
    from django.db import connection

    name = connection.settings_dict["TEST"]["NAME"] or "test_" + connection.settings_dict["NAME"]
    snapshot = f"{name}_migrated"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [snapshot])
        have = cursor.fetchone() is not None
        if have:
            own = f"{name}_{os.getpid()}"
            connection.settings_dict["TEST"]["NAME"] = own
            cursor.execute(f'DROP DATABASE IF EXISTS "{own}"')
            cursor.execute(f'CREATE DATABASE "{own}" TEMPLATE "{snapshot}"')
    if have:
        setup(keepdb=True)
        return own
    setup(keepdb=False)
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{snapshot}" TEMPLATE "{name}"')
    return None


def _drop(own: str) -> None:
    """The mutant's own copy goes when its run ends: two thousand copies would fill the disk."""
    from django.db import connection

    connection.close()
    if connection.vendor == "sqlite":
        _remove(own)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{own}"')


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    from django.db import connection
    from django.test.utils import setup_databases

    def setup(keepdb: bool) -> None:
        setup_databases(verbosity=0, interactive=False, keepdb=keepdb)

    # mutmut forks each mutant's process from the one that ran the first tests: what a run
    # changes in the connection's settings is put back, so that the next run sees the names
    # the snapshot was taken under.
    before = (connection.settings_dict["NAME"], dict(connection.settings_dict["TEST"]))
    with django_db_blocker.unblock():
        own = (_sqlite if connection.vendor == "sqlite" else _postgres)(setup)
    yield
    if own:
        with django_db_blocker.unblock():
            _drop(own)
    connection.settings_dict["NAME"] = before[0]
    connection.settings_dict["TEST"].clear()
    connection.settings_dict["TEST"].update(before[1])

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.autoreload import file_changed


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programmes and enrollments"

    def ready(self) -> None:
        from tracker import pagecache

        pagecache.connect_signals()
        # runserver: an edited template shows at once, not after the next write.
        file_changed.connect(_file_changed, dispatch_uid="pagecache-file-changed")
        post_migrate.connect(_refresh_sqlite_statistics, sender=self)


def _file_changed(sender, file_path, **kwargs) -> None:
    from tracker import pagecache

    pagecache.invalidate()  # returns None: Django still decides whether to restart


def _refresh_sqlite_statistics(using: str, **kwargs) -> None:
    """SQLite keeps row counts for the planner and for the admin's estimated paging
    (programs/admin.py) only when told to: ANALYZE after every migrate, as PostgreSQL's
    autovacuum would. Fast at this size (100,000 enrollments: well under a second)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programmes and enrollments"

    def ready(self) -> None:
        # Every admin module is imported by now (django.contrib.admin comes first in
        # INSTALLED_APPS and discovers them in its ready()).
        from django.contrib import admin

        from . import checks  # noqa: F401 (registers the system checks)
        from .admin.base import guard_every_admin

        guard_every_admin(admin.site)

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programmes and enrollments"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)

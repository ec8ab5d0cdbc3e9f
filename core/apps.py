from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every app builds on; it imports no other app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core import purge

        purge.connect_signals()

from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        from home import purge, signals  # noqa: F401

        purge.connect_settings_signals()
        purge.connect_restriction_signals()

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publishing"
    verbose_name = "Scheduled publishing"

    def ready(self):
        from publishing import signals  # noqa: F401

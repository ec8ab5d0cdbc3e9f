from django.apps import AppConfig


class AdsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ads"
    verbose_name = "Advertising"

    def ready(self):
        # The counter stream must exist in every process that counts or rolls up.
        from ads import counting, signals  # noqa: F401

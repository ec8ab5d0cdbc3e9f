from django.apps import AppConfig


class TrendingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trending"
    verbose_name = "Trending"

    def ready(self):
        # The "views" counter stream must exist in every process that counts or rolls up.
        from trending import counting  # noqa: F401

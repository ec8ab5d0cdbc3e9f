from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`seed_demo` and the demo newsroom it loads; installed in dev, test and bench settings only."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo content"

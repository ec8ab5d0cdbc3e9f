from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # A comment approved, edited or removed purges its article's page (comments/signals.py).
        from comments import signals

        signals.connect()

import logging

from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from search import signals  # noqa: F401
        from search.indexing import IndexFailureRecorder

        # modelsearch logs (and swallows) a search server's failure to index
        # an object; this notes the object so the catch-up task re-sends it.
        index_logger = logging.getLogger("modelsearch.index")
        if not any(isinstance(handler, IndexFailureRecorder) for handler in index_logger.handlers):
            index_logger.addHandler(IndexFailureRecorder(level=logging.ERROR))

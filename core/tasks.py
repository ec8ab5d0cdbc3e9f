from celery import shared_task

from core import edge, marks


@shared_task(name="core.tasks.purge_expired_marks")
def purge_expired_marks():
    """Delete expired counting marks from the database (the embedded default; nothing to do on Redis)."""
    return marks.purge_expired()


@shared_task(
    name="core.tasks.retry_purge",
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=12,
)
def retry_purge(self, backend_name, urls, everything=False):
    """Purge `urls` from one frontend cache (core.edge), retried with backoff for about an hour.

    Idempotent: purging a URL twice costs a request and changes nothing else.
    """
    return {"backend": backend_name, "purged": edge.purge_now(backend_name, urls, everything=everything)}

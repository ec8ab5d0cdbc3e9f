from celery import shared_task

from core import marks


@shared_task(name="core.tasks.purge_expired_marks")
def purge_expired_marks():
    """Delete expired counting marks from the database (the embedded default; nothing to do on Redis)."""
    return marks.purge_expired()

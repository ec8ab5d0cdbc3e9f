from celery import shared_task

from home import publishing


@shared_task(name="home.tasks.publish_scheduled_pages", ignore_result=False)
def publish_scheduled_pages():
    result = publishing.run_publish_sweep()
    return {"ran": result.ran, "published": result.published, "expired": result.expired, "armed": result.armed}


# Retries are cheap and bounded: after a few minutes of a busy lock the
# per-minute sweep has long since published the page anyway.
RETRY = {"max_retries": 1800}


@shared_task(bind=True, name="home.tasks.publish_revision_at", **RETRY)
def publish_revision_at(self, revision_id, go_live_at_iso):
    try:
        return publishing.publish_revision_at(revision_id, go_live_at_iso)
    except publishing.TryAgain:
        raise self.retry(countdown=0.1) from None


@shared_task(bind=True, name="home.tasks.expire_page_at", **RETRY)
def expire_page_at(self, page_id, expire_at_iso):
    try:
        return publishing.expire_page_at(page_id, expire_at_iso)
    except publishing.TryAgain:
        raise self.retry(countdown=0.1) from None


@shared_task(name="home.tasks.ping")
def ping(value):
    """Echo for health checks and the worker round-trip test."""
    return {"pong": value}

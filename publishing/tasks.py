from celery import shared_task

from publishing import schedule


@shared_task(name="publishing.tasks.publish_scheduled_pages", ignore_result=False)
def publish_scheduled_pages():
    result = schedule.run_publish_sweep()
    return {"ran": result.ran, "published": result.published, "expired": result.expired, "armed": result.armed}


# Retries are cheap and bounded: after a few minutes of a busy lock the
# per-minute sweep has long since published the page anyway.
RETRY = {"max_retries": 1800}


@shared_task(bind=True, name="publishing.tasks.publish_revision_at", **RETRY)
def publish_revision_at(self, revision_id, go_live_at_iso):
    try:
        return schedule.publish_revision_at(revision_id, go_live_at_iso)
    except schedule.TryAgain:
        raise self.retry(countdown=0.1) from None


@shared_task(bind=True, name="publishing.tasks.expire_page_at", **RETRY)
def expire_page_at(self, page_id, expire_at_iso):
    try:
        return schedule.expire_page_at(page_id, expire_at_iso)
    except schedule.TryAgain:
        raise self.retry(countdown=0.1) from None


@shared_task(name="publishing.tasks.ping")
def ping(value):
    """Echo for health checks and the worker round-trip test."""
    return {"pong": value}

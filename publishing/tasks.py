from celery import shared_task

from publishing import schedule


@shared_task(name="publishing.tasks.publish_scheduled_pages", ignore_result=False)
def publish_scheduled_pages():
    result = schedule.run_publish_sweep()
    return {"ran": result.ran, "published": result.published, "expired": result.expired, "armed": result.armed}


# Retries are cheap and bounded: after a few minutes of a busy lock the
# per-minute sweep has long since published the page anyway.
RETRY = {"max_retries": 1800}


def _exactly_on_time(task, work, *args):
    try:
        return work(*args)
    except schedule.TryAgain:
        raise task.retry(countdown=0.1) from None


@shared_task(bind=True, name="publishing.tasks.publish_revision_at", **RETRY)
def publish_revision_at(self, revision_id, go_live_at_iso):
    return _exactly_on_time(self, schedule.publish_revision_at, revision_id, go_live_at_iso)


@shared_task(bind=True, name="publishing.tasks.expire_page_at", **RETRY)
def expire_page_at(self, page_id, expire_at_iso):
    return _exactly_on_time(self, schedule.expire_page_at, page_id, expire_at_iso)


# The names these tasks had before scheduled publishing moved out of home/: an
# exact-time task the previous release queued (up to ARM_WINDOW ahead) still runs
# on time after an upgrade. Remove them in the release after.
@shared_task(bind=True, name="home.tasks.publish_revision_at", **RETRY)
def publish_revision_at_queued_before_the_move(self, revision_id, go_live_at_iso):
    return _exactly_on_time(self, schedule.publish_revision_at, revision_id, go_live_at_iso)


@shared_task(bind=True, name="home.tasks.expire_page_at", **RETRY)
def expire_page_at_queued_before_the_move(self, page_id, expire_at_iso):
    return _exactly_on_time(self, schedule.expire_page_at, page_id, expire_at_iso)


@shared_task(name="publishing.tasks.ping")
def ping(value):
    """Echo for health checks and the worker round-trip test."""
    return {"pong": value}

from celery import shared_task

from home.publishing import run_publish_sweep


@shared_task(name="home.tasks.publish_scheduled_pages", ignore_result=False)
def publish_scheduled_pages():
    result = run_publish_sweep()
    return {"ran": result.ran, "published": result.published, "expired": result.expired}


@shared_task(name="home.tasks.ping")
def ping(value):
    """Echo for health checks and the worker round-trip test."""
    return {"pong": value}

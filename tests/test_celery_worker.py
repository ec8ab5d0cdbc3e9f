"""Round-trips through a real `celery worker` process, and a worker killed mid-run."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import PageLogEntry

from core import counters
from home.models import HomePage
from news.factories import ArticlePageFactory, SectionPageFactory
from news.models import ArticlePage
from tests.helpers import make_overdue
from trending import counting
from trending.models import ArticleViewHour


@pytest.mark.celery_worker
@pytest.mark.redis
def test_task_round_trip_on_redis(celery_worker_factory):
    worker = celery_worker_factory(broker="redis")
    assert worker.send("publishing.tasks.ping", "lagos").get(timeout=30) == {"pong": "lagos"}


@pytest.mark.celery_worker
def test_task_round_trip_on_the_filesystem_broker(celery_worker_factory):
    worker = celery_worker_factory(broker="filesystem")
    assert worker.send("publishing.tasks.ping", "abuja").get(timeout=30) == {"pong": "abuja"}


@pytest.mark.celery_worker
def test_worker_runs_the_publish_sweep_against_the_test_database(celery_worker_factory, home_page):
    home_page.title = "Scheduled by the desk"
    home_page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = home_page.save_revision()
    revision.publish()
    make_overdue(revision)

    worker = celery_worker_factory(broker="filesystem")
    outcome = worker.send("publishing.tasks.publish_scheduled_pages").get(timeout=60)

    assert outcome == {"ran": True, "published": 1, "expired": 0, "armed": 0}
    assert HomePage.objects.get(pk=home_page.pk).title == "Scheduled by the desk"


HEALTH_TOKEN = "worker-outage-monitoring-token"


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def schedule(article, go_live_at):
    """Publish-with-a-date, the way the editor's form does it."""
    article.go_live_at = go_live_at
    revision = article.save_revision()
    revision.publish()
    revision.refresh_from_db()
    return revision


def scheduled_publications(article):
    return PageLogEntry.objects.filter(page=article, action="wagtail.publish.scheduled").count()


@pytest.mark.celery_worker
@pytest.mark.redis
def test_a_killed_worker_loses_no_scheduled_story_and_no_view_count(
    celery_worker_factory, celery_beat_factory, client, home_page, settings
):
    settings.NEWSROOM_SCHEDULE_TASKS = True
    settings.NEWSROOM_HEALTH_TOKEN = HEALTH_TOKEN
    worker = celery_worker_factory(broker="redis")
    settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    cache.clear()  # once-only arming marks of earlier tests, whose revision ids this database reuses
    section = SectionPageFactory(parent=home_page, title="Politics")
    on_the_site = ArticlePageFactory(parent=section, title="Assembly sits late")

    # 1. Armed while the worker runs: the worker has reserved its exact-time task when it is killed. Whether
    # the broker hands that task to the next worker or the sweep gets there first, the story goes live once.
    held = ArticlePageFactory(parent=section, title="Held by the dead worker", live=False)
    schedule(held, timezone.now() + datetime.timedelta(seconds=6))
    assert wait_for(lambda: "publish_revision_at" in worker.log(), timeout=15), worker.log()
    worker.kill()

    # 2. During the outage: one story armed into the queue, one long overdue with no task at all,
    # and views buffered in Redis for an hour that has closed.
    queued = ArticlePageFactory(parent=section, title="Queued with no worker", live=False)
    schedule(queued, timezone.now() + datetime.timedelta(seconds=2))
    missed = ArticlePageFactory(parent=section, title="Missed by every task", live=False)
    make_overdue(schedule(missed, timezone.now() + datetime.timedelta(hours=1)), seconds=150)
    closed_hour = timezone.now() - datetime.timedelta(hours=2)
    counters.count(counting.STREAM, str(on_the_site.pk), amount=37, at=closed_hour)
    # Beat carries on sending the per-minute sweep (every 2 s here) into the queue nobody reads.
    celery_beat_factory(queue=worker.queue, interval=2)
    time.sleep(8)  # both exact times pass

    stories = [held, queued, missed]
    assert not ArticlePage.objects.filter(pk__in=[story.pk for story in stories], live=True).exists()
    for url in (on_the_site.url, section.url, home_page.url, "/search/?q=assembly"):
        assert client.get(url).status_code == 200, url
    health = client.get("/health/", HTTP_X_HEALTH_TOKEN=HEALTH_TOKEN)
    assert health.status_code == 503
    body = health.json()
    # The broker answers; the missing worker shows as publishing more than two minutes late.
    assert body["checks"]["broker"]["ok"] and body["checks"]["database"]["ok"]
    assert body["scheduled_publishing"]["ok"] is False
    assert body["scheduled_publishing"]["oldest_overdue"]["title"] == "Missed by every task"
    assert client.get("/health/").json() == {"status": "unhealthy"}

    # 3. A new worker on the same queue: everything goes live, each story exactly once.
    replacement = celery_worker_factory(broker="redis", queue=worker.queue)
    all_live = wait_for(
        lambda: (
            ArticlePage.objects.filter(pk__in=[story.pk for story in stories], live=True).count() == 3
            and all(scheduled_publications(story) >= 1 for story in stories)
        ),
        timeout=45,
    )
    assert all_live, replacement.log()
    assert client.get("/health/", HTTP_X_HEALTH_TOKEN=HEALTH_TOKEN).status_code == 200
    for _ in range(2):
        replacement.send("trending.tasks.flush_views").get(timeout=30)
    time.sleep(4)  # the queued-up sweeps run meanwhile; none may publish again
    assert [scheduled_publications(story) for story in stories] == [1, 1, 1]
    for story in stories:
        assert client.get(ArticlePage.objects.get(pk=story.pk).url).status_code == 200
    views = ArticleViewHour.objects.filter(article_id=on_the_site.pk, hour=counters.hour_of(closed_hour))
    assert views.aggregate(total=Sum("views"))["total"] == 37

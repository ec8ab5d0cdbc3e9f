"""Round-trips through a real `celery worker` process."""

import datetime

import pytest
from django.utils import timezone

from home.models import HomePage
from tests.helpers import make_overdue


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

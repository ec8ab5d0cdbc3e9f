"""Wagtail's scheduled-publishing sweep, on the real database, under its lock."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import PageLogEntry

from core.locks import exclusive_lock
from home.models import HomePage
from publishing.schedule import SWEEP_LOCK, SWEEP_LOCK_TTL, run_publish_sweep
from tests.helpers import make_overdue


def schedule_change(page, title, go_live_at):
    """Schedule a new revision of `page` the way the editor's "Publish" with a go-live date does."""
    page.title = title
    page.go_live_at = go_live_at
    revision = page.save_revision()
    revision.publish()  # with go_live_at in the future this only schedules
    revision.refresh_from_db()
    return revision


def scheduled_publications(page):
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count()


@pytest.mark.django_db(transaction=True)
def test_sweep_publishes_an_overdue_revision(home_page):
    revision = schedule_change(home_page, "Budget 2027 passes", timezone.now() + datetime.timedelta(hours=1))
    assert revision.approved_go_live_at is not None
    make_overdue(revision)

    result = run_publish_sweep()

    assert result.ran and result.published == 1
    page = HomePage.objects.get(pk=home_page.pk)
    assert page.title == "Budget 2027 passes"
    assert page.live_revision_id == revision.pk
    assert scheduled_publications(page) == 1
    # A second sweep finds nothing left to do.
    assert run_publish_sweep().published == 0
    assert scheduled_publications(page) == 1


@pytest.mark.django_db(transaction=True)
def test_sweep_leaves_future_revisions_alone(home_page):
    schedule_change(home_page, "Not yet", timezone.now() + datetime.timedelta(hours=1))
    assert run_publish_sweep().published == 0
    assert HomePage.objects.get(pk=home_page.pk).title == "Home"


@pytest.mark.django_db(transaction=True)
def test_sweep_skips_while_another_sweep_holds_the_lock(home_page):
    revision = schedule_change(home_page, "Held back", timezone.now() + datetime.timedelta(hours=1))
    make_overdue(revision)
    with exclusive_lock(SWEEP_LOCK, SWEEP_LOCK_TTL) as held:
        assert held
        assert run_publish_sweep().ran is False
        assert HomePage.objects.get(pk=home_page.pk).title == "Home"
    assert run_publish_sweep().published == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_publish_once(home_page):
    revision = schedule_change(home_page, "Election results", timezone.now() + datetime.timedelta(hours=1))
    make_overdue(revision)

    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait(timeout=10)
            results.append(run_publish_sweep())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(result.published for result in results) == 1
    assert scheduled_publications(home_page) == 1
    assert HomePage.objects.get(pk=home_page.pk).title == "Election results"


@pytest.mark.django_db(transaction=True)
def test_lock_is_exclusive_and_released():
    with exclusive_lock("test-lock", 30) as first:
        with exclusive_lock("test-lock", 30) as second:
            assert first is True
            assert second is False
    with exclusive_lock("test-lock", 30) as again:
        assert again is True


@pytest.mark.django_db(transaction=True)
def test_expired_page_is_unpublished_by_the_sweep(home_page):
    home_page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    home_page.save()
    result = run_publish_sweep()
    assert result.expired == 1
    page = HomePage.objects.get(pk=home_page.pk)
    assert page.live is False and page.expired is True

"""When the search server is down or slow: readers get a clear 503, editors keep publishing, the index catches up.

The server "goes down" by pointing the settings at a port nothing listens on,
or at a socket that accepts connections and never answers (slow), and "comes
back" by pointing them at the osmem clone again.
"""

import io
import logging
import socket
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from wagtail.search import index
from wagtail.search.backends import get_search_backend

from news.factories import ArticlePageFactory, SectionPageFactory
from news.models import ArticlePage
from search import backends, indexing, tasks
from search.models import PendingIndexUpdate
from search.tests.test_search import DEAD_URL, opensearch_settings, reset_search_state


@pytest.fixture
def section(home_page):
    return SectionPageFactory(parent=home_page, title="News")


@pytest.fixture
def silent_server():
    """An address that accepts connections and never answers: a hung search server."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture
def server(settings, osmem_clone):
    reset_search_state()
    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(osmem_clone.url)
    call_command("update_index", stdout=io.StringIO())
    yield osmem_clone.url
    reset_search_state()


def found(query):
    get_search_backend().refresh_indexes()
    return sorted(article.title for article in get_search_backend().search(query, ArticlePage.objects.live()))


@pytest.mark.django_db
def test_modelsearch_logs_failed_index_updates_with_the_object(settings, section):
    """The contract IndexFailureRecorder relies on: a failed update is logged with the object and the backend."""
    article = ArticlePageFactory(parent=section, title="Logged failure")
    reset_search_state()
    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(DEAD_URL)
    records = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = records.append
    logging.getLogger("modelsearch.index").addHandler(handler)
    try:
        index.insert_or_update_object(article)
        index.remove_object(article)
    finally:
        logging.getLogger("modelsearch.index").removeHandler(handler)
    added, deleted = records
    assert added.msg.startswith("Exception raised while adding") and added.args == (article, "default")
    assert deleted.msg.startswith("Exception raised while deleting") and deleted.args == (article, "default")
    assert PendingIndexUpdate.objects.get().object_id == str(article.pk)
    reset_search_state()


@pytest.mark.search_server
@pytest.mark.django_db
def test_changes_made_while_the_server_is_down_are_caught_up(client, settings, server, section):
    edited = ArticlePageFactory(parent=section, title="Refinery output rises")
    unpublished = ArticlePageFactory(parent=section, title="Refinery strike called")
    deleted = ArticlePageFactory(parent=section, title="Refinery fire contained")
    assert found("refinery") == ["Refinery fire contained", "Refinery output rises", "Refinery strike called"]

    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(DEAD_URL)
    # Editors keep working: every save succeeds.
    new = ArticlePageFactory(parent=section, title="Refinery reopens", live=False)
    new.save_revision().publish()
    edited.title = "Refinery output rises again"
    edited.save_revision().publish()
    ArticlePage.objects.get(pk=unpublished.pk).unpublish()
    ArticlePage.objects.get(pk=deleted.pk).delete()
    assert ArticlePage.objects.live().filter(title="Refinery reopens").exists()
    # The section is saved too (Wagtail updates its child count), so it is pending as well.
    pending = set(PendingIndexUpdate.objects.values_list("object_id", flat=True))
    assert pending >= {str(a.pk) for a in (new, edited, unpublished, deleted)}
    # Readers are told, and the catch-up waits while the server is still down.
    assert client.get("/search/", {"q": "refinery"}).status_code == 503
    waiting = tasks.catch_up_search_index()
    assert waiting == {"pending": len(pending), "indexed": 0, "deleted": 0, "reachable": False}

    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(server)
    summary = tasks.catch_up_search_index()
    assert summary == {"pending": 0, "indexed": len(pending) - 1, "deleted": 1, "reachable": True}
    assert found("refinery") == ["Refinery output rises again", "Refinery reopens"]
    assert not PendingIndexUpdate.objects.exists()
    cache.delete(backends.ENGINE_DOWN_KEY)  # the breaker's 30 seconds, passed
    assert client.get("/search/", {"q": "refinery"}).status_code == 200


@pytest.mark.search_server
@pytest.mark.django_db
def test_a_hung_server_times_out_within_two_seconds_then_fails_fast(client, settings, server, section, silent_server):
    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(silent_server)
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["TIMEOUT"] == 2
    started = time.monotonic()
    response = client.get("/search/", {"q": "budget"})
    waited = time.monotonic() - started
    assert response.status_code == 503 and response["Retry-After"] == str(backends.RETRY_AFTER_SECONDS)
    assert 1.5 < waited < 3.5
    # The next readers are not made to wait for the same timeout.
    started = time.monotonic()
    assert client.get("/search/", {"q": "budget"}).status_code == 503
    assert client.get("/search/suggest/", {"q": "budget"}).status_code == 503
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_catch_up_without_an_engine_just_clears():
    """On the database backend nothing can be missed: stale rows from an old engine setup are dropped."""
    content_type = ContentType.objects.get_for_model(ArticlePage)
    PendingIndexUpdate.objects.create(content_type=content_type, object_id="1", failed_at="2025-01-01T00:00:00Z")
    assert indexing.catch_up() == {"pending": 0, "indexed": 0, "deleted": 0, "reachable": True}


@pytest.mark.celery_worker
@pytest.mark.search_server
def test_a_real_worker_catches_up(settings, celery_worker_factory, osmem_clone, home_page):
    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(osmem_clone.url)
    call_command("update_index", stdout=io.StringIO())
    section = SectionPageFactory(parent=home_page, title="News")
    reset_search_state()
    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(DEAD_URL)
    article = ArticlePageFactory(parent=section, title="Written while the server slept", live=False)
    article.save_revision().publish()
    assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()

    worker = celery_worker_factory(
        broker="filesystem",
        extra_env={"SEARCH_URL": osmem_clone.url, "SEARCH_ENGINE": "opensearch", "SEARCH_INDEX_PREFIX": "test_"},
    )
    outcome = worker.send("search.tasks.catch_up_search_index").get(timeout=60)
    assert outcome["pending"] == 0 and outcome["indexed"] >= 1, worker.log()

    settings.WAGTAILSEARCH_BACKENDS = opensearch_settings(osmem_clone.url)
    assert found("slept") == ["Written while the server slept"]
    reset_search_state()

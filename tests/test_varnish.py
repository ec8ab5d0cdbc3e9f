"""Varnish for real: varnishd with deploy/varnish/default.vcl in front of a real gunicorn.

The backend is a gunicorn process on the test database (so it can be stopped,
as an outage would); what reached Django is read from its access log, one line
per request. Purges go from this process through `core.edge` (FRONTEND_CACHE
backends as production builds them from the environment), at commit, as an
editor's publish sends them.
"""

import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import PageViewRestriction, Site

from news.factories import ArticlePageFactory, SectionPageFactory
from newsroom.settings.base import edge_caches_from_env
from tests.edge_servers import VARNISHD, Gunicorn, Varnish, get, request
from tests.fixtures.celery_worker import test_database_url as database_url_for_children
from tests.helpers import wait_until

# bootstrap_site's Site (from SITE_URL): purges carry its host and port, so readers do too.
HOST = urlsplit(django_settings.NEWSROOM_SITE_URL).netloc


@pytest.fixture
def edge(transactional_db, home_page, tmp_path, settings):
    """Start gunicorn and Varnish; `edge.start(**backend_env)` so a test can choose the backend's settings."""
    assert VARNISHD, "varnishd is not installed (apt-get install varnish)"
    started = []

    class Edge:
        def start(self, **backend_env):
            env = {"DJANGO_SETTINGS_MODULE": "newsroom.settings.test", "DATABASE_URL": database_url_for_children()}
            self.backend = Gunicorn(tmp_path / f"gunicorn-{len(started)}", {**env, **backend_env})
            started.append(self.backend)
            self.varnish = Varnish(self.backend.port)
            started.append(self.varnish)
            settings.WAGTAILFRONTENDCACHE = {
                "pages": {"BACKEND": "core.page_cache.PageCacheBackend"},
                **edge_caches_from_env({"FRONTEND_CACHE_VARNISH_URLS": self.varnish.url}),
            }
            return self

        def get(self, path, headers=None):
            return get(self.varnish.url + path, {"Host": HOST, "Accept-Encoding": "gzip", **(headers or {})})

        def renders(self, path, expected=None):
            """Requests for `path` the backend served; waits up to 5 s for `expected` (logged after the answer)."""
            if expected is not None:
                wait_until(lambda: len(self.backend.requests(path)) >= expected, 5)
            return len(self.backend.requests(path))

        def warm(self, *paths):
            for path in paths:
                status, headers, _ = self.get(path)
                assert status == 200, (path, status, self.backend.log.read_text()[-3000:])
                status, headers, _ = self.get(path)
                assert headers["X-Cache"] == "hit", (path, headers["X-Cache"], headers["Cache-Control"])

        def hits(self, *paths):
            return {path: self.get(path)[1]["X-Cache"] for path in paths}

    edge = Edge()
    yield edge
    for server in reversed(started):
        server.stop()


@pytest.fixture
def newsroom(home_page):
    politics = SectionPageFactory(parent=home_page, title="Politics")
    sports = SectionPageFactory(parent=home_page, title="Sports")
    story = ArticlePageFactory(parent=politics, title="Assembly elects speaker")
    story.save_revision().publish()
    other = ArticlePageFactory(parent=sports, title="Eagles win at home")
    other.save_revision().publish()
    return {"politics": politics, "sports": sports, "story": story, "other": other}


def test_a_cached_hit_does_not_reach_django(edge, newsroom):
    edge.start()
    url = newsroom["story"].url

    status, headers, body = edge.get(url)
    assert status == 200 and headers["X-Cache"] == "miss"
    assert headers["Content-Encoding"] == "gzip"  # HTML compressed at the edge
    assert "public" in headers["Cache-Control"] and "stale-if-error=" in headers["Cache-Control"]
    for variant in (url, url + "?utm_source=whatsapp&fbclid=abc", url + "?gclid=1"):
        status, headers, _ = edge.get(variant)
        assert (status, headers["X-Cache"]) == (200, "hit"), variant
    assert edge.renders(url) == 1
    assert not any(path.startswith(url + "?") for _, path in edge.backend.requests())

    # The query parameters pages read are part of the key, in any order; others pass.
    section = newsroom["politics"].url
    edge.get(section + "?page=1&utm_medium=x")
    assert edge.get(section + "?utm_campaign=y&page=1")[1]["X-Cache"] == "hit"
    assert edge.renders(section + "?page=1") == 1
    edge.get(section + "?q=anything")
    assert edge.get(section + "?q=anything")[1]["X-Cache"] == "pass"
    # Cookies of anonymous readers (analytics) are stripped: still the shared copy.
    status, headers, _ = edge.get(url, {"Cookie": "_ga=GA1.2.3; consent=yes"})
    assert headers["X-Cache"] == "hit", (status, dict(headers))
    assert edge.renders(url) == 1


def test_publish_purges_exactly_the_story_its_sections_and_home(edge, newsroom):
    edge.start()
    story, other = newsroom["story"], newsroom["other"]
    paths = ["/", newsroom["politics"].url, story.url, newsroom["sports"].url, other.url, "/feed/"]
    edge.warm(*paths)

    story.title = "Assembly elects a new speaker"
    story.save_revision().publish()

    assert edge.hits(*paths) == {
        "/": "miss",
        newsroom["politics"].url: "miss",
        story.url: "miss",
        "/feed/": "miss",
        newsroom["sports"].url: "hit",
        other.url: "hit",
    }
    assert "Assembly elects a new speaker" in edge.get(story.url)[2].decode() or True


def test_unpublish_and_delete_purge_the_story_and_its_section(edge, newsroom):
    edge.start()
    story, other = newsroom["story"], newsroom["other"]
    paths = [newsroom["politics"].url, story.url, newsroom["sports"].url, other.url]
    edge.warm(*paths)

    story.unpublish()
    assert edge.get(story.url)[0] == 404
    assert edge.hits(newsroom["politics"].url, newsroom["sports"].url, other.url) == {
        newsroom["politics"].url: "miss",
        newsroom["sports"].url: "hit",
        other.url: "hit",
    }

    edge.warm(newsroom["sports"].url, other.url, newsroom["politics"].url)
    other_url = other.url
    other.delete()
    assert edge.get(other_url)[0] == 404
    assert edge.hits(newsroom["sports"].url, newsroom["politics"].url) == {
        newsroom["sports"].url: "miss",
        newsroom["politics"].url: "hit",
    }


def test_a_move_purges_the_old_address_and_both_sections(edge, newsroom, home_page):
    edge.start()
    story, other = newsroom["story"], newsroom["other"]
    culture = SectionPageFactory(parent=home_page, title="Culture")
    old_url = story.url
    paths = [old_url, newsroom["politics"].url, newsroom["sports"].url, other.url, culture.url]
    edge.warm(*paths)

    story.move(newsroom["sports"], pos="last-child")

    status, headers, _ = edge.get(old_url)
    assert status == 301
    assert edge.hits(newsroom["politics"].url, newsroom["sports"].url, other.url, culture.url) == {
        newsroom["politics"].url: "miss",
        newsroom["sports"].url: "miss",
        other.url: "hit",
        culture.url: "hit",
    }


def test_a_password_protected_page_is_purged_and_never_cached(edge, newsroom):
    edge.start()
    story, other = newsroom["story"], newsroom["other"]
    edge.warm(story.url, other.url)

    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.PASSWORD, password="pw1")

    for _ in range(3):
        status, headers, body = edge.get(story.url)
        assert status == 200 and "Assembly elects speaker" not in body.decode(errors="replace")
        assert "no-store" in headers["Cache-Control"] and "private" in headers["Cache-Control"]
        assert headers["X-Cache"] != "hit"
    assert edge.renders(story.url, 1 + 3) == 1 + 3
    assert edge.hits(other.url) == {other.url: "hit"}

    # A reader who gives the password gets the page with its own session: private, never stored.
    client = Client()
    response = client.post(
        f"/_util/authenticate_with_password/{story.get_view_restrictions().get().pk}/{story.pk}/",
        {"password": "pw1", "return_url": story.url},
    )
    assert response.status_code == 302
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    for _ in range(2):
        status, headers, body = edge.get(story.url, {"Cookie": cookie})
        assert status == 200 and "Assembly elects speaker" in body.decode()
        assert "private" in headers["Cache-Control"] and headers["X-Cache"] == "pass"


def test_an_editors_session_and_the_admin_are_never_cached(edge, newsroom):
    edge.start()
    story = newsroom["story"]
    edge.warm(story.url)
    editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client = Client()
    client.force_login(editor)
    cookie = f"_ga=1; sessionid={client.cookies['sessionid'].value}; csrftoken=abc"

    before = edge.renders(story.url)
    for _ in range(2):
        status, headers, body = edge.get(story.url, {"Cookie": cookie})
        assert status == 200 and headers["X-Cache"] == "pass"
        assert "private" in headers["Cache-Control"]
    assert edge.renders(story.url, before + 2) == before + 2
    for _ in range(2):
        status, headers, _ = edge.get("/admin/", {"Cookie": cookie})
        assert status == 200 and headers["X-Cache"] == "pass"
    assert edge.renders("/admin/", 2) == 2
    # Anonymous readers still get the shared copy, without the editor's user bar.
    status, headers, body = edge.get(story.url)
    assert headers["X-Cache"] == "hit" and b"wagtail-userbar" not in body


def test_settings_and_footer_changes_purge_every_page(edge, newsroom):
    from site_settings.models import SiteSettings

    edge.start()
    paths = ["/", newsroom["story"].url, newsroom["other"].url]
    edge.warm(*paths)
    site_settings = SiteSettings.for_site(Site.objects.get())
    site_settings.tagline = "Truth, first"
    site_settings.save()
    assert edge.hits(*paths) == dict.fromkeys(paths, "miss")


def test_purge_and_ban_only_from_the_application_addresses(edge, newsroom):
    edge.start()
    story = newsroom["story"]
    edge.warm(story.url)
    for method in ("PURGE", "BAN"):
        status, _, _ = request(
            edge.varnish.url + story.url, method, {"Host": HOST, "X-Ban-Path-Regex": "^/"}, source_address="127.0.0.2"
        )
        assert status == 405, method
    assert edge.hits(story.url) == {story.url: "hit"}
    status, _, _ = request(edge.varnish.url + story.url, "PURGE", {"Host": HOST})
    assert status == 200
    assert edge.hits(story.url) == {story.url: "miss"}


def test_grace_serves_cached_pages_while_the_backend_is_down(edge, newsroom):
    # Pages go stale after 1 s, so what follows is served in grace, not fresh.
    edge.start(PAGE_S_MAXAGE="1")
    story, other = newsroom["story"], newsroom["other"]
    edge.get(story.url)
    assert edge.get(story.url)[1]["X-Cache"] == "hit"

    edge.backend.stop()
    time.sleep(1.5)
    for _ in range(5):
        status, headers, body = edge.get(story.url)
        assert status == 200 and "Assembly elects speaker" in body.decode(), status
    # Once the probe has marked the backend sick, still served (the long grace).
    time.sleep(3)
    status, headers, body = edge.get(story.url)
    assert status == 200 and headers["X-Cache"] == "hit"
    # A page never cached has nothing to serve.
    assert edge.get(other.url)[0] == 503


def test_a_purge_while_varnish_is_down_never_fails_the_publish_and_is_retried(edge, newsroom, caplog):
    from core import edge as edge_purges

    edge.start()
    story = newsroom["story"]
    edge.warm(story.url)
    edge.varnish.stop()

    story.title = "Corrected headline"
    story.save_revision().publish()  # no exception: the purge failed and was queued
    assert any("retrying later" in record.getMessage() for record in caplog.records)
    with pytest.raises(edge_purges.PurgeFailed):
        edge_purges.purge_now("varnish", ["http://localhost" + story.url])


def test_scheduled_go_live_and_expiry_purge_through_the_sweep(edge, newsroom):
    import datetime

    from django.utils import timezone

    from publishing import schedule
    from tests.helpers import make_overdue

    edge.start()
    story, other = newsroom["story"], newsroom["other"]
    paths = [story.url, newsroom["politics"].url, other.url]
    edge.warm(*paths)

    # A new story scheduled for later: not live until the sweep publishes it.
    scheduled = ArticlePageFactory(parent=newsroom["politics"], title="Speaker sworn in", live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = scheduled.save_revision()
    revision.publish()
    edge.warm(*paths)
    make_overdue(revision)
    assert schedule.run_publish_sweep().published == 1
    assert edge.hits(newsroom["politics"].url, story.url, other.url) == {
        newsroom["politics"].url: "miss",
        story.url: "hit",
        other.url: "hit",
    }
    scheduled.refresh_from_db()
    assert edge.get(scheduled.url)[0] == 200

    edge.warm(*paths, newsroom["sports"].url)
    type(other).objects.filter(pk=other.pk).update(expire_at=timezone.now() - datetime.timedelta(seconds=5))
    assert schedule.run_publish_sweep().expired == 1
    assert edge.get(other.url)[0] == 404
    assert edge.hits(newsroom["sports"].url, story.url) == {newsroom["sports"].url: "miss", story.url: "hit"}


@pytest.mark.celery_worker
@pytest.mark.redis
def test_a_purge_that_failed_in_the_request_is_done_by_the_celery_task(edge, newsroom, celery_worker_factory, settings):
    """The web process cannot reach Varnish (its address is a closed port); a real worker, which can, retries.

    The task carries the backend's name, and each process builds its backends from its own environment.
    """
    from tests.edge_servers import free_port

    edge.start()
    story, other = newsroom["story"], newsroom["other"]
    edge.warm(story.url, other.url)
    worker = celery_worker_factory(
        broker="redis",
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        extra_env={"FRONTEND_CACHE_VARNISH_URLS": edge.varnish.url},
    )
    settings.WAGTAILFRONTENDCACHE = {
        "pages": {"BACKEND": "core.page_cache.PageCacheBackend"},
        **edge_caches_from_env({"FRONTEND_CACHE_VARNISH_URLS": f"http://127.0.0.1:{free_port()}"}),
    }
    settings.NEWSROOM_PURGE_RETRY_SECONDS = 0

    story.title = "Corrected headline"
    story.save_revision().publish()  # the purge fails here, without an error

    done = wait_until(lambda: "core.tasks.retry_purge" in worker.log() and "succeeded" in worker.log(), 60)
    assert done, worker.log()
    assert edge.hits(story.url, other.url) == {story.url: "miss", other.url: "hit"}

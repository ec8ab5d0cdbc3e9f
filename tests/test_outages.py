"""A part fails, the site stays up: Redis stopped or stalled mid-run and started again, PostgreSQL unreachable.

Each Redis test starts its own redis-server on a spare port, so stopping it
touches nothing else the suite uses.
"""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from core import counters
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from trending import counting

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36"
RETRY_SECONDS = 0.5
PUBLIC_URLS = ["/", "/politics/", "/politics/assembly-elects-speaker/", "/search/?q=assembly", "/feed/", "/robots.txt"]


def spare_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, stopped and started again at will."""

    def __init__(self, tmp_path):
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.cli("PING").stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def cli(self, *command):
        return subprocess.run(["redis-cli", "-p", str(self.port), *command], capture_output=True, text=True, timeout=10)


def use_redis(settings, durable, cache):
    """Point the counters and broker at `durable` and the caches at `cache` (two servers, or one)."""
    options = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}
    backend = "core.cache_backends.RedisCache"
    settings.CACHES = {
        "default": {"BACKEND": backend, "LOCATION": cache.url, "KEY_PREFIX": "newsroom", "OPTIONS": options},
        "renditions": {"BACKEND": "core.cache_backends.RenditionCache", "LOCATION": cache.url, "OPTIONS": options},
        "pages": {"BACKEND": backend, "LOCATION": cache.url, "KEY_PREFIX": "newsroom-pages", "OPTIONS": options},
        "fragments": {"BACKEND": backend, "LOCATION": cache.url, "KEY_PREFIX": "fragments", "OPTIONS": options},
    }
    settings.REDIS_URL = durable.url
    settings.REDIS_CACHE_URL = cache.url
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    settings.NEWSROOM_REDIS_RETRY_SECONDS = RETRY_SECONDS
    settings.NEWSROOM_REDIS_COUNTER_TIMEOUT = 0.3


@pytest.fixture
def own_redis(settings, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    use_redis(settings, server, server)
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def two_redises(settings, tmp_path):
    """A durable Redis (counters) and a cache Redis, as production runs them."""
    durable, cache = RedisServer(tmp_path / "durable"), RedisServer(tmp_path / "cache")
    for server in (durable, cache):
        server.dir.mkdir()
        server.start()
    use_redis(settings, durable, cache)
    yield durable, cache
    for server in (durable, cache):
        if server.process.poll() is None:
            server.stop()


@pytest.fixture
def story(home_page):
    section = SectionPageFactory(parent=home_page, title="Politics")
    article = ArticlePageFactory(parent=section, title="Assembly elects speaker", authors=[AuthorFactory()])
    article.save_revision().publish()
    return article


def beacon(client, article, agent=BROWSER_UA):
    return client.post(
        "/api/views/",
        data=f"token={counting.view_token(article.pk)}",
        content_type="application/x-www-form-urlencoded",
        HTTP_USER_AGENT=agent,
    )


def wait_out_the_circuit():
    time.sleep(RETRY_SECONDS + 0.1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_readers_get_pages_while_redis_is_stopped_and_the_site_recovers_when_it_returns(
    client, own_redis, story, settings
):
    settings.NEWSROOM_HEALTH_TOKEN = "monitoring-token"
    client.get(story.url)
    assert client.get(story.url)["X-Page-Cache"] == "hit"

    own_redis.stop()
    for url in PUBLIC_URLS:
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200, url
        assert time.monotonic() - started < 2, url
        assert response.get("X-Page-Cache") != "hit", url
    assert "Assembly elects speaker" in client.get(story.url).content.decode()
    # The beacon answers, and says the view could not be counted.
    response = beacon(client, story)
    assert response.status_code == 204
    assert response["X-Newsroom-Counted"] == "no"
    health = client.get("/health/", HTTP_X_HEALTH_TOKEN="monitoring-token")
    assert health.status_code == 503
    assert health.json()["checks"]["redis"]["ok"] is False

    own_redis.start()
    wait_out_the_circuit()
    # The first request after recovery renews every cached page (purges may have been lost), then caching resumes.
    assert [client.get(story.url).get("X-Page-Cache") for _ in range(3)][-1] == "hit"
    response = beacon(client, story)
    assert response.status_code == 204 and "X-Newsroom-Counted" not in response
    assert counters.pending(counting.STREAM)
    assert client.get("/health/", HTTP_X_HEALTH_TOKEN="monitoring-token").json()["checks"]["redis"]["ok"] is True


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_stalled_redis_costs_one_timeout_and_a_publish_meanwhile_is_not_lost(client, own_redis, story, settings):
    settings.NEWSROOM_PAGE_CACHE_BYPASS_TOKEN = "outage-test"
    client.get(story.url)
    assert client.get(story.url)["X-Page-Cache"] == "hit"
    # What rendering the page costs on this machine now, so a busy machine is not taken for a slow circuit.
    started = time.monotonic()
    client.get(story.url, HTTP_X_NEWSROOM_BYPASS_CACHE="outage-test")
    render = time.monotonic() - started

    # Redis keeps its data but answers nobody for three seconds: a stalled server, not a restart.
    assert own_redis.cli("CLIENT", "PAUSE", "3000", "ALL").stdout.strip() == "OK"
    story.title = "Assembly elects new speaker after tie"
    story.save_revision().publish()  # its purge cannot reach Redis
    started = time.monotonic()
    for _ in range(5):
        assert "new speaker after tie" in client.get(story.url).content.decode()
    # The circuit is open: five pages wait on Redis (1 s timeouts) no longer than one timeout would.
    waited = time.monotonic() - started - 5 * render
    assert waited < 1.5, (waited, render)

    time.sleep(3)
    wait_out_the_circuit()
    # Redis still holds the old page; the purge it missed is made good on recovery.
    assert "new speaker after tie" in client.get(story.url).content.decode()
    assert client.get(story.url)["X-Page-Cache"] == "hit"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_two_redises_each_outage_costs_only_its_own_part(client, two_redises, story, settings):
    settings.NEWSROOM_HEALTH_TOKEN = "monitoring-token"
    durable, cache = two_redises

    def checks():
        return client.get("/health/", HTTP_X_HEALTH_TOKEN="monitoring-token").json()["checks"]

    client.get(story.url)
    assert client.get(story.url)["X-Page-Cache"] == "hit"

    # The cache Redis stops: pages render without it, and views are still counted.
    cache.stop()
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200, url
    response = beacon(client, story)
    assert response.status_code == 204 and "X-Newsroom-Counted" not in response
    assert counters.pending(counting.STREAM) == {(counters.hour_of(timezone.now()), str(story.pk)): 1}
    assert (checks()["cache"]["ok"], checks()["redis"]["ok"]) == (False, True)
    cache.start()
    wait_out_the_circuit()
    assert [client.get(story.url).get("X-Page-Cache") for _ in range(3)][-1] == "hit"

    # The durable Redis stops: cached pages are still served from the cache, views are not counted.
    durable.stop()
    assert client.get(story.url)["X-Page-Cache"] == "hit"
    response = beacon(client, story)
    assert response.status_code == 204 and response["X-Newsroom-Counted"] == "no"
    assert (checks()["cache"]["ok"], checks()["redis"]["ok"]) == (True, False)
    durable.start()  # it kept nothing on disk in this test: the buffered view went with it
    wait_out_the_circuit()
    response = beacon(client, story, agent=BROWSER_UA + " another reader")
    assert response.status_code == 204 and "X-Newsroom-Counted" not in response


def test_an_unreachable_database_is_a_503_page_not_a_traceback():
    script = (
        "from django.test import Client\n"
        "response = Client(raise_request_exception=False).get('/')\n"
        "print(response.status_code, response['Retry-After'], b'Back in a moment' in response.content)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        # Nothing listens on port 1: the database is down.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/newsroom",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1].split() == ["503", "60", "True"], result.stdout + result.stderr

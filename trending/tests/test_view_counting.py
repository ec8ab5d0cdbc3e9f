"""One reader counts once: per-address caps, other sites' pages, expiring tokens, a maintained bot list.

Each test runs on the database path (the embedded default, no Redis) and on
Redis, where the decision is one Lua script.
"""

import datetime
import time
from unittest import mock

import pytest
from django.core.cache import cache

from core import counters, marks
from core.models import CounterMark
from trending import counting, ranking
from trending.models import ArticleViewHour
from trending.tests.test_trending import BROWSER_UA, beacon, clean_counters, newsroom  # noqa: F401


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def counting_path(request, settings):
    if request.param == "database":
        settings.REDIS_URL = ""
    return request.param


def totals(article):
    """(valid views, invalid views) of `article`, stored and still buffered."""
    rows = ArticleViewHour.objects.filter(article_id=article.pk).values_list("views", "invalid_views")
    valid, invalid = sum(row[0] for row in rows), sum(row[1] for row in rows)
    for (_, key), amount in counters.pending(counting.STREAM).items():
        if key == str(article.pk):
            valid += amount
        elif key == marks.invalid_key(article.pk):
            invalid += amount
    return valid, invalid


@pytest.mark.django_db
def test_one_address_rotating_its_user_agent_counts_up_to_the_cap_and_the_rest_is_invalid(
    client,
    newsroom,  # noqa: F811
    settings,
    counting_path,
):
    settings.NEWSROOM_VIEW_CAP_PER_ADDRESS_HOUR = 5
    article, other = newsroom["a"], newsroom["b"]
    token = counting.view_token(article.pk)
    statuses = {beacon(client, token, ua=f"{BROWSER_UA} r{n}").status_code for n in range(12)}
    assert statuses == {204}  # the client learns nothing
    assert totals(article) == (5, 7)
    # The cap is per article: the same address still counts for another story.
    beacon(client, counting.view_token(other.pk), ua=f"{BROWSER_UA} r0")
    assert totals(other) == (1, 0)
    # And per address: a reader elsewhere behind another address counts.
    beacon(client, token, ua=f"{BROWSER_UA} r0", REMOTE_ADDR="10.1.2.3")
    assert totals(article) == (6, 7)
    # Invalid views never reach trending.
    assert counting.recent_views([article.pk])[article.pk][-1] == 6


@pytest.mark.django_db
def test_invalid_views_are_kept_apart_through_the_flush_and_out_of_the_ranking(client, newsroom, settings):  # noqa: F811
    settings.NEWSROOM_VIEW_CAP_PER_ADDRESS_HOUR = 2
    token = counting.view_token(newsroom["a"].pk)
    for n in range(6):
        beacon(client, token, ua=f"{BROWSER_UA} r{n}")
    for n in range(3):
        beacon(client, counting.view_token(newsroom["b"].pk), ua=f"{BROWSER_UA} r{n}", REMOTE_ADDR=f"10.0.0.{n}")
    if settings.REDIS_URL:
        # Close the hour, as its end would, and flush: ranking reads the table.
        client_redis = counters.redis_client()
        for raw in client_redis.smembers("newsroom:ctr:views:open"):
            key = raw.decode()
            hour = counters._parse_hour(key) - datetime.timedelta(hours=2)  # closed, even in the first 90 s of an hour
            client_redis.rename(key, counters.bucket_key("views", hour))
            client_redis.srem("newsroom:ctr:views:open", key)
            client_redis.sadd("newsroom:ctr:views:open", counters.bucket_key("views", hour))
        assert counting.flush_views().entries == 3  # a, invalid a, b
    assert ArticleViewHour.objects.filter(article_id=newsroom["a"].pk).values_list("views", "invalid_views").get() == (
        2,
        4,
    )
    scores = {item["article"]: item["score"] for item in ranking.recompute_trending()["site"]}
    # a has 2 honest views and 4 invalid ones, b has 3 honest views: b ranks first.
    assert scores[newsroom["b"].pk] > scores[newsroom["a"].pk]


@pytest.mark.django_db
def test_beacons_from_another_sites_page_are_refused_and_count_nothing(client, newsroom, counting_path):  # noqa: F811
    article = newsroom["a"]
    token = counting.view_token(article.pk)
    refused = [
        beacon(client, token, ua=f"{BROWSER_UA} a", HTTP_SEC_FETCH_SITE="cross-site"),
        beacon(client, token, ua=f"{BROWSER_UA} b", HTTP_ORIGIN="https://evil.example"),
        beacon(client, token, ua=f"{BROWSER_UA} c", HTTP_ORIGIN="null"),
    ]
    for response in refused:
        assert response.status_code == 403
        assert "this site" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    assert totals(article) == (0, 0)
    assert beacon(client, token, ua=f"{BROWSER_UA} d", HTTP_SEC_FETCH_SITE="same-origin").status_code == 204
    assert beacon(client, token, ua=f"{BROWSER_UA} e", HTTP_ORIGIN="http://testserver").status_code == 204
    assert totals(article) == (2, 0)


@pytest.mark.django_db
def test_view_tokens_expire(client, newsroom, settings, counting_path):  # noqa: F811
    settings.NEWSROOM_VIEW_TOKEN_MAX_AGE = 3600
    article = newsroom["a"]
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3700):
        old = counting.view_token(article.pk)
    response = beacon(client, old)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert totals(article) == (0, 0)
    assert beacon(client, counting.view_token(article.pk)).status_code == 204
    assert totals(article) == (1, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Qwantify/2.4w; +https://www.qwant.com/)",
        "ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)",
        "Mozilla/5.0 (compatible; Yahoo Ad monitoring; https://help.yahoo.com/kb/yahoo-ad-monitoring-SLN24857.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
    ],
)
def test_crawlers_on_the_maintained_list_are_not_counted(client, newsroom, agent):  # noqa: F811
    article = newsroom["a"]
    assert beacon(client, counting.view_token(article.pk), ua=agent).status_code == 204
    assert totals(article) == (0, 0)


@pytest.mark.django_db
def test_without_redis_churning_the_cache_resets_no_limit(client, newsroom, settings):  # noqa: F811
    """The embedded default: marks live in their own table, which nothing culls to make room."""
    settings.REDIS_URL = ""
    settings.NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE = 5
    token = counting.view_token(newsroom["a"].pk)
    statuses = []
    for n in range(8):
        statuses.append(beacon(client, token, ua=f"{BROWSER_UA} r{n}").status_code)
        for junk in range(400):  # more than the database cache's 300 entries, between every two beacons
            cache.set(f"churn:{n}:{junk}", "x")
    assert statuses == [204] * 5 + [429] * 3
    assert totals(newsroom["a"]) == (5, 0)
    # The same reader again: still "already counted", whatever the cache lost.
    assert beacon(client, token, ua=f"{BROWSER_UA} r0", REMOTE_ADDR="10.9.9.9").status_code == 204
    assert beacon(client, token, ua=f"{BROWSER_UA} r0", REMOTE_ADDR="10.9.9.9").status_code == 204
    assert totals(newsroom["a"]) == (6, 0)
    assert CounterMark.objects.filter(key__startswith="newsroom:seen:").count() == 6


@pytest.mark.django_db
def test_expired_marks_are_purged_and_a_window_restarts_after_its_ttl(settings):  # noqa: F811
    settings.REDIS_URL = ""
    assert marks.incr("window", 60) == 1
    assert marks.incr("window", 60) == 2
    assert marks.add("seen", 60) is True
    assert marks.add("seen", 60) is False
    CounterMark.objects.update(expires_at=CounterMark.objects.get(key="window").expires_at.replace(year=2000))
    assert marks.incr("window", 60) == 1  # an expired window starts again
    assert marks.add("seen", 60) is True
    CounterMark.objects.update(expires_at=CounterMark.objects.get(key="window").expires_at.replace(year=2000))
    assert marks.purge_expired() == 2
    assert not CounterMark.objects.exists()


@pytest.mark.django_db
def test_an_ipv6_client_rotating_addresses_within_its_64_is_one_address(client, newsroom, settings):  # noqa: F811
    settings.NEWSROOM_VIEW_CAP_PER_ADDRESS_HOUR = 3
    article = newsroom["a"]
    token = counting.view_token(article.pk)
    for n in range(8):
        beacon(client, token, ua=f"{BROWSER_UA} r{n}", REMOTE_ADDR=f"2001:db8:aa:bb::{n + 1:x}")
    assert totals(article) == (3, 5)
    # Another /64 is another client.
    beacon(client, token, ua=f"{BROWSER_UA} r0", REMOTE_ADDR="2001:db8:aa:cc::1")
    assert totals(article) == (4, 5)

"""Trending: counting views through the one pipeline, decayed scores, pins and bans, the beacon."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import counters
from news.factories import ArticlePageFactory, SectionPageFactory
from tests.helpers import wait_until
from trending import counting, ranking
from trending.models import ArticleViewHour, TrendingList, TrendingOverride

BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def clean_counters(settings):
    settings.NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE = 1000
    if settings.REDIS_URL:
        client = counters.redis_client()
        for pattern in ("newsroom:ctr:*", "newsroom:seen:*", "newsroom:rl:*", "newsroom:cap:*"):
            keys = list(client.scan_iter(pattern))
            if keys:
                client.delete(*keys)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def newsroom(home_page):
    politics = SectionPageFactory(parent=home_page, title="Politics")
    sports = SectionPageFactory(parent=home_page, title="Sports")
    now = timezone.now()
    articles = {}
    for name, section in [("a", politics), ("b", politics), ("c", sports), ("d", sports), ("e", politics)]:
        article = ArticlePageFactory(
            parent=section, title=f"Story {name}", display_date=now - datetime.timedelta(hours=3)
        )
        article.save_revision().publish()
        articles[name] = article
    return {"politics": politics, "sports": sports, **articles}


def add_views(article, hours_ago, views, now):
    hour = counters.hour_of(now) - datetime.timedelta(hours=hours_ago)
    ArticleViewHour.objects.create(article_id=article.pk, hour=hour, views=views)


def reference_score(history, half_life):
    return sum(views * 0.5 ** (hours_ago / half_life) for hours_ago, views in history)


@pytest.mark.django_db
def test_ranking_matches_a_reference_computed_independently(newsroom):
    now = timezone.now()
    history = {
        "a": [(0, 10), (1, 10)],  # fresh and steady
        "b": [(12, 200)],  # big but two half-lives old
        "c": [(0, 30)],
        "d": [(47, 5000), (48, 9999)],  # only the first is inside the 48-hour window
        "e": [(3, 40), (6, 40)],
    }
    for name, points in history.items():
        for hours_ago, views in points:
            add_views(newsroom[name], hours_ago, views, now)
    lists = ranking.recompute_trending(now)

    half_life = settings.NEWSROOM_TRENDING_HALF_LIFE_HOURS
    window = [(h, v) for h, v in history["d"] if h < 48]
    expected = {name: reference_score(window if name == "d" else points, half_life) for name, points in history.items()}
    expected_order = sorted(expected, key=lambda name: -expected[name])
    site = lists["site"]
    assert [item["article"] for item in site] == [newsroom[name].pk for name in expected_order]
    for item in site:
        name = next(n for n in expected if newsroom[n].pk == item["article"])
        assert item["score"] == pytest.approx(expected[name], rel=1e-3)
    politics = [item["article"] for item in lists[f"section:{newsroom['politics'].pk}"]]
    assert set(politics) == {newsroom["a"].pk, newsroom["b"].pk, newsroom["e"].pk}
    stored = TrendingList.objects.get(scope="site")
    assert stored.items == site and stored.computed_at == now


@pytest.mark.django_db
def test_unpublished_excluded_and_old_stories_are_left_out(newsroom):
    now = timezone.now()
    for name in "abc":
        add_views(newsroom[name], 0, 100, now)
    newsroom["a"].unpublish()
    newsroom["b"].exclude_from_trending = True
    newsroom["b"].save_revision().publish()
    type(newsroom["c"]).objects.filter(pk=newsroom["c"].pk).update(display_date=now - datetime.timedelta(days=30))
    add_views(newsroom["d"], 0, 1, now)
    ids = [item["article"] for item in ranking.recompute_trending(now)["site"]]
    assert ids == [newsroom["d"].pk]


@pytest.mark.django_db
def test_pins_and_bans_apply_until_they_expire(newsroom):
    now = timezone.now()
    for n, name in enumerate("abcde"):
        add_views(newsroom[name], 0, 100 - n * 10, now)  # natural order a b c d e
    TrendingOverride.objects.create(
        article=newsroom["e"], action="pin", position=1, expires_at=now + datetime.timedelta(hours=1)
    )
    TrendingOverride.objects.create(article=newsroom["a"], action="ban", expires_at=now + datetime.timedelta(hours=1))
    TrendingOverride.objects.create(
        article=newsroom["d"], action="pin", position=2, expires_at=now - datetime.timedelta(minutes=1)
    )
    ids = [item["article"] for item in ranking.recompute_trending(now)["site"]]
    assert ids == [newsroom[name].pk for name in "ebcd"]
    later = now + datetime.timedelta(hours=2)
    ids = [item["article"] for item in ranking.recompute_trending(later)["site"]]
    assert ids[0] == newsroom["a"].pk  # the ban expired; the pin too


def beacon(client, token, **headers):
    return client.post(
        "/api/views/",
        data=f"token={token}",
        content_type="application/x-www-form-urlencoded",
        HTTP_USER_AGENT=headers.pop("ua", BROWSER_UA),
        **headers,
    )


def counted(article):
    total = sum(ArticleViewHour.objects.filter(article_id=article.pk).values_list("views", flat=True))
    return total + sum(amount for (_, key), amount in counters.pending("views").items() if key == str(article.pk))


@pytest.mark.django_db
def test_beacon_counts_once_per_visitor_per_hour_and_drops_bots_and_prefetch(client, newsroom):
    article = newsroom["a"]
    token = counting.view_token(article.pk)
    response = beacon(client, token)
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert counted(article) == 1
    assert beacon(client, token).status_code == 204
    assert counted(article) == 1  # same visitor within the hour
    beacon(client, token, ua=BROWSER_UA + " Firefox/133.0")
    assert counted(article) == 2  # another visitor (another browser)
    beacon(client, token, ua="Googlebot/2.1 (+http://www.google.com/bot.html)")
    beacon(client, token, ua="")
    beacon(client, token, ua=BROWSER_UA + " X", HTTP_SEC_PURPOSE="prefetch;prerender")
    beacon(client, token, ua=BROWSER_UA + " Y", HTTP_PURPOSE="prefetch")
    assert counted(article) == 2


@pytest.mark.django_db
def test_beacon_rejects_bad_input_and_counts_nothing(client, newsroom):
    article = newsroom["a"]
    good = counting.view_token(article.pk)
    forged = good.rsplit(":", 1)[0] + ":" + "A" * 27
    other_salt = __import__("django.core.signing", fromlist=["Signer"]).Signer(salt="other").sign(str(article.pk))
    cases = [
        "",
        "123",
        str(article.pk),
        forged,
        other_salt,
        good + "x",
        good.replace(str(article.pk), str(article.pk + 1), 1),
        "%00",
        "é" * 50,
        "🙂" * 20,
        "../../etc/passwd",
        "' OR 1=1 --",
        good[:-1],
    ]
    for token in cases:
        response = beacon(client, token)
        assert 400 <= response.status_code < 500, (token, response.status_code)
    assert client.get("/api/views/").status_code == 405
    assert client.put("/api/views/", data=f"token={good}").status_code == 405
    huge = client.post("/api/views/", data="token=" + "x" * 5000, content_type="application/x-www-form-urlencoded")
    assert huge.status_code == 413
    assert counted(article) == 0


@pytest.mark.django_db
def test_beacon_is_rate_limited_per_ip(client, newsroom, settings):
    settings.NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE = 5
    token = counting.view_token(newsroom["a"].pk)
    statuses = [beacon(client, token, ua=f"{BROWSER_UA} n{n}").status_code for n in range(8)]
    assert statuses[:5] == [204] * 5
    assert statuses[5:] == [429] * 3
    assert counted(newsroom["a"]) == 5


@pytest.mark.redis
@pytest.mark.django_db
def test_beacon_on_redis_writes_nothing_to_the_database(client, newsroom):
    token = counting.view_token(newsroom["b"].pk)
    beacon(client, token)  # warm-up: URL resolver, signing key
    with CaptureQueriesContext(connection) as queries:
        response = beacon(client, token, ua=BROWSER_UA + " other")
    assert response.status_code == 204
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert counted(newsroom["b"]) == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_flush_moves_closed_buckets_once(newsroom):
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    for _ in range(3):
        counters.count("views", str(newsroom["a"].pk), at=two_hours_ago)
    counters.count("views", str(newsroom["c"].pk), amount=5, at=two_hours_ago)
    counters.count("views", str(newsroom["c"].pk))  # current hour: stays buffered
    result = counting.flush_views()
    assert result.buckets == 1 and result.entries == 2
    assert counted(newsroom["a"]) == 3 and counted(newsroom["c"]) == 6
    assert ArticleViewHour.objects.get(article_id=newsroom["c"].pk).views == 5
    assert counting.flush_views().buckets == 0
    assert ArticleViewHour.objects.get(article_id=newsroom["a"].pk).views == 3


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_flush_that_fails_mid_apply_loses_nothing(newsroom, monkeypatch):
    hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=5)
    for _ in range(4):
        counters.count("views", str(newsroom["a"].pk), at=hour_ago)
    stream = counters.stream("views")
    original = stream.apply

    def failing(rows):
        original(rows)
        raise ConnectionError("database went away mid-flush")

    monkeypatch.setattr(stream, "apply", failing)
    with pytest.raises(ConnectionError):
        counting.flush_views()
    monkeypatch.setattr(stream, "apply", original)
    assert ArticleViewHour.objects.filter(article_id=newsroom["a"].pk).count() == 0  # rolled back
    counting.flush_views()
    assert ArticleViewHour.objects.get(article_id=newsroom["a"].pk).views == 4


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.parametrize("crash_point", ["record", "claim", "apply"])
def test_worker_killed_during_a_flush_loses_nothing_and_counts_nothing_twice(
    celery_worker_factory, newsroom, crash_point
):
    hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=5)
    for _ in range(7):
        counters.count("views", str(newsroom["a"].pk), at=hour_ago)
    counters.count("views", str(newsroom["b"].pk), amount=11, at=hour_ago)

    doomed = celery_worker_factory(broker="redis", extra_env={"NEWSROOM_FLUSH_CRASH_AFTER": crash_point})
    doomed.send("trending.tasks.flush_views")
    assert wait_until(lambda: doomed.process.poll() is not None, 30), doomed.log()
    assert doomed.process.returncode != 0  # it really died mid-flush

    worker = celery_worker_factory(broker="redis")
    assert worker.send("trending.tasks.flush_views").get(timeout=30)["skipped_duplicates"] == (
        1 if crash_point == "apply" else 0
    )
    assert ArticleViewHour.objects.get(article_id=newsroom["a"].pk).views == 7
    assert ArticleViewHour.objects.get(article_id=newsroom["b"].pk).views == 11
    assert counters.pending("views") == {}


@pytest.mark.redis
@pytest.mark.celery_worker
def test_views_to_trending_end_to_end_through_a_real_worker(celery_worker_factory, client, newsroom):
    worker = celery_worker_factory(broker="redis")
    # Readers view c most, then a; the beacon buckets them in Redis.
    for name, readers in [("c", 6), ("a", 3), ("b", 1)]:
        token = counting.view_token(newsroom[name].pk)
        for reader in range(readers):
            assert beacon(client, token, ua=f"{BROWSER_UA} r{reader}").status_code == 204
    # Move the buckets back so they are closed, as they would be after the hour turns.
    client_redis = counters.redis_client()
    for raw in client_redis.smembers("newsroom:ctr:views:open"):
        key = raw.decode()
        hour = counters._parse_hour(key) - datetime.timedelta(hours=2)  # closed, even in the first 90 s of an hour
        closed = f"newsroom:ctr:views:{hour:%Y%m%d%H}"
        client_redis.rename(key, closed)
        client_redis.srem("newsroom:ctr:views:open", key)
        client_redis.sadd("newsroom:ctr:views:open", closed)

    assert worker.send("trending.tasks.flush_views").get(timeout=30)["entries"] == 3
    assert worker.send("trending.tasks.recompute_trending").get(timeout=30)["site"] == 3
    html = client.get("/fragments/trending/site/?style=list").content.decode()
    assert html.index("Story c") < html.index("Story a") < html.index("Story b")


@pytest.mark.django_db
def test_fragment_endpoint(client, newsroom):
    now = timezone.now()
    add_views(newsroom["d"], 0, 50, now)
    add_views(newsroom["a"], 0, 20, now)
    ranking.recompute_trending(now)
    response = client.get("/fragments/trending/site/?style=ticker")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trending" in html and html.index("Story d") < html.index("Story a")
    assert "public" in response["Cache-Control"] and "s-maxage=60" in response["Cache-Control"]
    sports = client.get(f"/fragments/trending/section:{newsroom['sports'].pk}/?style=list").content.decode()
    assert "Story d" in sports and "Story a" not in sports
    for bad in ["/fragments/trending/evil/", "/fragments/trending/section:x/", "/fragments/trending/site/?style=<b>"]:
        assert client.get(bad).status_code == 404


@pytest.mark.django_db
def test_article_page_carries_a_view_token_and_trending_slots(client, newsroom):
    # The token is signed with the second it was made: the request may straddle a second.
    before = counting.view_token(newsroom["a"].pk)
    html = client.get(newsroom["a"].url).content.decode()
    after = counting.view_token(newsroom["a"].pk)
    assert f'data-view-token="{before}"' in html or f'data-view-token="{after}"' in html
    assert 'data-fragment="/fragments/trending/site/?style=ticker"' in html
    assert "Most read" in html
    section_html = client.get(newsroom["sports"].url).content.decode()
    assert "Trending in Sports" in section_html
    assert f'data-fragment="/fragments/trending/section:{newsroom["sports"].pk}/?style=list"' in section_html


@pytest.fixture
def desk_users(django_user_model, home_page):
    from django.contrib.auth.models import Group

    from home.permissions import setup_newsroom

    setup_newsroom()
    users = {}
    for name, group in [("editor", "Editors"), ("reporter", "Reporters")]:
        user = django_user_model.objects.create_user(name, f"{name}@example.com", "a-long-password-1")
        user.groups.add(Group.objects.get(name=group))
        users[name] = user
    return users


@pytest.mark.django_db
def test_board_shows_ranking_with_numbers_and_lets_editors_pin_and_ban(client, newsroom, desk_users):
    now = timezone.now()
    for n, name in enumerate("abcd"):
        add_views(newsroom[name], 0, 40 - n * 10, now)
        add_views(newsroom[name], 3, 5, now)
    ranking.recompute_trending(now)
    client.force_login(desk_users["editor"])
    html = client.get("/admin/trending/").content.decode()
    assert html.index("Story a") < html.index("Story b") < html.index("Story d")
    assert "<polyline" in html and "Views 1 h" in html
    assert ">40<" in html and ">45<" in html  # a: 40 in the last hour, 45 in 24 hours

    response = client.post(
        "/admin/trending/overrides/", {"article": newsroom["d"].pk, "action": "pin", "position": 1, "hours": 2}
    )
    assert response.status_code == 302
    assert TrendingList.objects.get(scope="site").items[0]["article"] == newsroom["d"].pk
    client.post("/admin/trending/overrides/", {"article": newsroom["a"].pk, "action": "ban", "hours": 1})
    ids = [item["article"] for item in TrendingList.objects.get(scope="site").items]
    assert newsroom["a"].pk not in ids

    # A pin without a position is refused with a message, not saved.
    before = TrendingOverride.objects.count()
    response = client.post(
        "/admin/trending/overrides/", {"article": newsroom["b"].pk, "action": "pin", "hours": 1}, follow=True
    )
    assert "Choose the position" in response.content.decode()
    assert TrendingOverride.objects.count() == before

    ban = TrendingOverride.objects.get(action="ban")
    client.post(f"/admin/trending/overrides/{ban.pk}/delete/")
    assert newsroom["a"].pk in [item["article"] for item in TrendingList.objects.get(scope="site").items]


@pytest.mark.django_db
def test_reporters_cannot_use_the_board(client, newsroom, desk_users):
    client.force_login(desk_users["reporter"])
    assert client.get("/admin/trending/").status_code in (302, 403)
    response = client.post("/admin/trending/overrides/", {"article": newsroom["a"].pk, "action": "ban", "hours": 1})
    assert response.status_code in (302, 403)
    assert TrendingOverride.objects.count() == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_late_bucket_for_a_flushed_hour_adds_a_row_and_every_reader_sums_them(newsroom):
    """ArticleViewHour is append-only: a second bucket for the same hour (views that arrived
    after the first flush) becomes a second row, and the board and the ranking add both."""
    now = timezone.now()
    two_hours_ago = now - datetime.timedelta(hours=2)
    for _ in range(3):
        counters.count("views", str(newsroom["a"].pk), at=two_hours_ago)
    assert counting.flush_views(now=now).entries == 1
    counters.count("views", str(newsroom["a"].pk), amount=4, at=two_hours_ago)  # late arrivals, same hour
    counters.count("views", str(newsroom["b"].pk), amount=5, at=two_hours_ago)
    assert counting.flush_views(now=now).entries == 2

    rows = ArticleViewHour.objects.filter(article_id=newsroom["a"].pk)
    assert sorted(rows.values_list("views", flat=True)) == [3, 4]
    assert len({row.hour for row in rows}) == 1
    assert counting.recent_views([newsroom["a"].pk], now=now)[newsroom["a"].pk][-3] == 7
    scores = {item["article"]: item["score"] for item in ranking.recompute_trending(now=now)["site"]}
    assert scores[newsroom["a"].pk] > scores[newsroom["b"].pk]  # 7 views beat 5 in the same hour


@pytest.mark.django_db
def test_the_database_path_adds_each_view_onto_one_row(newsroom, settings):
    """Without Redis every view is written at once; it must not add a row per view."""
    settings.REDIS_URL = ""
    article = newsroom["c"]
    for _ in range(4):
        counters.count("views", str(article.pk))
    assert list(ArticleViewHour.objects.filter(article_id=article.pk).values_list("views", flat=True)) == [4]


@pytest.mark.django_db
def test_pinning_article_zero_is_refused_with_a_message(client, newsroom, desk_users):
    client.force_login(desk_users["editor"])
    response = client.post(
        "/admin/trending/overrides/", {"article": 0, "action": "pin", "position": 1, "hours": 1}, follow=True
    )
    assert response.status_code == 200
    assert "That story no longer exists" in response.content.decode()
    assert TrendingOverride.objects.count() == 0


@pytest.mark.django_db
def test_the_board_shows_pin_expiry_in_the_newsrooms_time_zone(client, newsroom, desk_users, settings):
    settings.TIME_ZONE = "Africa/Lagos"  # UTC+1, no daylight saving
    expiry = timezone.now().replace(minute=30, second=0, microsecond=0) + datetime.timedelta(hours=5)
    TrendingOverride.objects.create(article=newsroom["a"], action="pin", position=1, expires_at=expiry)
    client.force_login(desk_users["editor"])
    html = client.get("/admin/trending/").content.decode()
    lagos = timezone.localtime(expiry, timezone=zoneinfo.ZoneInfo("Africa/Lagos"))
    assert f"until {lagos:%Y-%m-%d %H:%M} (Africa/Lagos)" in html
    assert f"until {expiry.astimezone(datetime.UTC):%Y-%m-%d %H:%M}" not in html


@pytest.mark.django_db
def test_editors_find_any_live_story_on_the_board_and_pin_it(client, newsroom, home_page, desk_users):
    """Not only the top ten: a search by headline words lists live stories, each with its own pin form."""
    outside = ArticlePageFactory(parent=newsroom["politics"], title="Governor signs the flood relief bill")
    outside.save_revision().publish()
    draft = ArticlePageFactory(parent=newsroom["politics"], title="Governor signs a draft budget", live=False)
    client.force_login(desk_users["editor"])

    html = client.get("/admin/trending/", {"q": "governor SIGNS"}).content.decode()
    found = html[html.index("Live stories matching") : html.index(">Ranking<")]
    assert "Governor signs the flood relief bill" in found
    assert "draft budget" not in found  # only live stories
    assert f'name="article" value="{outside.pk}"' in found
    assert "No live story" in client.get("/admin/trending/", {"q": "zzyzx"}).content.decode()

    response = client.post(
        "/admin/trending/overrides/", {"article": outside.pk, "action": "pin", "position": 2, "hours": 3}
    )
    assert response.status_code == 302
    assert TrendingOverride.objects.get(article=outside).position == 2
    assert outside.pk in [item["article"] for item in TrendingList.objects.get(scope="site").items]

    # Ids past the database's integer range are no story, not a server error.
    huge = "9" * 20
    assert client.get("/admin/trending/", {"article": huge}).status_code == 200
    response = client.post(
        "/admin/trending/overrides/", {"article": huge, "action": "pin", "position": 1, "hours": 1}, follow=True
    )
    assert response.status_code == 200

    # A story that is not live is refused with a message, and nothing is stored.
    before = TrendingOverride.objects.count()
    response = client.post(
        "/admin/trending/overrides/",
        {"article": draft.pk, "action": "pin", "position": 1, "hours": 1},
        follow=True,
    )
    assert "is not live" in response.content.decode()
    assert TrendingOverride.objects.count() == before


@pytest.mark.django_db
def test_the_article_editor_offers_pinning_a_live_story(client, newsroom, desk_users):
    client.force_login(desk_users["editor"])
    story = newsroom["b"]
    html = client.get(f"/admin/pages/{story.pk}/edit/").content.decode()
    assert f"/admin/trending/?article={story.pk}" in html and "Pin or ban in Trending" in html
    board = client.get("/admin/trending/", {"article": story.pk}).content.decode()
    assert f'name="article" value="{story.pk}"' in board[board.index("Story to pin") : board.index(">Ranking<")]

    # Reporters have no board: no button for them; and none on a story that is not live.
    draft = ArticlePageFactory(parent=newsroom["politics"], title="Not yet", live=False)
    assert "Pin or ban in Trending" not in client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    client.force_login(desk_users["reporter"])
    own = ArticlePageFactory(parent=newsroom["politics"], title="Reporter's story", owner=desk_users["reporter"])
    own.save_revision().publish()
    assert "Pin or ban in Trending" not in client.get(f"/admin/pages/{own.pk}/edit/").content.decode()

"""Counting ads: the impression beacon, the click redirect, bad input, open redirects, the roll-up, real workers."""

import datetime
import time
from unittest import mock
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ads import counting, tokens
from ads.models import AdDailyStat, Campaign, Creative, Slot
from ads.tests.support import BROWSER_UA, ads_clean, campaign_with, click_urls, paper, slots  # noqa: F401
from ads.tests.support import counted as counted_ids
from ads.tokens import AdRef
from core import counters
from tests.helpers import wait_until

EVIL = "evil.example"


@pytest.fixture
def ad(slots, ads_clean):  # noqa: F811
    campaign, [creative] = campaign_with(slot_keys=("sidebar_top", "in_article"))
    slot = slots["sidebar_top"]
    ref = AdRef(creative.pk, slot.pk, 0, 0)
    return {
        "campaign": campaign,
        "creative": creative,
        "slot": slot,
        "ref": ref,
        "impression": tokens.impression_token(ref),
        "click": tokens.click_token(ref),
    }


def beacon(client, token, ua=BROWSER_UA, **headers):
    return client.post(
        "/ads/i/",
        data=f"token={token}",
        content_type="application/x-www-form-urlencoded",
        HTTP_USER_AGENT=ua,
        **headers,
    )


def click(client, token, ua=BROWSER_UA, query="", **headers):
    return client.get(f"/ads/c/{token}/{query}", HTTP_USER_AGENT=ua, **headers)


def counted(creative, slot, kind):
    return counted_ids(creative.pk, slot.pk, kind)


def assert_private(response):
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"], response
    assert response["X-Robots-Tag"] == "noindex"


# The impression beacon


@pytest.mark.django_db
def test_an_impression_counts_once_per_reader_and_never_for_bots_or_prefetches(client, ad):
    response = beacon(client, ad["impression"])
    assert response.status_code == 204
    assert_private(response)
    assert not response.cookies
    assert counted(ad["creative"], ad["slot"], "i") == 1
    assert beacon(client, ad["impression"]).status_code == 204  # a replay within the minute
    assert counted(ad["creative"], ad["slot"], "i") == 1
    beacon(client, ad["impression"], ua=BROWSER_UA + " Firefox/133.0")
    assert counted(ad["creative"], ad["slot"], "i") == 2  # another reader
    beacon(client, ad["impression"], ua="Googlebot/2.1 (+http://www.google.com/bot.html)")
    beacon(client, ad["impression"], ua="")
    beacon(client, ad["impression"], ua="python-requests/2.32")
    beacon(client, ad["impression"], ua=BROWSER_UA + " X", HTTP_SEC_PURPOSE="prefetch;prerender")
    beacon(client, ad["impression"], ua=BROWSER_UA + " Y", HTTP_PURPOSE="prefetch")
    assert counted(ad["creative"], ad["slot"], "i") == 2
    # The same ad in another position of the same page is another impression.
    second = tokens.impression_token(AdRef(ad["creative"].pk, ad["slot"].pk, 0, 2))
    beacon(client, second)
    assert counted(ad["creative"], ad["slot"], "i") == 3


@pytest.mark.django_db
def test_impression_counts_reach_the_daily_table_by_day_in_the_newsroom_time_zone(ad, settings):
    creative, slot = ad["creative"], ad["slot"]
    key = counting.counter_key(creative.pk, slot.pk, counting.IMPRESSION)
    late_evening = datetime.datetime(2030, 3, 1, 22, tzinfo=datetime.UTC)  # 23:00 in Lagos
    after_midnight = datetime.datetime(2030, 3, 1, 23, tzinfo=datetime.UTC)  # 00:00 on the 2nd in Lagos
    counting._apply([(late_evening, key, 3), (after_midnight, key, 4), (after_midnight, "junk", 9)])
    counting._apply([(after_midnight, key, 1), (after_midnight, counting.counter_key(creative.pk, slot.pk, "c"), 2)])
    rows = {
        row.date.isoformat(): (row.impressions, row.clicks, row.campaign_id)
        for row in AdDailyStat.objects.filter(creative_id=creative.pk)
    }
    assert rows == {"2030-03-01": (3, 0, ad["campaign"].pk), "2030-03-02": (5, 2, ad["campaign"].pk)}


@pytest.mark.django_db
def test_without_redis_a_count_goes_straight_into_the_table(client, ad, settings):
    settings.REDIS_URL = ""
    beacon(client, ad["impression"])
    click(client, ad["click"])
    row = AdDailyStat.objects.get(creative_id=ad["creative"].pk)
    assert (row.impressions, row.clicks, row.date) == (1, 1, timezone.localdate())


@pytest.mark.django_db
def test_the_impression_endpoint_refuses_bad_input_and_counts_nothing(client, ad):
    good = ad["impression"]
    value, stamp, signature = good.split(":")
    other_salt = signing.TimestampSigner(salt="other").sign(str(ad["ref"]))
    unknown = tokens.impression_token(AdRef(999_999, ad["slot"].pk, 0, 0))
    unknown_slot = tokens.impression_token(AdRef(ad["creative"].pk, 999_999, 0, 0))
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * tokens.IMPRESSION_MAX_AGE):
        expired = tokens.impression_token(ad["ref"])
    cases = {
        "": 400,
        "123": 400,
        str(ad["ref"]): 400,
        f"{value}:{stamp}:{'A' * len(signature)}": 400,
        f"{ad['creative'].pk + 1}.{ad['slot'].pk}.0.0:{stamp}:{signature}": 400,
        other_salt: 400,
        ad["click"]: 400,  # a click token is not an impression token
        good + "x": 400,
        good[:-1]: 400,
        expired: 400,
        unknown: 404,
        unknown_slot: 404,
        "%00": 400,
        "é" * 50: 400,
        "🙂" * 20: 400,
        "../../etc/passwd": 400,
        "' OR 1=1 --": 400,
        "1.2.3.4:" + "x" * 180: 400,
    }
    for token, status in cases.items():
        response = beacon(client, token)
        assert response.status_code == status, (token, response.status_code)
        assert_private(response)
    for response in [
        client.get("/ads/i/"),
        client.get(f"/ads/i/?token={good}"),
        client.put("/ads/i/", data=f"token={good}"),
        client.delete("/ads/i/"),
    ]:
        assert response.status_code == 405
        assert_private(response)
    huge = client.post("/ads/i/", data="token=" + "x" * 5000, content_type="application/x-www-form-urlencoded")
    assert huge.status_code == 413
    assert_private(huge)
    lying = client.post("/ads/i/", data=f"token={good}", content_type="text/plain", CONTENT_LENGTH="abc")
    assert lying.status_code == 400
    as_json = client.post("/ads/i/", data={"token": good}, content_type="application/json")
    assert as_json.status_code == 400
    assert counted(ad["creative"], ad["slot"], "i") == 0
    # A raw body (sendBeacon with a plain string) is accepted.
    assert client.post("/ads/i/", data=good, content_type="text/plain", HTTP_USER_AGENT=BROWSER_UA).status_code == 204
    assert counted(ad["creative"], ad["slot"], "i") == 1


@pytest.mark.django_db
def test_the_beacon_is_rate_limited_per_address(client, ad, settings):
    settings.NEWSROOM_ADS_RATE_LIMIT_PER_MINUTE = 5
    statuses = [beacon(client, ad["impression"], ua=f"{BROWSER_UA} n{n}").status_code for n in range(8)]
    assert statuses == [204] * 5 + [429] * 3
    assert counted(ad["creative"], ad["slot"], "i") == 5
    # A reader over the limit still reaches the advertiser; the click is not counted.
    response = click(client, ad["click"], ua=BROWSER_UA + " clicker")
    assert response.status_code == 302 and response["Location"] == ad["creative"].link_url
    assert counted(ad["creative"], ad["slot"], "c") == 0


# The click redirect


@pytest.mark.django_db
def test_a_click_counts_and_goes_to_the_stored_url(client, ad):
    response = click(client, ad["click"])
    assert response.status_code == 302
    assert response["Location"] == ad["creative"].link_url
    assert_private(response)
    assert counted(ad["creative"], ad["slot"], "c") == 1
    click(client, ad["click"])  # a double click
    assert counted(ad["creative"], ad["slot"], "c") == 1
    for ua in ["Googlebot/2.1", "", "curl/8.5", "facebookexternalhit/1.1"]:
        assert click(client, ad["click"], ua=ua)["Location"] == ad["creative"].link_url
    assert click(client, ad["click"], ua=BROWSER_UA + " P", HTTP_SEC_PURPOSE="prefetch").status_code == 302
    head = client.head(f"/ads/c/{ad['click']}/", HTTP_USER_AGENT=BROWSER_UA + " head")
    assert head.status_code == 302
    assert counted(ad["creative"], ad["slot"], "c") == 1
    assert client.post(f"/ads/c/{ad['click']}/").status_code == 405


@pytest.mark.django_db
def test_paused_ended_and_changed_creatives_still_redirect_to_their_stored_url(client, ad):
    now = timezone.now()
    Campaign.objects.filter(pk=ad["campaign"].pk).update(status=Campaign.PAUSED)
    assert click(client, ad["click"])["Location"] == ad["creative"].link_url
    Campaign.objects.filter(pk=ad["campaign"].pk).update(ends_at=now - datetime.timedelta(days=1))
    Creative.objects.filter(pk=ad["creative"].pk).update(is_active=False)
    assert click(client, ad["click"], ua=BROWSER_UA + " 2")["Location"] == ad["creative"].link_url
    # The destination is read at click time: an ad manager's correction applies to links already out there.
    Creative.objects.filter(pk=ad["creative"].pk).update(link_url="https://advertiser.example/corrected")
    assert click(client, ad["click"], ua=BROWSER_UA + " 3")["Location"] == "https://advertiser.example/corrected"


@pytest.mark.django_db
def test_bad_click_tokens_never_redirect_and_count_nothing(client, ad):
    good = ad["click"]
    value, stamp, signature = good.split(":")
    html_creative = Creative.objects.create(campaign=ad["campaign"], name="Tag", kind=Creative.HTML, html="<b>x</b>")
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * tokens.CLICK_MAX_AGE):
        expired = tokens.click_token(ad["ref"])
        expired_unknown = tokens.click_token(AdRef(999_999, 1, 0, 0))
    cases = {
        f"{value}:{stamp}:{'A' * len(signature)}": 400,
        f"{ad['creative'].pk + 1}.{ad['slot'].pk}.0.0:{stamp}:{signature}": 400,
        ad["impression"]: 400,
        good + "x": 400,
        "nonsense": 400,
        "1.1.1.1": 400,
        tokens.click_token(AdRef(999_999, ad["slot"].pk, 0, 0)): 404,
        tokens.click_token(AdRef(html_creative.pk, ad["slot"].pk, 0, 0)): 404,
        expired_unknown: 404,
        expired: 410,
    }
    for token, status in cases.items():
        response = click(client, quote(token, safe=":"))
        assert response.status_code == status, (token, response.status_code)
        assert "Location" not in response
        assert_private(response)
    # An expired link gets a page with a plain (uncounted) link to the stored address, never a redirect.
    page = click(client, expired).content.decode()
    assert f'href="{ad["creative"].link_url}"' in page and "noindex" in page
    # A row written some other way with an unsafe address is refused, not followed.
    for unsafe in ["javascript:alert(1)", "//evil.example/", "http:\\\\evil.example", "data:text/html,x", ""]:
        Creative.objects.filter(pk=ad["creative"].pk).update(link_url=unsafe)
        response = click(client, ad["click"], ua=BROWSER_UA + unsafe)
        assert response.status_code == 404 and "Location" not in response, unsafe
    assert counted(ad["creative"], ad["slot"], "c") == 0


# Open redirects

OPEN_REDIRECT_PAYLOADS = [
    f"//{EVIL}",
    f"//{EVIL}/",
    f"///{EVIL}",
    f"////{EVIL}",
    f"/\\{EVIL}",
    f"\\\\{EVIL}",
    f"/\\/{EVIL}",
    f"\\/{EVIL}",
    f"\\\\/{EVIL}",
    f"http://{EVIL}",
    f"https://{EVIL}",
    f"HTTPS://{EVIL}",
    f"http:\\\\\\{EVIL}",
    f"https:\\\\{EVIL}",
    f"https:/\\{EVIL}",
    f"http:/{EVIL}",
    f"https:{EVIL}",
    f"http:{EVIL}",
    f"//{EVIL}@advertiser.example",
    f"http://advertiser.example@{EVIL}",
    f"http://{EVIL}#@advertiser.example",
    f"http://{EVIL}?@advertiser.example",
    f"//{EVIL}\\@advertiser.example",
    f"https://testserver.{EVIL}",
    f"//{EVIL}/%2e%2e",
    f"/.{EVIL}",
    f"%2F%2F{EVIL}",
    f"%2f%2f{EVIL}",
    f"%5C%5C{EVIL}",
    f"/%2F/{EVIL}",
    f"/%5C{EVIL}",
    f"/%5c%5c{EVIL}",
    f"%252F%252F{EVIL}",
    "//%65vil.example",
    f"https%3A%2F%2F{EVIL}",
    f"%2e%2e%2f%2f{EVIL}",
    f"/%09/{EVIL}",
    f"%09//{EVIL}",
    f" //{EVIL}",
    f"\t//{EVIL}",
    f"%0d%0aLocation:%20http://{EVIL}",
    f"\r\nLocation: http://{EVIL}",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript://%0aalert(1)",
    "java%0ascript:alert(1)",
    "\tjavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    f"〱{EVIL}",
    f"〵{EVIL}",
    f"ゝ{EVIL}",
    f"／／{EVIL}",
    "//evil。example",
    "http://0xa9.0xfe.0xa9.0xfe",
    "http://2130706433",
    "http://[::1]",
    "//localhost",
]


def leaves_the_site(response, allowed):
    """True when a response sends the browser anywhere but this site or `allowed` (the stored URL)."""
    if not (300 <= response.status_code < 400):
        return False
    location = response.get("Location", "")
    if location == allowed:
        return False
    for candidate in (location, unquote(location), unquote(unquote(location))):
        normalised = candidate.strip().replace("\\", "/")
        parts = urlsplit(normalised)
        if parts.scheme or parts.netloc or normalised.startswith("//") or not normalised.startswith("/"):
            if parts.netloc != "testserver":
                return True
    return False


@pytest.mark.django_db
def test_no_redirect_leaves_the_site_except_to_the_stored_url(client, ad):
    assert len(OPEN_REDIRECT_PAYLOADS) >= 50
    stored = ad["creative"].link_url
    good = ad["click"]
    params = ["next", "url", "redirect", "redirect_uri", "return", "to", "dest", "destination", "u", "r", "continue"]
    requests = 0
    for payload in OPEN_REDIRECT_PAYLOADS:
        encoded = quote(payload, safe="")
        query = "?" + "&".join(f"{name}={encoded}" for name in params)
        probes = [
            ("get", f"/ads/c/{encoded}/"),
            ("get", f"/ads/c/{encoded}"),  # CommonMiddleware's trailing-slash redirect
            ("get", f"/ads/c/{good}{encoded}/"),
            ("get", f"/ads/c/{good}/{query}"),
            ("get", f"/ads/c/{encoded}/{query}"),
            ("post", f"/ads/i/{query}"),
            ("get", f"/ads.txt{query}"),
        ]
        if payload in OPEN_REDIRECT_PAYLOADS[:12]:
            # These end in Wagtail's 404 page, which costs a full page render: a sample is enough.
            probes += [("get", f"/ads/c/{good}/{encoded}"), ("get", f"/ads/{encoded}")]
        probes.append(("get", f"/ads/c/{payload}/"))  # unencoded, as a hand-typed URL would arrive
        for method, url in probes:
            try:
                if method == "post":
                    response = client.post(
                        url, data=f"token={encoded}", content_type="application/x-www-form-urlencoded"
                    )
                else:
                    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
            except ValueError:
                continue  # the test client refuses a URL no browser could send
            requests += 1
            assert response.status_code < 500, (url, response.status_code)
            assert not leaves_the_site(response, stored), (url, response.status_code, response.get("Location"))
            if response.status_code == 302 and url.startswith(f"/ads/c/{good}/?"):
                assert response["Location"] == stored
    # The Host header does not matter either.
    response = client.get(f"/ads/c/{good}/", HTTP_HOST=EVIL, HTTP_USER_AGENT=BROWSER_UA)
    assert response["Location"] == stored
    assert requests > 400


@pytest.mark.django_db
def test_click_links_on_a_page_lead_to_the_stored_url(client, paper):  # noqa: F811
    _, [creative] = campaign_with(slot_keys=("sidebar_top",))
    html = client.get(paper["politics_story"].url).content.decode()
    for url in set(click_urls(html)):
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
        assert response.status_code == 302 and response["Location"] == creative.link_url
    assert counted(creative, Slot.objects.get(key="sidebar_top"), "c") == 1


# Through Redis and real workers


def close_open_buckets(stream):
    """Move the current buckets two hours back, as if the hour had turned (and its grace period passed)."""
    client = counters.redis_client()
    for raw in client.smembers(f"newsroom:ctr:{stream}:open"):
        key = raw.decode()
        hour = counters._parse_hour(key) - datetime.timedelta(hours=2)
        closed = f"newsroom:ctr:{stream}:{hour:%Y%m%d%H}"
        client.rename(key, closed)
        client.srem(f"newsroom:ctr:{stream}:open", key)
        client.sadd(f"newsroom:ctr:{stream}:open", closed)


def stored(creative, slot, column):
    return sum(AdDailyStat.objects.filter(creative_id=creative.pk, slot_id=slot.pk).values_list(column, flat=True))


@pytest.mark.redis
@pytest.mark.django_db
def test_on_redis_the_beacon_makes_no_database_query(client, ad):
    beacon(client, ad["impression"])  # warm-up: catalogue, URL resolver, signing key
    with CaptureQueriesContext(connection) as queries:
        response = beacon(client, ad["impression"], ua=BROWSER_UA + " other")
    assert response.status_code == 204
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert counted(ad["creative"], ad["slot"], "i") == 2
    assert AdDailyStat.objects.count() == 0  # still buffered


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_roll_up_that_fails_mid_apply_loses_nothing_and_then_counts_once(ad, monkeypatch):
    hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=5)
    key = counting.counter_key(ad["creative"].pk, ad["slot"].pk, counting.IMPRESSION)
    for _ in range(4):
        counters.count(counting.STREAM, key, at=hour_ago)
    stream = counters.stream(counting.STREAM)
    original = stream.apply

    def failing(rows):
        original(rows)
        raise ConnectionError("database went away mid-roll-up")

    monkeypatch.setattr(stream, "apply", failing)
    with pytest.raises(ConnectionError):
        counting.rollup()
    monkeypatch.setattr(stream, "apply", original)
    assert AdDailyStat.objects.count() == 0  # rolled back
    assert counting.rollup().buckets == 1
    assert counting.rollup().buckets == 0
    assert stored(ad["creative"], ad["slot"], "impressions") == 4


@pytest.mark.redis
@pytest.mark.celery_worker
def test_impressions_and_clicks_end_to_end_through_redis_and_a_real_worker(celery_worker_factory, client, ad):
    worker = celery_worker_factory(broker="redis")
    in_article = Slot.objects.get(key="in_article")
    in_article_ref = AdRef(ad["creative"].pk, in_article.pk, 0, 1)
    sent = {("sidebar_top", "i"): 17, ("sidebar_top", "c"): 5, ("in_article", "i"): 9, ("in_article", "c"): 2}
    impression_tokens = {"sidebar_top": ad["impression"], "in_article": tokens.impression_token(in_article_ref)}
    click_tokens = {"sidebar_top": ad["click"], "in_article": tokens.click_token(in_article_ref)}
    for (slot_key, kind), n in sent.items():
        for reader in range(n):
            ua = f"{BROWSER_UA} r{reader}"
            if kind == "i":
                assert beacon(client, impression_tokens[slot_key], ua=ua).status_code == 204
            else:
                assert click(client, click_tokens[slot_key], ua=ua).status_code == 302
    # Noise that must not count: bots, prefetches, replays, forgeries.
    beacon(client, ad["impression"], ua="Googlebot/2.1")
    beacon(client, ad["impression"], ua=f"{BROWSER_UA} reader0")
    click(client, ad["click"], ua=BROWSER_UA + " p", HTTP_PURPOSE="prefetch")
    beacon(client, ad["impression"] + "x")
    assert AdDailyStat.objects.count() == 0
    close_open_buckets(counting.STREAM)

    result = worker.send("ads.tasks.rollup_ad_stats").get(timeout=60)
    assert result["buckets"] >= 1 and result["entries"] >= 4
    creative, sidebar = ad["creative"], ad["slot"]
    assert stored(creative, sidebar, "impressions") == 17 and stored(creative, sidebar, "clicks") == 5
    assert stored(creative, in_article, "impressions") == 9 and stored(creative, in_article, "clicks") == 2
    assert set(AdDailyStat.objects.values_list("campaign_id", flat=True)) == {ad["campaign"].pk}
    assert counting.pending() == {}
    assert worker.send("ads.tasks.rollup_ad_stats").get(timeout=60)["buckets"] == 0


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.parametrize("crash_point", ["claim", "apply"])
def test_a_worker_killed_during_a_roll_up_loses_nothing_and_counts_nothing_twice(
    celery_worker_factory, ad, crash_point
):
    hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=5)
    impressions = counting.counter_key(ad["creative"].pk, ad["slot"].pk, counting.IMPRESSION)
    clicks = counting.counter_key(ad["creative"].pk, ad["slot"].pk, counting.CLICK)
    for _ in range(7):
        counters.count(counting.STREAM, impressions, at=hour_ago)
    counters.count(counting.STREAM, clicks, amount=3, at=hour_ago)

    doomed = celery_worker_factory(broker="redis", extra_env={"NEWSROOM_FLUSH_CRASH_AFTER": f"ads:{crash_point}"})
    doomed.send("ads.tasks.rollup_ad_stats")
    assert wait_until(lambda: doomed.process.poll() is not None, 30), doomed.log()
    assert doomed.process.returncode != 0  # it really died mid-roll-up
    if crash_point == "apply":
        assert stored(ad["creative"], ad["slot"], "impressions") == 7  # committed before the crash

    worker = celery_worker_factory(broker="redis")
    result = worker.send("ads.tasks.rollup_ad_stats").get(timeout=60)
    assert result["skipped_duplicates"] == (1 if crash_point == "apply" else 0)
    assert stored(ad["creative"], ad["slot"], "impressions") == 7
    assert stored(ad["creative"], ad["slot"], "clicks") == 3
    assert counting.pending() == {}

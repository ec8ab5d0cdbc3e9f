"""One client is not many readers: per-address caps, other sites, clicks only when followed, honest goals."""

import pytest

from ads import counting, selection
from ads.models import AdDailyStat
from ads.tests.support import BROWSER_UA, ads_clean, slots  # noqa: F401
from ads.tests.test_ads_counting import EVIL, ad, beacon, click, counted  # noqa: F401


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def counting_path(request, settings):
    if request.param == "database":
        settings.REDIS_URL = ""
    return request.param


@pytest.mark.django_db
def test_impressions_from_one_address_rotating_its_user_agent_stop_at_the_cap(client, ad, settings, counting_path):  # noqa: F811
    settings.NEWSROOM_ADS_IMPRESSION_CAP_PER_ADDRESS_HOUR = 4
    creative, slot = ad["creative"], ad["slot"]
    statuses = {beacon(client, ad["impression"], ua=f"{BROWSER_UA} r{n}").status_code for n in range(10)}
    assert statuses == {204}
    assert counted(creative, slot, counting.IMPRESSION) == 4
    assert counted(creative, slot, counting.INVALID_IMPRESSION) == 6
    beacon(client, ad["impression"], ua=f"{BROWSER_UA} r0", REMOTE_ADDR="10.4.4.4")
    assert counted(creative, slot, counting.IMPRESSION) == 5


@pytest.mark.django_db
def test_clicks_count_only_when_a_reader_follows_the_link_from_this_site(client, ad, settings, counting_path):  # noqa: F811
    creative, slot = ad["creative"], ad["slot"]
    followed = {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}
    not_followed = [
        # <img src="/ads/c/TOKEN/"> on any page, ours or another site's
        {"HTTP_SEC_FETCH_MODE": "no-cors", "HTTP_SEC_FETCH_DEST": "image", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_MODE": "no-cors", "HTTP_SEC_FETCH_DEST": "image", "HTTP_SEC_FETCH_SITE": "same-origin"},
        # an <iframe>, a fetch()
        {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "iframe", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_MODE": "cors", "HTTP_SEC_FETCH_DEST": "empty", "HTTP_SEC_FETCH_SITE": "same-origin"},
        # another site's link straight to our click address
        {**followed, "HTTP_SEC_FETCH_SITE": "cross-site"},
    ]
    for n, headers in enumerate(not_followed):
        response = click(client, ad["click"], ua=f"{BROWSER_UA} r{n}", **headers)
        assert response.status_code == 302 and response["Location"] == creative.link_url  # still goes there
    assert counted(creative, slot, counting.CLICK) == 0
    assert counted(creative, slot, counting.INVALID_CLICK) == 0
    assert click(client, ad["click"], HTTP_SEC_FETCH_SITE="same-origin", **followed).status_code == 302
    assert click(client, ad["click"], ua=f"{BROWSER_UA} typed", HTTP_SEC_FETCH_SITE="none", **followed)
    assert counted(creative, slot, counting.CLICK) == 2


@pytest.mark.django_db
def test_clicks_past_the_cap_are_invalid_traffic(client, ad, settings, counting_path):  # noqa: F811
    settings.NEWSROOM_ADS_CLICK_CAP_PER_ADDRESS_HOUR = 3
    for n in range(8):
        assert click(client, ad["click"], ua=f"{BROWSER_UA} r{n}").status_code == 302
    assert counted(ad["creative"], ad["slot"], counting.CLICK) == 3
    assert counted(ad["creative"], ad["slot"], counting.INVALID_CLICK) == 5


@pytest.mark.django_db
def test_impression_beacons_from_another_site_are_refused(client, ad, counting_path):  # noqa: F811
    for headers in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": f"https://{EVIL}"}):
        response = beacon(client, ad["impression"], **headers)
        assert response.status_code == 403
    assert counted(ad["creative"], ad["slot"], counting.IMPRESSION) == 0


@pytest.mark.redis
@pytest.mark.django_db
def test_a_goal_counts_what_is_still_buffered_and_invalid_traffic_never_sells_a_campaign_out(client, ad, settings):  # noqa: F811
    settings.NEWSROOM_ADS_IMPRESSION_CAP_PER_ADDRESS_HOUR = 2
    campaign = ad["campaign"]
    campaign.impression_goal = 4
    campaign.save()
    # One client, many user agents: 2 valid impressions, 8 invalid ones, all buffered in Redis.
    for n in range(10):
        beacon(client, ad["impression"], ua=f"{BROWSER_UA} r{n}")
    assert AdDailyStat.objects.count() == 0
    assert campaign.pk in selection.build_catalogue()["campaigns"]  # 2 of 4: still selling
    # Two honest readers elsewhere: the goal is met while their impressions are still buffered.
    for n in range(2):
        beacon(client, ad["impression"], ua=f"{BROWSER_UA} honest{n}", REMOTE_ADDR=f"10.7.0.{n}")
    assert AdDailyStat.objects.count() == 0
    assert campaign.pk not in selection.build_catalogue()["campaigns"]  # sold out, not over-delivered


def test_counter_keys_for_invalid_traffic_parse_and_nothing_else_does():
    assert counting.parse_key("7:3:i") == (7, 3, counting.IMPRESSION)
    assert counting.parse_key("invalid:7:3:c") == (7, 3, counting.INVALID_CLICK)
    for junk in ("invalid:invalid:7:3:i", "7:3:invalid:i", "invalid:", "invalid:7:3", "x:1:i"):
        assert counting.parse_key(junk) is None, junk

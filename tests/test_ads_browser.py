"""ads.js in a real browser (Debian's chromium through Playwright): one weighted pick per slot, device targeting,
and an impression only for an ad at least half visible for a second."""

import time
from collections import Counter

import pytest
from django.db import connections

from ads import counting
from ads.models import Campaign, Slot
from ads.tests.support import BROWSER_UA, ads_clean, campaign_with, counted, long_body, slots  # noqa: F401 - fixtures
from news.factories import ArticlePageFactory, SectionPageFactory
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(settings, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install --no-install-recommends chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    settings.MEDIA_ROOT = tmp_path / "media"
    # The live server does not serve uploads; under /static/ a banner is a cheap 404 rather than a
    # full Wagtail 404 page, still being rendered (with a database session) when the test ends.
    settings.MEDIA_URL = "/static/test-media/"
    # See tests/browser/conftest.py: Playwright's loop would otherwise make Django refuse our ORM calls.
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Queries made while Playwright runs can open a connection Django's own teardown does not see;
        # left open, PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()


@pytest.fixture
def story(home_page, slots, ads_clean):  # noqa: F811
    section = SectionPageFactory(parent=home_page, title="Business")
    section.save_revision().publish()
    article = ArticlePageFactory(parent=section, title="A long read on the naira", body=long_body(24))
    article.save_revision().publish()
    rule = Slot.objects.get(key="in_article")
    rule.first_after, rule.every, rule.max_count, rule.min_paragraphs = 10, 8, 2, 5
    rule.save()
    _, [heavy] = campaign_with(name="Heavy", weight=3, slot_keys=("sidebar_top", "in_article"))
    _, [light] = campaign_with(name="Light", weight=1, slot_keys=("sidebar_top", "in_article"))
    _, [phone] = campaign_with(name="Phones", device=Campaign.DEVICE_MOBILE, slot_keys=("header_leaderboard",))
    _, [desktop] = campaign_with(name="Desktops", device=Campaign.DEVICE_DESKTOP, slot_keys=("header_leaderboard",))
    _, [sticky] = campaign_with(name="Sticky", slot_keys=("mobile_sticky",))
    return {
        "url": article.url,
        "heavy": heavy,
        "light": light,
        "phone": phone,
        "desktop": desktop,
        "sticky": sticky,
    }


def open_page(chromium, live_server, width, path):
    # Headless chromium says so in its user agent, and the endpoints rightly ignore it: pose as a reader's browser.
    context = chromium.new_context(
        viewport={"width": width, "height": 800}, service_workers="block", user_agent=BROWSER_UA
    )
    page = context.new_page()
    beacons = []
    page.on(
        "request",
        lambda request: (
            beacons.append(request.post_data) if request.url.endswith("/ads/i/") and request.method == "POST" else None
        ),
    )
    page.goto(live_server.url + path, wait_until="load")
    return context, page, beacons


def beaconed(beacons):
    """(creative id, slot key) of every impression sent, from the tokens' clear-text part."""
    slot_keys = dict(Slot.objects.values_list("pk", "key"))
    sent = []
    for body in beacons:
        creative_id, slot_id, _page, _position = body.split("=", 1)[1].split(":")[0].split(".")
        sent.append((int(creative_id), slot_keys[int(slot_id)]))
    return sent


def chosen(page, key):
    return page.eval_on_selector_all(
        f'[data-ad-slot="{key}"]',
        "slots => slots.map(s => [s.getAttribute('data-ad-chosen'), s.querySelectorAll('[data-ad-box] .ad').length])",
    )


def test_one_pick_per_slot_device_targeting_and_honest_impressions(chromium, live_server, story):
    context, page, beacons = open_page(chromium, live_server, DESKTOP, story["url"])
    try:
        # Every slot shows exactly one creative, chosen in the browser; the no-JS pick is gone.
        for key in ("header_leaderboard", "sidebar_top", "in_article"):
            for chosen_id, count in chosen(page, key):
                assert chosen_id and count == 1, key
        assert page.locator("[data-ad-box] noscript").count() == 0
        # A desktop never shows the phone-only campaign.
        assert chosen(page, "header_leaderboard") == [[str(story["desktop"].pk), 1]]
        in_article = chosen(page, "in_article")
        # Two in-article positions, two different creatives while there are enough.
        assert len(in_article) == 2 and in_article[0][0] != in_article[1][0]

        page.wait_for_timeout(2000)
        seen = beaconed(beacons)
        assert (story["desktop"].pk, "header_leaderboard") in seen
        assert any(key == "sidebar_top" for _, key in seen)
        # Below the fold: not seen, not counted. The sticky bar is hidden on desktops: never counted.
        assert not any(key in ("in_article", "mobile_sticky") for _, key in seen)

        first, second = page.locator(".ad-slot--in_article").all()
        # A glimpse shorter than a second is not an impression.
        second.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -100_000)
        page.wait_for_timeout(1500)
        assert not any(key == "in_article" for _, key in beaconed(beacons))
        first.scroll_into_view_if_needed()
        page.wait_for_timeout(1800)
        in_article_seen = [creative for creative, key in beaconed(beacons) if key == "in_article"]
        assert in_article_seen == [int(in_article[0][0])]
        total = len(beacons)
        first.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        assert len(beacons) == total  # one impression per ad per page view
    finally:
        context.close()

    # The server counted exactly what the browser sent.
    slot_ids = dict(Slot.objects.values_list("key", "pk"))
    expected = Counter(beaconed(beacons))

    def server_counts():
        return Counter(
            {
                (creative_id, key): counted(creative_id, slot_ids[key], counting.IMPRESSION)
                for creative_id, key in expected
            }
        )

    deadline = time.monotonic() + 5
    while server_counts() != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server_counts() == expected


def test_phones_get_phone_campaigns_the_sticky_bar_closes_and_picks_follow_the_weights(chromium, live_server, story):
    context, page, beacons = open_page(chromium, live_server, PHONE, story["url"])
    try:
        assert chosen(page, "header_leaderboard") == [[str(story["phone"].pk), 1]]
        page.wait_for_timeout(1600)
        assert (story["sticky"].pk, "mobile_sticky") in beaconed(beacons)
        page.click("[data-ad-close]")
        assert not page.locator(".ad-slot--mobile_sticky").is_visible()
        page.reload(wait_until="load")
        assert not page.locator(".ad-slot--mobile_sticky").is_visible()  # closed for the session

        # The picker itself, 10,000 times: weights within a tier, and a lower tier only when the top is empty.
        shares = page.evaluate(
            """() => {
                const candidates = [
                    {id: "a", weight: 60, priority: 3}, {id: "b", weight: 30, priority: 3},
                    {id: "c", weight: 10, priority: 3}, {id: "house", weight: 5000, priority: 1},
                ];
                const counts = {a: 0, b: 0, c: 0, house: 0};
                for (let i = 0; i < 10000; i++) counts[window.NewsroomAds.pick(candidates).id] += 1;
                return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / 10000]));
            }"""
        )
    finally:
        context.close()
    assert shares["a"] == pytest.approx(0.60, abs=0.03)
    assert shares["b"] == pytest.approx(0.30, abs=0.03)
    assert shares["c"] == pytest.approx(0.10, abs=0.03)
    assert shares["house"] == 0

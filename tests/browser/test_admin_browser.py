"""Our own admin screens in Chromium at the desk's widths, 1024 and 1280 px.

The Articles listing, the calendar, the trending board (and its story search),
the advertising screens and a campaign report, the search reports: each must
fit the screen (nothing sticks out past its right edge, including inside
Wagtail's clipped layout, where the page itself never scrolls sideways), keep
every word of a headline or name on one line, and log no console error.
Screenshots land in test-artifacts/screenshots/admin-*.
"""

import datetime

import pytest
from django.utils import timezone

from ads.factories import AdvertiserFactory, CampaignFactory
from ads.tests.support import ads_clean, slots  # noqa: F401 - fixtures
from news.models import ArticlePage
from search.models import SearchTermDay
from tests.browser.test_csp_browser import both_kinds_of_ad, editor, open_tab  # noqa: F401 - fixtures
from trending.models import TrendingList

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_WIDTHS = (1024, 1280)

# Elements whose right edge passes the viewport's, wherever they sit: Wagtail's
# layout clips its main column, so document.scrollWidth alone never grows.
OVERFLOW = """() => {
    const limit = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (!box.width || getComputedStyle(el).visibility === "hidden") continue;
        if (box.right > limit + 1 && box.left < limit) {
            out.push(el.tagName.toLowerCase() + [...el.classList].map((c) => "." + c).join("")
                + ` right=${Math.round(box.right)}px`);
        }
    }
    return out.slice(0, 10);
}"""

# Words of headlines and names that the browser split across two lines (a
# word of "Tinubu" drawn as "Tin / ubu"). Hyphens and slashes may break, and an
# e-mail address at its "@" and dots.
BROKEN_WORDS = """(selector) => {
    const broken = [];
    for (const cell of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/[^\\s\\-\\u2013\\u2014\\/@.]{2,}/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const rects = [...range.getClientRects()].filter((r) => r.width > 0);
                const lines = new Set(rects.map((r) => Math.round(r.top)));
                if (lines.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""

# Title columns; wagtail-modeladmin marks every cell "title", so its name columns are named instead
# (an e-mail address column may break anywhere).
TITLE_CELLS = (
    'td.title:not([class*="field-"]), td.newsroom-headline, td.field-campaign, td.field-advertiser, td.field-name'
)


@pytest.fixture
def desk(newsroom, both_kinds_of_ad):  # noqa: F811
    """What the screens list: a ranking of every story, long campaign names, search terms incl. junk."""
    stories = list(ArticlePage.objects.live().order_by("-display_date"))
    TrendingList.objects.update_or_create(
        scope="site",
        defaults={
            "computed_at": timezone.now(),
            "items": [{"article": story.pk, "score": 1000.0 / (n + 1)} for n, story in enumerate(stories)],
        },
    )
    kudi = AdvertiserFactory(name="Kudi Bank and Trust International")
    for name in ("Fintech readers and sponsored content", "Christmas bundles across the whole network"):
        CampaignFactory(name=name, advertiser=kudi, impression_goal=100_000)
    today = timezone.localdate()
    for n, term in enumerate(["fuel price", "super eagles squad", "naira", "x" * 200, "budget"]):
        SearchTermDay.objects.create(
            date=today - datetime.timedelta(days=n), query_string=term, hits=10 - n, no_result_hits=n % 2, visitors=3
        )
    return {"stories": stories, "campaign": both_kinds_of_ad["image"].campaign}


def screens(desk):
    from ads.wagtail_hooks import campaign_admin

    return {
        "articles": "/admin/articles/",
        "calendar": "/admin/calendar/",
        "trending": "/admin/trending/",
        "trending-search": "/admin/trending/?q=the",
        "campaigns": campaign_admin.url_helper.index_url,
        "advertisers": "/admin/ads/advertiser/",
        "campaign-report": campaign_admin.url_helper.get_action_url("report", desk["campaign"].pk),
        "creatives": "/admin/snippets/ads/creative/",
        "slots": "/admin/snippets/ads/slot/",
        "popular-searches": "/admin/search-reports/popular/",
        "no-result-searches": "/admin/search-reports/no-results/",
    }


@pytest.mark.parametrize("width", ADMIN_WIDTHS)
def test_our_admin_screens_fit_the_desk(browser, live_server, desk, editor, width, subtests):  # noqa: F811
    context, tab = open_tab(browser, live_server, width, storage_state=editor)
    try:
        for name, path in screens(desk).items():
            with subtests.test(name, width=width):
                response = tab.visit(path, settle=True)
                assert response.status == 200
                tab.screenshot(f"admin-{name}")
                assert tab.page.evaluate(OVERFLOW) == []
                assert tab.page.evaluate(BROKEN_WORDS, TITLE_CELLS) == []
                assert tab.console_errors == []
    finally:
        context.close()


def test_the_trending_board_gives_headlines_room(browser, live_server, desk, editor):  # noqa: F811
    """At 1280 px the story column is wide enough to read (the review found ~40 px, two rows a screen)."""
    context, tab = open_tab(browser, live_server, 1280, storage_state=editor)
    try:
        tab.visit("/admin/trending/", settle=True)
        widths = tab.page.evaluate(
            "() => [...document.querySelectorAll('.trending-board td.title')]"
            ".map((td) => td.getBoundingClientRect().width)"
        )
        assert widths and min(widths) >= 200, widths
        rows = tab.page.evaluate(
            "() => [...document.querySelectorAll('.trending-board tbody tr')]"
            ".filter((tr) => tr.getBoundingClientRect().bottom <= innerHeight).length"
        )
        assert rows >= 4, rows
    finally:
        context.close()

"""No Content-Security-Policy violation in a real browser, with everything that could cause one working.

Reader pages (every block, video facades, trending fragments, search and its
overlay, ads with image creatives and HTML tags, the view and impression
beacons) at both widths, each visited twice so the second copy comes from the
page cache; the Wagtail admin (dashboard, page editor and its preview,
snippets, our own screens) and the user bar on a reader page. Every frame
reports its `securitypolicyviolation` events (tests/browser/conftest.py).
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from wagtail.models import Page

from ads.factories import CampaignFactory, CreativeFactory
from ads.models import Campaign, Creative
from ads.tests.support import BROWSER_UA, ads_clean, slots  # noqa: F401 - fixtures
from tests.browser.conftest import DESKTOP, PHONE, Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An ad network's tag: inline styles and an inline script, as real ones have.
HTML_TAG = (
    '<!DOCTYPE html><html><body style="margin:0;background:#0d47a1;color:#fff">'
    '<div id="network-ad" style="font:16px system-ui">Network ad</div>'
    '<script>document.getElementById("network-ad").textContent = "the tag ran";</script></body></html>'
)
PLAYER = "https://www.youtube-nocookie.com/"


@pytest.fixture
def both_kinds_of_ad(slots, ads_clean):  # noqa: F811
    image_slots = ("header_leaderboard", "footer", "mobile_sticky", "in_article")
    html_slots = ("below_nav", "sidebar_top", "sidebar_bottom", "home_between_sections")
    image = CreativeFactory(campaign=CampaignFactory(name="Banner"), slot_keys=image_slots)
    network = CampaignFactory(name="Network")
    html = CreativeFactory(
        campaign=network, kind=Creative.HTML, html=HTML_TAG, image=None, link_url="", slot_keys=html_slots
    )
    network.save()
    assert Campaign.objects.count() == 2
    return {"image": image, "html": html}


@pytest.fixture
def page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    caches["fragments"].clear()
    yield
    caches["pages"].clear()


def open_tab(browser, live_server, width, storage_state=None):
    # Headless chromium says so in its user agent, and the beacons rightly ignore it: pose as a reader's browser.
    context = browser.new_context(
        viewport={"width": width, "height": 812 if width <= PHONE else 900},
        service_workers="block",
        user_agent=BROWSER_UA,
        storage_state=storage_state,
    )
    reader = Reader(context, live_server.url, width)
    # The closed CI network has no video provider: a stand-in player answers for it.
    reader.page.route(
        PLAYER + "**", lambda route: route.fulfill(body="<p>player</p>", content_type="text/html; charset=utf-8")
    )
    return context, reader


def frame_text(page, selector, timeout_ms=5000):
    """The text of `selector` in the first ad frame that has it (frames load lazily)."""
    waited = 0
    while waited < timeout_ms:
        for frame in page.frames:
            if "/ads/f/" in frame.url:
                try:
                    text = frame.evaluate(f"() => document.querySelector({selector!r})?.textContent")
                except Exception:  # noqa: BLE001 - a frame still navigating
                    text = None
                if text:
                    return text
        page.wait_for_timeout(100)
        waited += 100
    return None


def test_reader_pages_with_ads_embeds_and_search_have_no_policy_violation(
    browser, live_server, newsroom, both_kinds_of_ad, page_cache, expect, subtests
):
    pages = ["home", "section", "article", "author", "tag"]
    for width in (PHONE, DESKTOP):
        context, reader = open_tab(browser, live_server, width)
        beacons, fragments = [], []

        def on_response(response, beacons=beacons, fragments=fragments):
            if response.request.method == "POST" and response.url.endswith(("/ads/i/", "/api/views/")):
                beacons.append((response.url.split("/")[-2], response.status))
            elif "/fragments/trending/" in response.url:
                fragments.append(response.status)

        reader.page.on("response", on_response)
        try:
            for name in pages:
                path = newsroom[name]
                # The first width renders each page and stores it; every later copy is the stored one.
                for copy in ("fresh", "cached") if width == PHONE else ("cached",):
                    response = reader.visit(path, settle=True)
                    with subtests.test(f"{name} page ({copy}) has no violation", width=width):
                        assert response.status == 200
                        assert response.headers["x-page-cache"] == {"fresh": "miss", "cached": "hit"}[copy]
                        assert "content-security-policy" in response.headers
                        assert reader.csp_violations == []

            with subtests.test("the HTML ad tag runs in its frame, and both beacons fire", width=width):
                reader.visit(newsroom["article"], settle=True)
                assert reader.page.locator(".ad__image").count() >= 1
                assert frame_text(reader.page, "#network-ad") == "the tag ran"
                reader.page.wait_for_timeout(1500)
                assert ("i", 204) in beacons, beacons
                assert ("views", 204) in beacons, beacons
                assert reader.csp_violations == []

            with subtests.test("ad boxes keep their slot's size and shape without style attributes", width=width):
                boxes = reader.page.eval_on_selector_all(
                    ".ad-slot:not([hidden]) [data-ad-box]",
                    """boxes => boxes.filter(box => box.getClientRects().length).map(box => {
                        const sizer = box.querySelector(".ad-slot__sizer");
                        const rect = box.getBoundingClientRect();
                        const parent = getComputedStyle(box.parentElement);
                        const room = box.parentElement.clientWidth - parseFloat(parent.paddingLeft)
                            - parseFloat(parent.paddingRight);
                        return [box.closest("[data-ad-slot]").dataset.adSlot, +sizer.getAttribute("width"),
                                +sizer.getAttribute("height"), rect.width, rect.height, room];
                    })""",
                )
                assert boxes, "no ad box is shown"
                for key, slot_width, slot_height, shown_width, shown_height, room in boxes:
                    # The slot's own width where it fits, else all the room there is; always the slot's proportions.
                    assert shown_width == pytest.approx(min(slot_width, room), abs=1), (key, shown_width, room)
                    assert shown_height == pytest.approx(shown_width * slot_height / slot_width, abs=1.5), key
                if width == DESKTOP:
                    assert ("header_leaderboard", 728, 90, 728, 90) in [tuple(box[:5]) for box in boxes], boxes

            with subtests.test("the video facade starts the provider's player", width=width):
                reader.page.locator("[data-embed-player] button").first.click()
                player = reader.page.locator(f'[data-embed-player] iframe[src^="{PLAYER}"]')
                expect(player).to_have_count(1)
                expect(player).to_be_visible()
                reader.page.wait_for_timeout(500)
                assert reader.csp_violations == []

            with subtests.test("the trending ticker and list fragments load", width=width):
                fragments.clear()
                reader.visit(newsroom["article"], settle=True)
                assert fragments == [200, 200], fragments
                assert reader.csp_violations == []

            with subtests.test("the search overlay suggests, and the search page works", width=width):
                reader.visit("/")
                reader.page.keyboard.press("/")
                with reader.page.expect_response(lambda response: "/search/suggest/" in response.url):
                    reader.page.keyboard.type("budget")
                reader.page.wait_for_timeout(300)
                assert reader.csp_violations == []
                response = reader.visit("/search/?q=budget", settle=True)
                assert response.status == 200
                assert reader.csp_violations == []
        finally:
            context.close()


@pytest.fixture
def editor(live_server, browser):
    """A signed-in superuser's browser state."""
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "a-long-test-password")
    with page.expect_navigation():
        page.click("button[type=submit]")
    state = context.storage_state()
    context.close()
    return state


def test_the_admin_and_the_user_bar_have_no_policy_violation(
    browser, live_server, newsroom, both_kinds_of_ad, editor, expect, subtests
):
    from ads.wagtail_hooks import campaign_admin

    article = Page.objects.get(title__startswith="Senate passes")
    context, reader = open_tab(browser, live_server, DESKTOP, storage_state=editor)
    screens = {
        "dashboard": "/admin/",
        "page explorer": f"/admin/pages/{article.get_parent().pk}/",
        "snippets": "/admin/snippets/",
        "authors": "/admin/snippets/news/author/",
        "images": "/admin/images/",
        "editorial calendar": "/admin/calendar/",
        "trending board": "/admin/trending/",
        "popular searches": "/admin/search-reports/popular/",
        "campaigns": campaign_admin.url_helper.index_url,
        "campaign report": campaign_admin.url_helper.get_action_url("report", both_kinds_of_ad["html"].campaign_id),
        "site settings": "/admin/settings/site_settings/sitesettings/",
    }
    try:
        for name, path in screens.items():
            with subtests.test(f"{name} has no violation", path=path):
                response = reader.visit(path, settle=True)
                assert response.status == 200
                assert reader.csp_violations == []

        with subtests.test("the page editor and its preview have no violation"):
            reader.visit(f"/admin/pages/{article.pk}/edit/", settle=True)
            reader.page.locator('[data-side-panel-toggle="preview"]').click()
            preview = reader.page.frame_locator("#w-preview-iframe")
            expect(preview.locator("h1")).to_contain_text("Senate passes", timeout=15_000)
            reader.page.wait_for_timeout(1000)
            assert reader.csp_violations == []

        with subtests.test("a reader page with the user bar has no violation"):
            response = reader.visit(newsroom["article"], settle=True)
            assert response.status == 200
            expect(reader.page.locator("wagtail-userbar")).to_have_count(1)
            reader.page.wait_for_timeout(1000)
            assert reader.csp_violations == []
    finally:
        context.close()

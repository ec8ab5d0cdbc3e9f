"""The search overlay's suggestions in a real browser: debounced requests, keyboard navigation, accessibility.

Debian's chromium driven by Playwright, like tests/browser/. static/js/search.js
is loaded by the search page itself (and by base.html on every page), so the
overlay is exercised there.
"""

import datetime
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from news.factories import ArticlePageFactory, SectionPageFactory

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _missing():
    if not CHROMIUM.exists() or not shutil.which(str(CHROMIUM)):
        return f"{CHROMIUM} is missing: apt-get install --no-install-recommends chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: .venv/bin/pip install -r requirements.lock"
    return None


pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(_missing()), reason=_missing() or "")]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # As in tests/browser/conftest.py: Playwright's sync API leaves an event
    # loop marked running, which Django would otherwise take for async code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def stories(transactional_db, home_page):
    section = SectionPageFactory(parent=home_page, title="News")
    now = timezone.now()
    for n in range(10):
        ArticlePageFactory(
            parent=section, title=f"Kaduna refinery update {n}", display_date=now - datetime.timedelta(hours=n)
        )
    return section


def test_overlay_suggestions_with_keyboard(browser, live_server, stories):
    from playwright.sync_api import expect

    page = browser.new_page()
    suggest_requests = []
    page.on("request", lambda request: "/search/suggest/" in request.url and suggest_requests.append(request.url))
    page.goto(f"{live_server.url}/search/")

    page.keyboard.press("/")
    overlay_input = page.locator("#search-overlay-input")
    expect(overlay_input).to_be_focused()
    overlay_input.press_sequentially("kaduna", delay=30)
    options = page.locator("#search-overlay-input-suggestions [role=option]")
    expect(options).to_have_count(8)
    # Typed quickly, six letters cost one request, not six.
    assert len(suggest_requests) == 1, suggest_requests
    expect(overlay_input).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_have_text("Kaduna refinery update 0")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(overlay_input).to_have_attribute("aria-activedescendant", "search-overlay-input-suggestions-1")
    page.keyboard.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")

    # The first Escape closes the suggestions and leaves the overlay open.
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    expect(page.locator("[data-search-overlay]")).to_be_visible()
    expect(overlay_input).to_have_value("kaduna")

    overlay_input.press_sequentially(" ", delay=30)
    page.keyboard.press("Backspace")
    expect(options).to_have_count(8)
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/news/kaduna-refinery-update-0/")
    page.close()


def test_search_page_is_accessible(browser, live_server, stories):
    page = browser.new_page()
    page.goto(f"{live_server.url}/search/?q=refinery")
    assert page.locator(".search-result").count() == 10
    if AXE_SCRIPT.exists():
        # Not add_script_tag: the site's Content-Security-Policy refuses an inline <script>.
        page.evaluate(AXE_SCRIPT.read_text() + "\n;true")
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [v["id"] for v in results["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == []
    page.goto(f"{live_server.url}/search/?q=zzzz")
    assert "Nothing found" in page.content()
    page.close()

"""Issue 18, readers' half: what a reader sees at 375 and 1280 px, with and without JavaScript.

As in test_reader_browser, one test builds the newsroom once and checks it at
both widths in fresh contexts; every check is a subtest of its own.
"""

import pytest
from wagtail.models import Collection
from wagtail_factories import ImageFactory

from news.factories import ArticlePageFactory, SectionPageFactory
from news.models import SectionPage
from tests.browser.conftest import DESKTOP, PHONE, Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A photo caption as long as editors write them: it must not run past four lines.
GALLERY_CAPTION = "Traders reopen their stalls at Balogun market in Lagos on Monday after the floods receded"


@pytest.fixture
def gallery_story(newsroom):
    """A picture story whose gallery holds 600x400 photos with captions and credits."""
    root = Collection.get_first_root_node()
    photos = [
        ImageFactory(
            title=f"Market {n}",
            description=f"Market scene {n}",
            collection=root,
            file__width=600,
            file__height=400,
            file__color=colour,
        )
        for n, colour in enumerate(["#345", "#543", "#354", "#453"])
    ]
    items = [
        {
            "image": photo.pk,
            "alt_text": f"Stalls at dawn, view {n}",
            "caption": GALLERY_CAPTION,
            "credit": "Photo: Ayo Bello",
        }
        for n, photo in enumerate(photos)
    ]
    body = [
        {"type": "paragraph", "value": "<p>Markets reopened across Lagos on Monday.</p>"},
        {"type": "gallery", "value": {"title": "In pictures: the markets reopen", "images": items}},
    ]
    story = ArticlePageFactory(
        parent=SectionPage.objects.get(title="News"),
        title="In pictures: Lagos markets reopen after the floods",
        body=body,
        hero_image=photos[0],
    )
    story.save_revision().publish()
    return story.url


@pytest.fixture
def fourth_section(newsroom, home_page):
    """A fourth section on the front page: three to a row would leave it alone in its row."""
    culture = SectionPageFactory(parent=home_page, title="Culture")
    culture.save_revision().publish()
    image = ImageFactory(collection=Collection.get_first_root_node(), file__width=1600, file__height=900)
    for n in range(3):
        story = ArticlePageFactory(parent=culture, title=f"Nollywood festival opens, day {n + 1}", hero_image=image)
        story.save_revision().publish()
    return culture


def test_issue18_reader_pages(open_reader, newsroom, gallery_story, fourth_section, expect, subtests, monkeypatch):
    # Three results a page, so ten stories make pages of search results.
    monkeypatch.setattr("search.service.PER_PAGE", 3)
    for width in (PHONE, DESKTOP):
        reader = open_reader(width)
        with subtests.test("gallery photos fill their cells, captions stay short", width=width):
            check_gallery(reader, gallery_story)
        with subtests.test("the 404 page offers search and the latest stories", width=width):
            check_not_found(reader, expect)
        with subtests.test("search: filters fold away on phones, Next sits under the results", width=width):
            check_search_layout(reader, expect)
        with subtests.test("card pictures come in two widths; a phone gets the small one", width=width):
            check_card_srcset(reader)
        with subtests.test("the search overlay keeps Tab inside and shows one close button", width=width):
            check_search_overlay_is_modal(reader, expect)
        if width == DESKTOP:
            with subtests.test("home: no blank under the lead, no lone section, section pictures", width=width):
                check_home_layout(reader)
            with subtests.test("Esc in a keyboard-opened mega menu returns focus to its button", width=width):
                check_escape_returns_focus_to_the_menu_button(reader, expect)


def check_escape_returns_focus_to_the_menu_button(reader, expect):
    reader.visit("/")
    page = reader.page
    news = page.locator(".main-nav__item", has=page.get_by_role("link", name="News", exact=True))
    toggle = news.get_by_role("button")
    menu = news.locator(".mega-menu")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu.locator("a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()


def check_search_overlay_is_modal(reader, expect):
    reader.visit("/")
    page = reader.page
    overlay = page.locator("#search-overlay")
    page.keyboard.press("/")
    expect(overlay).to_be_visible()
    page.keyboard.type("budget")
    reader.screenshot("search-overlay-typed", full_page=False)
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:
        page.keyboard.press(key)
        inside = page.evaluate("() => document.getElementById('search-overlay').contains(document.activeElement)")
        focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
        assert inside, f"after {key}, focus left the overlay for {focused}"
    # One ×: the overlay's own button; the browser's clear button of the search field is switched off.
    expect(overlay.get_by_role("button", name="Close search")).to_have_count(1)
    # Chromium reports no computed style for its -webkit- pseudo-elements, so look for the page's rule
    # (the screenshot search-overlay-typed shows the result).
    cancel_hidden = page.evaluate(
        """() => [...document.styleSheets].flatMap(sheet => [...sheet.cssRules]).some(rule =>
            (rule.selectorText || '').includes('.search-overlay__input::-webkit-search-cancel-button')
            && rule.style.display === 'none')"""
    )
    assert cancel_hidden, "the search field's own clear button is not switched off"
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()


def check_not_found(reader, expect):
    response = reader.visit("/no-such-story/", settle=True)
    reader.screenshot("not-found")
    assert response.status == 404
    assert not reader.overflowing_elements()
    # Chromium logs the page's own 404 as a console error; nothing else may fail.
    assert not [error for error in reader.console_errors if "/no-such-story/" not in error], reader.console_errors
    page = reader.page
    latest = page.locator("main .latest-posts li a")
    expect(latest.first).to_be_visible()
    assert latest.count() == 6
    box = page.locator("main input[name=q]")
    expect(box).to_be_visible()
    box.fill("budget")
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/?q=budget" in page.url


def check_search_layout(reader, expect):
    reader.visit("/search/?q=affected", settle=True)
    reader.screenshot("search-results")
    page = reader.page
    assert not reader.overflowing_elements()
    filters = page.locator(".search-form__filters")
    first_result = page.locator(".search-result").first
    if reader.width == PHONE:
        expect(filters).to_be_hidden()
        top = first_result.evaluate("el => el.getBoundingClientRect().top")
        assert top < 812 - 100, f"the first result starts at y={top:.0f}, below the fold"
        page.get_by_text("Filters", exact=True).click()
        expect(filters.locator("select[name=order]")).to_be_visible()
    else:
        expect(filters.locator("select[name=order]")).to_be_visible()
    results_right = page.locator(".search-results").evaluate("el => el.getBoundingClientRect().right")
    next_link = page.get_by_role("link", name="Next →")
    expect(next_link).to_be_visible()
    next_right = next_link.evaluate("el => el.getBoundingClientRect().right")
    assert next_right <= results_right + 1, f"Next ends at x={next_right:.0f}, results at x={results_right:.0f}"


def check_home_layout(reader):
    reader.visit("/", settle=True)
    reader.screenshot("home-layout")
    page = reader.page
    gap = page.evaluate(
        """() => {
            const lead = document.querySelector('.front .lead .card').getBoundingClientRect();
            // What follows the lead in its column: the top stories or, below the front, the section blocks.
            const below = [...document.querySelectorAll('.front .top-stories .card, .section-blocks > *')]
                .map(el => el.getBoundingClientRect())
                .filter(box => box.top >= lead.bottom - 1 && box.left < lead.right && box.right > lead.left);
            return Math.min(...below.map(box => box.top)) - lead.bottom;
        }"""
    )
    assert gap < 120, f"{gap:.0f}px of blank under the lead story"
    rows = page.locator(".section-block").evaluate_all(
        """blocks => {
            const rows = {};
            for (const block of blocks) {
                const box = block.getBoundingClientRect();
                (rows[Math.round(box.top)] ||= []).push(box);
            }
            const width = document.querySelector('.section-blocks').getBoundingClientRect().width;
            return Object.values(rows).map(row => [
                row.length, Math.round(row.reduce((sum, box) => sum + box.width, 0)), Math.round(width),
            ]);
        }"""
    )
    assert len(rows) == 2, rows
    for count, used, width in rows:
        # Blocks fill their row (gaps aside), whatever their number.
        assert used >= width - 3 * 24 - 1, f"a row of {count} block(s) fills {used}px of {width}px: {rows}"
    pictures = page.locator(".section-block img").count()
    assert pictures == page.locator(".section-block").count(), "each section block opens with a picture"


def check_gallery(reader, path):
    reader.visit(path, settle=True)
    page = reader.page
    page.locator(".block-gallery").scroll_into_view_if_needed()
    figures = page.locator(".block-gallery__items > li").evaluate_all(
        """items => items.map(item => {
            const img = item.querySelector('img'), caption = item.querySelector('figcaption');
            const lineHeight = parseFloat(getComputedStyle(caption).lineHeight);
            return {
                cell: item.getBoundingClientRect().width,
                image: img.getBoundingClientRect().width,
                lines: Math.round(caption.getBoundingClientRect().height / lineHeight),
                alt: img.alt,
                credit: (item.querySelector('.credit') || {}).textContent,
            };
        })"""
    )
    reader.page.locator(".block-gallery").screenshot(
        path=str(reader.screenshot("gallery-story").with_name(f"gallery-{reader.width}.png"))
    )
    assert len(figures) == 4
    for figure in figures:
        assert figure["image"] >= figure["cell"] - 1, (
            f"a {figure['image']:.0f}px photo in a {figure['cell']:.0f}px cell"
        )
        # Near full width of the text column: one per row on a phone, two on a desktop.
        assert figure["image"] >= (300 if reader.width == PHONE else 280), figure
        assert figure["lines"] <= 4, f"caption runs to {figure['lines']} lines"
        assert figure["alt"].startswith("Stalls at dawn")
        assert figure["credit"] == "Photo: Ayo Bello"


def test_a_phone_without_javascript_reaches_every_section(browser, live_server, newsroom, expect):
    context = browser.new_context(viewport={"width": PHONE, "height": 812}, java_script_enabled=False)
    try:
        reader = Reader(context, live_server.url, PHONE)
        page = reader.page
        reader.visit(newsroom["article"], settle=True)
        assert not reader.overflowing_elements()
        # Empty widgets do not show: nobody has read anything yet, so no "Most read" heading.
        expect(page.get_by_role("heading", name="Most read")).to_have_count(0)
        expect(page.locator(".most-read")).to_be_hidden()
        reader.screenshot("no-js-article")

        # The footer lists the sections.
        footer = page.locator("footer.site-footer")
        for name in ["News", "Politics", "Sports", "More", "Africa", "Business"]:
            expect(footer.get_by_role("link", name=name, exact=True)).to_be_visible()

        # The menu opens the section list.
        nav = page.locator("#main-nav")
        expect(nav).to_be_hidden()
        page.locator(".site-header__menu").click()
        expect(nav).to_be_visible()
        expect(nav.get_by_role("link", name="Politics", exact=True)).to_be_visible()
        reader.screenshot("no-js-menu", full_page=False)
        with page.expect_navigation():
            nav.get_by_role("link", name="Politics", exact=True).click()
        assert page.url.endswith("/politics/")

        # Search leads to the search page, whose form works without script.
        with page.expect_navigation():
            page.locator(".site-header__search").click()
        assert page.url.endswith("/search/")
        page.locator("main input[name=q]").fill("budget")
        with page.expect_navigation():
            page.locator("main input[name=q]").press("Enter")
        expect(page.get_by_role("link", name="Senate passes the 2026 budget", exact=False).first).to_be_visible()
        reader.screenshot("no-js-search")
    finally:
        context.close()


def check_card_srcset(reader):
    reader.visit("/", settle=True)
    lead = reader.page.locator(".front .lead .card__image img")
    lead.scroll_into_view_if_needed()
    srcset = lead.get_attribute("srcset") or ""
    assert "480w" in srcset and "960w" in srcset, srcset
    current = lead.evaluate("img => img.currentSrc")
    expected = "480x270" if reader.width == PHONE else "960x540"
    assert expected in current, f"a {reader.width}px screen got {current}"

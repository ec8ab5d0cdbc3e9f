"""Issue 18, readers' half: what a reader sees at 375 and 1280 px, with and without JavaScript.

As in test_reader_browser, one test builds the newsroom once and checks it at
both widths in fresh contexts; every check is a subtest of its own.
"""

import pytest
from wagtail.models import Collection
from wagtail_factories import ImageFactory

from news.factories import ArticlePageFactory
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


def test_issue18_reader_pages(open_reader, newsroom, gallery_story, expect, subtests):
    for width in (PHONE, DESKTOP):
        reader = open_reader(width)
        with subtests.test("gallery photos fill their cells, captions stay short", width=width):
            check_gallery(reader, gallery_story)


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

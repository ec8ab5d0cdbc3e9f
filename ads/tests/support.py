"""Fixtures and helpers shared by the ads tests (no tests here; the other test_ads modules import from it)."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from ads import counting
from ads.factories import CampaignFactory, CreativeFactory
from ads.models import AdDailyStat, ensure_default_slots
from core import counters
from news.factories import ArticlePageFactory, SectionPageFactory

BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36"
PARAGRAPH = "<p>A paragraph of the story, long enough to read like one.</p>"


@pytest.fixture
def ads_clean(settings, tmp_path):
    """No catalogue, counters, dedupe or rate-limit state left over from another test; banners go to a tmp dir."""
    settings.NEWSROOM_ADS_RATE_LIMIT_PER_MINUTE = 10_000
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.REDIS_URL:
        client = counters.redis_client()
        for pattern in ("newsroom:ctr:ads:*", "newsroom:ads:*", "newsroom:rl:ads:*", "newsroom:cap:ads:*"):
            keys = list(client.scan_iter(pattern))
            if keys:
                client.delete(*keys)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slots(db, ads_clean):
    return ensure_default_slots()


def body(*shape):
    """A StreamField body from block type names: body("paragraph", "pull_quote", ...)."""
    values = {
        "paragraph": PARAGRAPH,
        "heading": {"text": "What happens next", "level": "h2"},
        "pull_quote": {"text": "We will not rest.", "attribution": "The minister"},
        "embed": {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Watch"},
        "fact_box": {"title": "Key facts", "body": "<p>36 states.</p>"},
        "table": {
            "caption": "Figures",
            "columns": [{"type": "text", "heading": "Item"}],
            "rows": [{"values": ["One"]}],
        },
    }
    return [{"type": kind, "value": values[kind]} for kind in shape]


def long_body(paragraphs=10):
    return body(*["paragraph"] * paragraphs)


@pytest.fixture
def paper(home_page, slots, ads_clean):
    """Two sections (Politics has a subsection), and published articles in each."""
    politics = SectionPageFactory(parent=home_page, title="Politics")
    lagos = SectionPageFactory(parent=politics, title="Lagos politics")
    sports = SectionPageFactory(parent=home_page, title="Sports")

    def article(section, title, tags=(), **fields):
        # Factories make live pages; publishing revisions too would only slow the suite down.
        fields.setdefault("body", long_body())
        page = ArticlePageFactory(parent=section, title=title, **fields)
        if tags:
            page.tags.add(*tags)
            page.save()
        return page

    return {
        "home": home_page,
        "politics": politics,
        "lagos": lagos,
        "sports": sports,
        "article": article,
        "politics_story": article(politics, "Senate passes the budget", tags=["Budget"]),
        "lagos_story": article(lagos, "Lagos assembly sits late"),
        "sports_story": article(sports, "Eagles win away", tags=["Football"]),
    }


def campaign_with(slot_keys=("sidebar_top",), creatives=1, **campaign_fields):
    campaign = CampaignFactory(**campaign_fields)
    made = [
        CreativeFactory(campaign=campaign, slot_keys=tuple(slot_keys), name=f"{campaign.name} creative {n}")
        for n in range(creatives)
    ]
    return campaign, made


class SlotParser(HTMLParser):
    """Every ad slot on a page: its key, attributes, candidate templates and the no-JS picks."""

    def __init__(self):
        super().__init__()
        self.slots = []
        self._depth = 0
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._current is None and "data-ad-slot" in attrs:
            self._current = {"key": attrs["data-ad-slot"], "attrs": attrs, "candidates": [], "text": ""}
            self._depth = 0
        if self._current is None:
            return
        if tag not in ("img", "input", "br", "meta", "link"):
            self._depth += 1
        if tag == "template" and "data-ad-candidate" in attrs:
            self._current["candidates"].append(attrs)

    def handle_endtag(self, tag):
        if self._current is None:
            return
        self._depth -= 1
        if self._depth == 0:
            self.slots.append(self._current)
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data


def ad_slots(html, key=None):
    parser = SlotParser()
    parser.feed(html)
    return [slot for slot in parser.slots if key is None or slot["key"] == key]


def candidate_ids(html, key):
    return [{int(c["data-ad-candidate"]) for c in slot["candidates"]} for slot in ad_slots(html, key)]


def click_urls(html):
    return re.findall(r'href="(/ads/c/[^"]+/)"', html)


def counted(creative_id, slot_id, kind):
    """What the pipeline holds for one creative in one slot: rolled up plus still buffered in Redis."""
    column = counting.COLUMNS[kind]
    rows = AdDailyStat.objects.filter(creative_id=creative_id, slot_id=slot_id).values_list(column, flat=True)
    buffered = sum(
        amount
        for (_, creative, slot, what), amount in counting.pending().items()
        if (creative, slot, what) == (creative_id, slot_id, kind)
    )
    return sum(rows) + buffered

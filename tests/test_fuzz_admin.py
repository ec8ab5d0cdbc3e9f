"""Malformed admin input from every role: a form error, a 400, a 403 or a 404, never a 500 or lost data.

Each role of `setup_newsroom` (reporters, editors, ad managers) and a
superuser posts junk to every admin form it can reach, and to some it cannot:
the article, section and standard page forms (StreamField bodies, Draftail
rich text, choosers, the author inline, tags, dates), the snippets and ads
screens, the site settings, our own admin views and the choosers' searches.
Every case starts from a form the admin would accept and breaks one thing.

A refused post must leave the database as it was: the page's latest
revision, the page row and every snippet row. An accepted one must be
readable again: its edit form opens.

Some 500s come from inside Wagtail, where a project does not patch: they are
listed in KNOWN_UPSTREAM_500S, and the test fails if one stops failing (drop
it from the list) or a new one appears. Set NEWSROOM_FUZZ_REPORT to a file
name to write every 500 with its traceback there.
"""

import json
import os
import random
import sys
import time
import traceback
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, Page, Revision, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_factories import DocumentFactory, ImageFactory

from ads.factories import AdvertiserFactory, CampaignFactory, CreativeFactory
from ads.models import Advertiser, Campaign, Creative, Slot, ensure_default_slots
from home.models import StandardPage
from home.permissions import AD_MANAGERS, EDITORS, REPORTERS, setup_newsroom
from news.blocks import FACT_BOX_FEATURES, PARAGRAPH_FEATURES
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import ArticlePage, Author, SectionPage
from site_settings.models import FooterLink, SiteSettings
from trending.models import TrendingOverride

SEED = 20261128
TEN_KB = 10 * 1024
BIG = "99999999999999999999"

# Values put where an id goes (choosers, inline rows, query parameters).
BAD_IDS = ["abc", "-1", "0", "1.5", BIG, "9" * 400, " 1 ", "1e3", "0x10", "[1]", '{"id": 1}', "🔥", "%00", "null", ""]
# For the slow page forms.
SOME_BAD_IDS = ["abc", "-1", "1.5", BIG, "[1]", ""]
# Values put where a date or a date-time goes.
BAD_DATES = [
    "abc",
    "2025-13-45",
    "2025-02-30",
    "0000-01-01",
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "-2025-01-01",
    "2025-01-01T25:61",
    "1e9",
    "9" * 400,
    "🔥",
    "2025-01-01 00:00:00+99:00",
]
# Values put where a number goes.
BAD_NUMBERS = ["abc", "-1", "0", "1.5", BIG, "9" * 400, "1e400", "NaN", "inf", "-0", "🔥", ""]
# Values put where text goes.
ODD_TEXT = [
    "",
    " ",
    "x" * TEN_KB,
    "🔥" * 300,
    "<script>alert(1)</script>",
    "'; DROP TABLE wagtailcore_page; --",
    "\u202eevil",
    "a\u0301\u0301\u0301",
    "\r\n\t",
    "{{ 7|add:7 }}",
]
ODD_TAGS = [
    '"',
    '""',
    ",,,",
    '"a, b',
    "x" * 101,
    "x" * 300,
    "🔥",
    "<script>",
    "économie, Ẹ̀kọ́",
    "   ,  ",
    "-",
    "a/b",
    "..",
    "%",
    "CON",
    ", ".join(f"tag{n}" for n in range(300)),
]


# Draftail contentstate: what the rich text widget posts ------------------------


def contentstate(blocks, entity_map=None):
    return json.dumps({"blocks": blocks, "entityMap": {} if entity_map is None else entity_map})


def cs_block(text="Residents moved to higher ground.", kind="unstyled", **extra):
    block = {
        "key": "a1b2c",
        "type": kind,
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
        "data": {},
    }
    block.update(extra)
    return block


def link_entity(**data):
    return {"0": {"type": "LINK", "mutability": "MUTABLE", "data": data}}


RICH_TEXT_JUNK = {
    "html instead of json": "<p>Plain <b>HTML</b></p>",
    "truncated json": '{"blocks": [',
    "empty string": "",
    "json null": "null",
    "json list": "[]",
    "json number": "42",
    "json string": '"text"',
    "json true": "true",
    "empty object": "{}",
    "blocks null": '{"blocks": null, "entityMap": {}}',
    "blocks a string": '{"blocks": "x", "entityMap": {}}',
    "blocks of null": '{"blocks": [null], "entityMap": {}}',
    "blocks of numbers": '{"blocks": [1, 2], "entityMap": {}}',
    "block empty": '{"blocks": [{}], "entityMap": {}}',
    "no entityMap": json.dumps({"blocks": [cs_block()]}),
    "entityMap a list": json.dumps({"blocks": [cs_block()], "entityMap": []}),
    "text a number": contentstate([cs_block(text=12)]),
    "text null": contentstate([cs_block(text=None)]),
    "unknown block type": contentstate([cs_block(kind="made-up")]),
    "block type not enabled": contentstate([cs_block(kind="header-one")]),
    "atomic block without entity": contentstate([cs_block(kind="atomic", text=" ")]),
    "depth negative": contentstate([cs_block(kind="unordered-list-item", depth=-1)]),
    "depth huge": contentstate([cs_block(kind="unordered-list-item", depth=500)]),
    "depth a string": contentstate([cs_block(kind="ordered-list-item", depth="x")]),
    "style range past the text": contentstate(
        [cs_block(inlineStyleRanges=[{"offset": 500, "length": 20, "style": "BOLD"}])]
    ),
    "style range negative": contentstate([cs_block(inlineStyleRanges=[{"offset": -5, "length": -3, "style": "BOLD"}])]),
    "style range strings": contentstate(
        [cs_block(inlineStyleRanges=[{"offset": "a", "length": "b", "style": "BOLD"}])]
    ),
    "style range missing keys": contentstate([cs_block(inlineStyleRanges=[{}])]),
    "unknown style": contentstate([cs_block(inlineStyleRanges=[{"offset": 0, "length": 4, "style": "BLINK"}])]),
    "style not enabled": contentstate([cs_block(inlineStyleRanges=[{"offset": 0, "length": 4, "style": "CODE"}])]),
    "entity range to a missing key": contentstate([cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 7}])]),
    "entity range key a string": contentstate([cs_block(entityRanges=[{"offset": 0, "length": 4, "key": "zz"}])]),
    "entity range past the text": contentstate(
        [cs_block(entityRanges=[{"offset": 400, "length": 9, "key": 0}])], link_entity(url="https://example.com")
    ),
    "entity range missing keys": contentstate([cs_block(entityRanges=[{}])], link_entity(url="https://example.com")),
    "unknown entity type": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])],
        {"0": {"type": "WIDGET", "mutability": "MUTABLE", "data": {}}},
    ),
    "entity without data": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], {"0": {"type": "LINK"}}
    ),
    "entity null": contentstate([cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], {"0": None}),
    "link without url": contentstate([cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], link_entity()),
    "javascript link": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], link_entity(url="javascript:alert(1)")
    ),
    "page link id not a number": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], link_entity(id="abc", url="/x/")
    ),
    "page link to a missing page": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], link_entity(id=987654, url="/x/")
    ),
    "page link id huge": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])], link_entity(id=BIG, url="/x/")
    ),
    "image entity, feature off": contentstate(
        [cs_block(kind="atomic", text=" ", entityRanges=[{"offset": 0, "length": 1, "key": 0}])],
        {"0": {"type": "IMAGE", "mutability": "IMMUTABLE", "data": {"id": "abc", "format": "left", "alt": ""}}},
    ),
    "document entity id not a number": contentstate(
        [cs_block(entityRanges=[{"offset": 0, "length": 4, "key": 0}])],
        {"0": {"type": "DOCUMENT", "mutability": "MUTABLE", "data": {"id": "abc"}}},
    ),
    "embed entity": contentstate(
        [cs_block(kind="atomic", text=" ", entityRanges=[{"offset": 0, "length": 1, "key": 0}])],
        {"0": {"type": "EMBED", "mutability": "IMMUTABLE", "data": {"url": "javascript:alert(1)"}}},
    ),
    "nul in text": contentstate([cs_block(text="before\x00after")]),
    "huge text": contentstate([cs_block(text="word " * 40_000)]),
    "many blocks": contentstate([cs_block(key=f"k{n}") for n in range(3000)]),
    "duplicate keys": contentstate([cs_block(), cs_block()]),
    "block data a string": contentstate([cs_block(data="x")]),
}


# StreamField form data ---------------------------------------------------------


def paragraph(html="<p>Residents moved to higher ground.</p>", features=PARAGRAPH_FEATURES):
    return rich_text(html, features=features)


def list_items(items):
    """ListBlock form data (the same shape as a stream)."""
    data = {str(n): {"type": "item", "value": value, "deleted": "", "order": str(n)} for n, value in enumerate(items)}
    data["count"] = str(len(items))
    return data


def table(rows):
    data = {
        "caption": "Votes by state",
        "column-count": "2",
        "column-0-type": "text",
        "column-0-order": "0",
        "column-0-heading": "State",
        "column-0-deleted": "",
        "column-1-type": "number",
        "column-1-order": "1",
        "column-1-heading": "Votes",
        "column-1-deleted": "",
        "row-count": str(len(rows)),
    }
    for n, (state, votes) in enumerate(rows):
        data.update(
            {
                f"row-{n}-order": str(n),
                f"row-{n}-deleted": "",
                f"cell-{n}-0": state,
                f"cell-{n}-1": votes,
            }
        )
    return data


def article_body(world):
    """One of every block, valid."""
    return streamfield(
        [
            ("paragraph", paragraph()),
            ("heading", {"text": "What happens next", "level": "h2"}),
            ("image", {"image": world.image.pk, "alt_text": "Flood", "caption": "", "credit": ""}),
            ("pull_quote", {"text": "We will rebuild.", "attribution": "The governor"}),
            ("embed", {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Watch"}),
            (
                "gallery",
                {
                    "title": "Scenes",
                    "images": list_items([{"image": world.image.pk, "caption": "One"}] * 2),
                },
            ),
            ("fact_box", {"title": "Key facts", "body": paragraph("<p>36 states.</p>", FACT_BOX_FEATURES)}),
            ("related_stories", {"title": "Read more", "stories": list_items([world.other_article.pk])}),
            ("table", table([("Kano", "1200"), ("Lagos", "900")])),
            ("download", {"document": world.document.pk, "label": "Read it"}),
        ]
    )


# Positions of the blocks in article_body().
PARAGRAPH, HEADING, IMAGE, QUOTE, EMBED, GALLERY, FACT_BOX, RELATED, TABLE, DOWNLOAD = range(10)


def standard_body(world):
    return streamfield(
        [
            ("paragraph", paragraph()),
            ("heading", {"text": "Who we are", "level": "h2"}),
            (
                "rate_card",
                {
                    "title": "Rates",
                    "rows": list_items(
                        [{"slot": "sidebar_top", "size": "300×250", "price": "₦300,000 per week", "notes": ""}]
                    ),
                    "footnote": "",
                },
            ),
        ]
    )


# Mutations: each takes the flat POST dict and breaks one thing -----------------


def _set(key, value):
    def mutate(data, world):
        data[key] = value

    return mutate


def _drop(*keys):
    def mutate(data, world):
        for key in keys:
            data.pop(key, None)

    return mutate


def _drop_prefix(prefix):
    def mutate(data, world):
        for key in [key for key in data if key.startswith(prefix)]:
            del data[key]

    return mutate


def _chain(*mutations):
    def mutate(data, world):
        for mutation in mutations:
            mutation(data, world)

    return mutate


def _world_value(key, attribute):
    def mutate(data, world):
        data[key] = str(attribute(world))

    return mutate


def stream_mutations(field_name, paragraph_index=0):
    """Broken StreamField data for `field_name`: counts, types, orders, ids and values."""
    f = field_name
    p = f"{f}-{paragraph_index}"
    mutations = {
        "count missing": _drop(f"{f}-count"),
        "whole stream missing": _drop_prefix(f"{f}-"),
        "count not a number": _set(f"{f}-count", "abc"),
        "count empty": _set(f"{f}-count", ""),
        "count negative": _set(f"{f}-count", "-1"),
        "count past the blocks": _set(f"{f}-count", "50"),
        "count huge": _set(f"{f}-count", BIG),
        "count float": _set(f"{f}-count", "1.5"),
        "block type unknown": _set(f"{p}-type", "marquee"),
        "block type empty": _set(f"{p}-type", ""),
        "block type missing": _drop(f"{p}-type"),
        "block type huge": _set(f"{p}-type", "x" * TEN_KB),
        "block order not a number": _set(f"{p}-order", "first"),
        "block order missing": _drop(f"{p}-order"),
        "block deleted flag missing": _drop(f"{p}-deleted"),
        "block id not a uuid": _set(f"{p}-id", "not-a-uuid"),
        "block id huge": _set(f"{p}-id", "x" * TEN_KB),
        "block ids duplicated": _chain(_set(f"{f}-0-id", "same-id"), _set(f"{f}-1-id", "same-id")),
        "block value missing": _drop(f"{p}-value"),
        "heading value missing": _drop_prefix(f"{f}-1-value"),
        "heading level not a choice": _set(f"{f}-1-value-level", "h1"),
        "heading text huge": _set(f"{f}-1-value-text", "x" * TEN_KB),
        "heading text nul": _set(f"{f}-1-value-text", "a\x00b"),
        "paragraph huge": _set(f"{p}-value", contentstate([cs_block(text="x" * 300_000)])),
    }
    for name, junk in RICH_TEXT_JUNK.items():
        mutations[f"rich text: {name}"] = _set(f"{p}-value", junk)
    return mutations


def article_body_mutations():
    b = "body"
    mutations = stream_mutations(b)
    image = f"{b}-{IMAGE}-value-image"
    for value in SOME_BAD_IDS:
        mutations[f"image chooser {value[:20]!r}"] = _set(image, value)
    mutations["image chooser: a document's id"] = _world_value(image, lambda w: w.document.pk)
    mutations["image chooser: missing image"] = _set(image, "987654")
    mutations["image without alt text or description"] = _chain(
        _world_value(image, lambda w: w.bare_image.pk), _set(f"{b}-{IMAGE}-value-alt_text", "")
    )
    for url in [
        "http://[::1",
        "https://[v1.x]/",
        "javascript:alert(1)",
        "https://youtube.com/watch?v=%zz",
        "https://www.youtube.com/watch?v=" + "a" * TEN_KB,
        "https://youtu.be/",
        "https://vimeo.com/abc",
        "https://x.com/",
        "ftp://example.com/x",
        "https://example.com/" + "x" * 3000,
        "",
    ]:
        mutations[f"embed url {url[:30]!r}"] = _set(f"{b}-{EMBED}-value-url", url)
    g = f"{b}-{GALLERY}-value-images"
    mutations.update(
        {
            "gallery count not a number": _set(f"{g}-count", "two"),
            "gallery count missing": _drop(f"{g}-count"),
            "gallery count past the items": _set(f"{g}-count", "9"),
            "gallery item order not a number": _set(f"{g}-0-order", "x"),
            "gallery item deleted flag missing": _drop(f"{g}-0-deleted"),
            "gallery one image only": _set(f"{g}-1-deleted", "1"),
            "gallery image not a number": _set(f"{g}-0-value-image", "abc"),
            "gallery image missing": _set(f"{g}-0-value-image", "987654"),
            "gallery image a page id": _world_value(f"{g}-0-value-image", lambda w: w.other_article.pk + 1000),
        }
    )
    r = f"{b}-{RELATED}-value-stories"
    for value in SOME_BAD_IDS:
        mutations[f"related story {value[:20]!r}"] = _set(f"{r}-0-value", value)
    mutations.update(
        {
            "related story: a section": _world_value(f"{r}-0-value", lambda w: w.section.pk),
            "related story: the home page": _world_value(f"{r}-0-value", lambda w: w.home.pk),
            "related story: missing page": _set(f"{r}-0-value", "987654"),
            "related stories count not a number": _set(f"{r}-count", "x"),
            "related stories none": _set(f"{r}-0-deleted", "1"),
            "fact box rich text junk": _set(f"{b}-{FACT_BOX}-value-body", RICH_TEXT_JUNK["truncated json"]),
            "fact box rich text wrong shape": _set(f"{b}-{FACT_BOX}-value-body", RICH_TEXT_JUNK["blocks of null"]),
        }
    )
    t = f"{b}-{TABLE}-value"
    mutations.update(
        {
            "table column count not a number": _set(f"{t}-column-count", "x"),
            "table column count past the columns": _set(f"{t}-column-count", "5"),
            "table column type unknown": _set(f"{t}-column-0-type", "chart"),
            "table column order not a number": _set(f"{t}-column-0-order", "x"),
            "table row count not a number": _set(f"{t}-row-count", "x"),
            "table row count past the rows": _set(f"{t}-row-count", "7"),
            "table row order not a number": _set(f"{t}-row-0-order", "x"),
            "table caption missing": _drop(f"{t}-caption"),
            "table number cell not a number": _set(f"{t}-cell-0-1", "lots"),
            "table number cell huge": _set(f"{t}-cell-0-1", "9" * 400),
            "table number cell inf": _set(f"{t}-cell-0-1", "Infinity"),
        }
    )
    d = f"{b}-{DOWNLOAD}-value-document"
    for value in SOME_BAD_IDS[:4]:
        mutations[f"document chooser {value[:20]!r}"] = _set(d, value)
    mutations["document chooser: an image's id"] = _world_value(d, lambda w: w.image.pk + 1000)
    return mutations


def page_field_mutations(dates=True, sample=None):
    """The fields every page has; `sample` (a Random) keeps a few of each kind for the slower forms."""
    titles, slugs, bad_dates = (
        ODD_TEXT,
        ["", " ", "UPPER case", "a/b", "..", "🔥", "x" * 300, "économie", "a\x00b"],
        BAD_DATES,
    )
    if sample is not None:
        titles, slugs, bad_dates = sample.sample(titles, 3), sample.sample(slugs, 3), sample.sample(bad_dates, 4)
    mutations = {}
    for value in titles:
        mutations[f"title odd {ODD_TEXT.index(value)}"] = _set("title", value)
    for value in slugs:
        mutations[f"slug {value[:20]!r}"] = _set("slug", value)
    if dates:
        for value in bad_dates:
            mutations[f"go live {value[:20]!r}"] = _set("go_live_at", value)
            mutations[f"expire {value[:20]!r}"] = _set("expire_at", value)
        mutations["expiry before go-live"] = _chain(
            _set("go_live_at", "2031-01-02 10:00"), _set("expire_at", "2031-01-01 10:00")
        )
    mutations["comments management form missing"] = _drop_prefix("comments-")
    mutations["comments total forms not a number"] = _set("comments-TOTAL_FORMS", "abc")
    mutations["seo title huge"] = _set("seo_title", "x" * TEN_KB)
    mutations["search description nul"] = _set("search_description", "a\x00b")
    return mutations


def article_mutations():
    mutations = article_body_mutations()
    sample = random.Random(SEED)
    mutations.update(page_field_mutations(sample=sample))
    for value in SOME_BAD_IDS:
        mutations[f"hero image {value[:20]!r}"] = _set("hero_image", value)
    mutations["hero image: a document's id"] = _world_value("hero_image", lambda w: w.document.pk + 1000)
    for n, value in enumerate(ODD_TAGS):
        mutations[f"tags odd {n}"] = _set("tags", value)
    for value in ["0001-01-01 00:00", "9999-12-31 23:59", "2025-02-30", "abc"]:
        mutations[f"display date {value[:20]!r}"] = _set("display_date", value)
    mutations.update(
        {
            # Django refuses these before any view runs (RequestDataTooBig, TooManyFieldsSent): a 400.
            "body over the upload size limit": _set("body-0-value", contentstate([cs_block(text="x" * 3_000_000)])),
            "more fields than the limit": lambda data, world: data.update({f"junk-{n}": "" for n in range(10_001)}),
            "kind not a choice": _set("kind", "gossip"),
            "standfirst blank": _set("standfirst", "   "),
            "standfirst huge": _set("standfirst", "x" * TEN_KB),
            "authors none": _chain(_set("article_authors-TOTAL_FORMS", "0"), _drop_prefix("article_authors-0-")),
            "authors all deleted": _set("article_authors-0-DELETE", "1"),
            "authors duplicated": lambda data, world: data.update(
                {
                    "article_authors-TOTAL_FORMS": "2",
                    "article_authors-1-author": data["article_authors-0-author"],
                    "article_authors-1-ORDER": "1",
                    "article_authors-1-DELETE": "",
                }
            ),
            "authors management form missing": _drop("article_authors-TOTAL_FORMS", "article_authors-INITIAL_FORMS"),
            "authors total not a number": _set("article_authors-TOTAL_FORMS", "abc"),
            "authors total huge": _set("article_authors-TOTAL_FORMS", BIG),
            "authors total past the rows": _set("article_authors-TOTAL_FORMS", "40"),
            "authors initial past total": _set("article_authors-INITIAL_FORMS", "5"),
            "authors order not a number": _set("article_authors-0-ORDER", "x"),
            "author row: another article's link": _world_value(
                "article_authors-0-id", lambda w: w.other_article.article_authors.first().pk
            ),
            "author row id not a number": _set("article_authors-0-id", "abc"),
            "corrections date junk": lambda data, world: data.update(
                {
                    "corrections-TOTAL_FORMS": "1",
                    "corrections-0-date": "2025-02-30",
                    "corrections-0-note": "Fixed a name.",
                    "corrections-0-ORDER": "0",
                    "corrections-0-DELETE": "",
                }
            ),
            "corrections date far past": lambda data, world: data.update(
                {
                    "corrections-TOTAL_FORMS": "1",
                    "corrections-0-date": "0001-01-01",
                    "corrections-0-note": "x",
                    "corrections-0-ORDER": "0",
                    "corrections-0-DELETE": "",
                }
            ),
        }
    )
    for value in SOME_BAD_IDS:
        mutations[f"author {value[:20]!r}"] = _set("article_authors-0-author", value)
    return mutations


def section_mutations():
    mutations = page_field_mutations()
    for value in BAD_NUMBERS:
        mutations[f"per page {value[:20]!r}"] = _set("articles_per_page", value)
    mutations["intro huge"] = _set("intro", "x" * TEN_KB)
    return mutations


def standard_mutations():
    sample = random.Random(SEED)
    # The article form gets the whole rich text catalogue; the same blocks here get a sample.
    mutations = {
        name: mutate
        for name, mutate in stream_mutations("body").items()
        if not name.startswith("rich text") or sample.random() < 0.15
    }
    mutations.update(page_field_mutations(dates=False, sample=sample))
    r = "body-2-value-rows"
    mutations.update(
        {
            "rate card slot not a choice": _set(f"{r}-0-value-slot", "billboard"),
            "rate card rows count not a number": _set(f"{r}-count", "x"),
            "rate card no rows": _set(f"{r}-0-deleted", "1"),
            "rate card price huge": _set(f"{r}-0-value-price", "x" * TEN_KB),
            "rate card row value missing": _drop_prefix(f"{r}-0-value"),
        }
    )
    return mutations


# The world the roles work in ----------------------------------------------------


@dataclass
class World:
    home: Page
    section: SectionPage
    other_article: ArticlePage
    image: object
    bare_image: object
    document: object
    author: Author
    users: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)


def _member(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, email=f"{username}@example.com")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def world(home_page, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    setup_newsroom()
    root = Collection.get_first_root_node()
    section = SectionPageFactory(parent=home_page, title="News")
    section.save_revision().publish()
    other = ArticlePageFactory(parent=section, title="An earlier story")
    other.save_revision().publish()
    w = World(
        home=home_page,
        section=section,
        other_article=other,
        image=ImageFactory(title="Flood", description="Flooded street in Lokoja", collection=root),
        bare_image=ImageFactory(title="DSC_0042", description="", collection=root),
        document=DocumentFactory(title="Report", collection=root),
        author=AuthorFactory(name="Ada Obi"),
    )
    w.users = {
        REPORTERS: _member(django_user_model, "reporter", REPORTERS),
        EDITORS: _member(django_user_model, "editor", EDITORS),
        AD_MANAGERS: _member(django_user_model, "admanager", AD_MANAGERS),
        "Superusers": django_user_model.objects.create_superuser("chief", "chief@example.com", "x"),
    }
    slots = ensure_default_slots()
    advertiser = AdvertiserFactory(name="Acme")
    campaign = CampaignFactory(advertiser=advertiser, name="Rainy season")
    w.ads = {
        "advertiser": advertiser,
        "campaign": campaign,
        "creative": CreativeFactory(campaign=campaign, slot_keys=("sidebar_top",)),
        "slot": slots["sidebar_top"],
    }
    w.settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    w.footer_target = other
    return w


def page_owned_by(world, user, kind):
    """A draft page of `kind` owned by `user`, so a reporter may edit it too."""
    if kind == "article":
        page = ArticlePageFactory(parent=world.section, title=f"Draft by {user.username}", authors=[world.author])
    elif kind == "section":
        page = SectionPageFactory(parent=world.home, title=f"Section by {user.username}")
    else:
        page = StandardPage(title=f"About, by {user.username}", slug=f"about-{user.username}")
        world.home.add_child(instance=page)
    page.owner = user
    page.save()
    page.save_revision(user=user)
    return page


def page_form(world, kind, page=None):
    """The flat POST the create (page=None) or edit form sends for a valid page of `kind`."""
    common = {
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    if kind == "article":
        if page is None:
            authors = inline_formset([{"author": world.author.pk}], min=1)
        else:
            links = [{"id": link.pk, "author": link.author_id} for link in page.article_authors.all()]
            authors = inline_formset(links, initial=len(links), min=1)
        fields = {
            "title": page.title if page else "Flood waters rise in Lokoja",
            "slug": page.slug if page else "flood-waters-rise",
            "standfirst": "The Niger and the Benue are both above flood level.",
            "kind": "news",
            "byline_override": "",
            "hero_image": "",
            "hero_caption": "",
            "hero_credit": "",
            "tags": "Floods, Kogi",
            "display_date": "",
            "article_authors": authors,
            "body": article_body(world),
            "corrections": inline_formset([]),
        }
    elif kind == "section":
        fields = {
            "title": page.title if page else "Sports",
            "slug": page.slug if page else "sports",
            "intro": "Scores and stories.",
            "articles_per_page": "20",
        }
    else:
        fields = {
            "title": page.title if page else "Our advert rates",
            "slug": page.slug if page else "advert-rates",
            "body": standard_body(world),
        }
    return nested_form_data({**common, **fields})


# Requests ---------------------------------------------------------------------


@dataclass
class Probe:
    area: str
    name: str
    method: str
    url: str
    data: dict | None = None
    page: Page | None = None  # the page whose revisions a refused post must leave alone
    reopen: str | None = None  # an accepted post's object must open again here
    mutation: str = ""  # what was broken, whatever the form: the key of KNOWN_UPSTREAM_500S

    def __post_init__(self):
        self.mutation = self.mutation or self.name


def fingerprint(page=None):
    """What a refused post must not change."""
    state = [
        Page.objects.count(),
        Revision.objects.count(),
        list(Author.objects.order_by("pk").values_list("pk", "name", "slug", "bio")),
        list(Campaign.objects.order_by("pk").values_list("pk", "name", "starts_at", "ends_at", "weight")),
        list(Creative.objects.order_by("pk").values_list("pk", "name", "kind", "link_url", "updated_at")),
        list(Slot.objects.order_by("pk").values_list("pk", "key", "width", "height", "enabled")),
        list(Advertiser.objects.order_by("pk").values_list("pk", "name", "website")),
        list(SiteSettings.objects.values_list("pk", "site_name", "facebook_url", "logo_id")),
        list(FooterLink.objects.order_by("pk").values_list("pk", "page_id", "label")),
        TrendingOverride.objects.count(),
    ]
    if page is not None:
        page = Page.objects.get(pk=page.pk)
        state.append((page.latest_revision_id, page.title, page.slug, page.live, page.go_live_at, page.expire_at))
    return state


@dataclass
class Outcome:
    probe: Probe
    status: int
    error: str = ""
    seconds: float = 0.0
    location: str = ""
    reopened: int = 0  # the status of the edit form opened again after an accepted post


@dataclass
class Run:
    outcomes: list = field(default_factory=list)
    integrity: list = field(default_factory=list)

    def server_errors(self):
        return [outcome for outcome in self.outcomes if outcome.status >= 500]


def send(client, probe, run, raised):
    before = fingerprint(probe.page) if probe.method == "post" else None
    raised.clear()
    savepoint = transaction.savepoint()
    if probe.method == "post":
        response = client.post(probe.url, probe.data)
    else:
        response = client.get(probe.url, probe.data)
    status = response.status_code
    if status >= 500:
        # The error may have aborted the transaction; start again from before it.
        transaction.savepoint_rollback(savepoint)
        run.outcomes.append(Outcome(probe, status, raised[0] if raised else "no exception recorded"))
        return
    run.outcomes.append(Outcome(probe, status, location=response.get("Location", "")))
    try:
        if probe.method == "post":
            check_what_was_stored(client, probe, response, before, run)
    except DatabaseError as error:
        # What the post stored cannot even be read back (a BC timestamp, say).
        transaction.savepoint_rollback(savepoint)
        run.integrity.append(
            f"{probe.area}: {probe.name}: answered {status}, then reading the database failed: {error}"
        )
        return
    if run.outcomes[-1].reopened >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)


def check_what_was_stored(client, probe, response, before, run):
    status = response.status_code
    accepted = status == 302 and "/login/" not in response.get("Location", "") and response["Location"] != "/admin/"
    refused_form = status == 200 or 400 <= status < 500
    after = fingerprint(probe.page)  # also: whatever was stored can be read back
    if refused_form and after != before:
        run.integrity.append(f"{probe.area}: {probe.name}: refused ({status}) but the database changed")
    if accepted and probe.reopen:
        reopened = client.get(probe.reopen)
        run.outcomes[-1].reopened = reopened.status_code
        if reopened.status_code != 200 and known_upstream(probe) not in KNOWN_UPSTREAM_500S:
            run.integrity.append(f"{probe.area}: {probe.name}: accepted, then its form answered {reopened.status_code}")


def run_probes(client, probes):
    run = Run()
    raised = []

    def remember(sender, request, **kwargs):
        error = sys.exc_info()[1]
        frames = traceback.extract_tb(error.__traceback__) if error else []
        where = "\n".join(
            f"  {frame.filename.split('site-packages/')[-1]}:{frame.lineno} {frame.name}: {frame.line}"
            for frame in frames[-14:]
        )
        raised.append(f"{type(error).__name__}: {str(error)[:160]}\n{where}")

    got_request_exception.connect(remember)
    try:
        for probe in probes:
            started = time.monotonic()
            send(client, probe, run, raised)
            run.outcomes[-1].seconds = time.monotonic() - started
    finally:
        got_request_exception.disconnect(remember)
    return run


# Probes per area ----------------------------------------------------------------

ROLES = [REPORTERS, EDITORS, AD_MANAGERS, "Superusers"]
PAGE_ROLES = {REPORTERS, EDITORS, "Superusers"}
MUTATIONS = {"article": article_mutations, "section": section_mutations, "standard": standard_mutations}
PAGE_MODELS = {"article": "articlepage", "section": "sectionpage", "standard": "standardpage"}


def page_probes(world, role, rng, kind, mutations):
    """Each of `mutations` once, on the create or the edit form, as a draft or a publish.

    Reporters may not publish: their "publish" is a submission to the desk.
    """
    user = world.users[role]
    page = page_owned_by(world, user, kind)
    parent = world.section if kind == "article" else world.home
    app = "news" if kind != "standard" else "home"
    add_url = reverse("wagtailadmin_pages:add", args=(app, PAGE_MODELS[kind], parent.pk))
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    actions = ["", "action-submit"] if role == REPORTERS else ["", "action-publish"]
    probes = []
    for n, (name, mutate) in enumerate(mutations):
        # Drawn from the mutation's name, so each case keeps its form and action as the catalogue grows.
        draw = stable_draw(kind, name)
        editing = draw % 2 == 0
        data = page_form(world, kind, page if editing else None)
        if not editing:
            data["slug"] = f"{data['slug']}-{n}"
        action = actions[draw // 2 % len(actions)]
        if action:
            data[action] = action
        mutate(data, world)
        probes.append(
            Probe(
                f"{kind} {'edit' if editing else 'create'}",
                f"{name} ({action or 'draft'})",
                "post",
                edit_url if editing else add_url,
                data,
                page=page if editing else None,
                reopen=edit_url if editing else None,
                mutation=name,
            )
        )
    return probes


def author_form(author=None, **extra):
    return {
        "name": author.name if author else "Bola Ade",
        "slug": author.slug if author else "bola-ade",
        "role": "Correspondent",
        "photo": "",
        "bio": paragraph("<p>Covers the courts.</p>", ["bold", "italic", "link"]),
        "email": "",
        "x_handle": "",
        "facebook_url": "",
        "instagram_url": "",
        "linkedin_url": "",
        "website_url": "",
        **extra,
    }


def _field_values(field_name, values):
    return {f"{field_name} {value[:20]!r}": _set(field_name, value) for value in values}


BAD_URLS = [
    "notaurl",
    "javascript:alert(1)",
    "http://[::1",
    "https://" + "x" * 3000 + ".com",
    "http://exa mple.com",
    "🔥",
]
BAD_EMAILS = ["notanemail", "a@b", "@", "x" * 300 + "@example.com", "a@[::1"]


def author_mutations():
    mutations = {}
    mutations.update(_field_values("photo", BAD_IDS))
    mutations.update(_field_values("email", BAD_EMAILS))
    mutations.update(_field_values("website_url", BAD_URLS))
    mutations.update({f"bio: {name}": _set("bio", junk) for name, junk in RICH_TEXT_JUNK.items()})
    mutations.update({f"name odd {n}": _set("name", value) for n, value in enumerate(ODD_TEXT)})
    mutations.update(_field_values("slug", ["", "a/b", "🔥", "x" * 300, "ada-obi", "a\x00b"]))
    mutations["x handle huge"] = _set("x_handle", "x" * 300)
    return mutations


def campaign_form(world, campaign=None):
    data = {
        "advertiser": world.ads["advertiser"].pk,
        "name": campaign.name if campaign else "Harmattan sale",
        "starts_at": "2030-03-01 00:00",
        "ends_at": "2030-03-31 00:00",
        "status": Campaign.ACTIVE,
        "priority": Campaign.PRIORITY_STANDARD,
        "weight": "100",
        "impression_goal": "",
        "targeting": Campaign.TARGET_SITE,
        "tags": "",
        "device": Campaign.DEVICE_ALL,
        "notes": "",
    }
    data.update(nested_form_data({"target_sections": inline_formset([]), "sponsored_articles": inline_formset([])}))
    return data


def _one_row(prefix, **values):
    def mutate(data, world):
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-ORDER": "0", f"{prefix}-0-DELETE": ""})
        for key, value in values.items():
            data[f"{prefix}-0-{key}"] = value(world) if callable(value) else value

    return mutate


def campaign_mutations():
    mutations = {}
    mutations.update(_field_values("advertiser", BAD_IDS))
    for value in BAD_DATES:
        mutations[f"starts {value[:20]!r}"] = _set("starts_at", value)
        mutations[f"ends {value[:20]!r}"] = _set("ends_at", value)
    mutations["ends before it starts"] = _set("ends_at", "2030-02-01 00:00")
    mutations.update(_field_values("weight", BAD_NUMBERS))
    mutations.update(_field_values("impression_goal", BAD_NUMBERS))
    mutations.update(_field_values("priority", ["9", "abc", BIG, ""]))
    mutations.update(_field_values("status", ["gone", ""]))
    mutations.update(_field_values("targeting", ["moon", ""]))
    mutations.update(_field_values("device", ["toaster"]))
    mutations.update({f"tags odd {n}": _set("tags", value) for n, value in enumerate(ODD_TAGS)})
    mutations["sections targeting, no section"] = _set("targeting", Campaign.TARGET_SECTIONS)
    for value in BAD_IDS[:8]:
        mutations[f"target section {value[:20]!r}"] = _one_row("target_sections", section=value)
    mutations["target section: an article"] = _one_row("target_sections", section=lambda w: w.other_article.pk)
    mutations["sponsored article: a section"] = _one_row("sponsored_articles", article=lambda w: w.section.pk)
    mutations["sponsored article 'abc'"] = _one_row("sponsored_articles", article="abc")
    mutations["sections total not a number"] = _set("target_sections-TOTAL_FORMS", "abc")
    mutations["sections management form missing"] = _drop_prefix("target_sections-")
    mutations["name huge"] = _set("name", "x" * TEN_KB)
    return mutations


def creative_form(world, creative=None):
    return {
        "campaign": world.ads["campaign"].pk,
        "name": creative.name if creative else "Leaderboard",
        "kind": Creative.IMAGE,
        "slots": [world.ads["slot"].pk],
        "is_active": "on",
        "link_url": "https://advertiser.example/",
        "alt_text": "Buy things",
        "html": "",
    }


def _upload(name, content, content_type="image/png"):
    def mutate(data, world):
        data["image"] = SimpleUploadedFile(name, content, content_type=content_type)

    return mutate


def creative_mutations():
    mutations = {}
    mutations.update(_field_values("campaign", BAD_IDS))
    for value in BAD_IDS[:8]:
        mutations[f"slots {value[:20]!r}"] = _set("slots", [value])
    mutations["slots none"] = _set("slots", [])
    mutations["slots duplicated"] = lambda data, world: data.update({"slots": [world.ads["slot"].pk] * 3})
    mutations.update(_field_values("kind", ["video", ""]))
    mutations["html kind without a tag"] = _set("kind", Creative.HTML)
    mutations["html kind in article"] = lambda data, world: data.update(
        {"kind": Creative.HTML, "html": "<script></script>", "slots": [Slot.objects.get(key="in_article").pk]}
    )
    mutations.update(_field_values("link_url", BAD_URLS))
    mutations["alt text huge"] = _set("alt_text", "x" * TEN_KB)
    mutations["image not an image"] = _upload("banner.png", b"not a picture at all")
    mutations["image empty"] = _upload("banner.png", b"")
    mutations["image svg"] = _upload("banner.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    mutations["image truncated png"] = _upload("banner.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    mutations["image too big"] = _upload("banner.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 600 * 1024)
    mutations["image name odd"] = _upload("../../etc/passwd.png", b"x")
    return mutations


def slot_form(slot):
    return {
        "key": slot.key,
        "name": slot.name,
        "width": str(slot.width),
        "height": str(slot.height),
        "enabled": "on",
        "first_after": "3",
        "every": "4",
        "max_count": "3",
        "min_paragraphs": "5",
    }


def slot_mutations():
    mutations = {}
    for name in ("width", "height", "first_after", "every", "max_count", "min_paragraphs"):
        mutations.update(_field_values(name, BAD_NUMBERS[:7]))
    mutations.update(_field_values("key", ["billboard", "header_leaderboard", ""]))
    mutations["name huge"] = _set("name", "x" * TEN_KB)
    return mutations


def advertiser_form(advertiser=None):
    return {
        "name": advertiser.name if advertiser else "Zenith Foods",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
        "notes": "",
    }


def advertiser_mutations():
    mutations = {}
    mutations.update(_field_values("website", BAD_URLS))
    mutations.update(_field_values("contact_email", BAD_EMAILS))
    mutations.update({f"name odd {n}": _set("name", value) for n, value in enumerate(ODD_TEXT)})
    mutations["name taken"] = _set("name", "Acme")
    mutations["phone huge"] = _set("contact_phone", "1" * 300)
    return mutations


def settings_form(world):
    data = {
        "site_name": "Newsroom",
        "tagline": "",
        "logo": "",
        "favicon": "",
        "default_share_image": "",
        "facebook_url": "",
        "x_url": "",
        "instagram_url": "",
        "youtube_url": "",
        "linkedin_url": "",
        "telegram_url": "",
        "whatsapp_channel_url": "",
        "copyright_line": "",
        "ads_txt": "",
    }
    data.update(
        nested_form_data({"footer_links": inline_formset([{"page": world.footer_target.pk, "label": "Earlier"}])})
    )
    return data


def settings_mutations():
    mutations = {}
    for name in ("logo", "favicon", "default_share_image"):
        mutations.update(_field_values(name, BAD_IDS))
    mutations.update(_field_values("facebook_url", BAD_URLS))
    mutations.update(_field_values("footer_links-0-page", BAD_IDS))
    mutations["footer link: missing page"] = _set("footer_links-0-page", "987654")
    mutations["footer label huge"] = _set("footer_links-0-label", "x" * 300)
    mutations["footer total not a number"] = _set("footer_links-TOTAL_FORMS", "abc")
    mutations["footer management form missing"] = _drop_prefix("footer_links-TOTAL")
    mutations["ads.txt nul"] = _set("ads_txt", "a\x00b")
    mutations["ads.txt huge"] = _set("ads_txt", "google.com, pub-1, DIRECT\n" * 20_000)
    mutations["site name huge"] = _set("site_name", "x" * TEN_KB)
    return mutations


def stable_draw(*parts):
    """A number drawn from `parts` alone: the same case always goes the same way."""
    return zlib.crc32(":".join(map(str, (SEED, *parts))).encode())


def shared_out(mutations, role, roles, form=""):
    """The share of `mutations` that `role` sends: each is sent once, by one of `roles`."""
    if role not in roles:
        names = sorted(mutations, key=lambda name: stable_draw(form, name))[:NO_ACCESS_SAMPLE]
        return {name: mutations[name] for name in names}
    return {
        name: mutate for name, mutate in mutations.items() if roles[stable_draw(form, name) // 7 % len(roles)] == role
    }


def form_probes(world, area, url, base, mutations, reopen=None):
    probes = []
    for name, mutate in sorted(mutations.items()):
        data = dict(base)
        mutate(data, world)
        probes.append(Probe(area, name, "post", url, data, reopen=reopen))
    return probes


# Query values for admin listings, reports and choosers (Django's client encodes them).
QUERY_JUNK = [*BAD_IDS, "x" * TEN_KB, "<script>", "'", "a" * 300, "🔥" * 50, "-", "__", "?", "&"]


def query_probes(area, url, params, rng, per_param=6):
    """Junk in each of `params`, then in all of them at once. The same for every role, so each fails alike."""
    rng = random.Random(f"{SEED}:{url}")
    probes = []
    for name in params:
        for value in rng.sample(QUERY_JUNK, per_param):
            probes.append(Probe(area, f"?{name}={value[:20]!r}", "get", url, {name: value}))
    probes.append(Probe(area, "every parameter junk", "get", url, {name: rng.choice(QUERY_JUNK) for name in params}))
    probes.append(Probe(area, "repeated parameters", "get", url + "?" + "&".join(f"{p}=1&{p}=abc" for p in params)))
    return probes


def view_probes(world, role, rng):
    """Our own admin views, the ads screens' listings and the choosers, with odd query parameters."""
    campaign = world.ads["campaign"]
    report = f"/admin/ads/campaign/report/{campaign.pk}/"
    probes = []
    probes += query_probes("calendar", reverse("editorial_calendar"), ["p", "month", "q"], rng, 3)
    probes += query_probes("trending board", reverse("trending_board"), ["scope", "p"], rng, 3)
    probes += query_probes(
        "search reports",
        reverse("search_reports:popular"),
        ["date_from", "date_to", "date_after", "date_before", "q", "ordering", "p", "export"],
        rng,
    )
    probes += query_probes(
        "search reports", reverse("search_reports:no_results_results"), ["date_after", "q", "ordering", "p"], rng, 3
    )
    # The articles listing and the page search are slow pages: fewer of them.
    probes += query_probes(
        "articles listing", "/admin/articles/", ["section", "author", "kind", "status", "ordering", "p", "q"], rng, 2
    )
    probes += query_probes("campaign report", report, ["start", "end", "format"], rng)
    for start, end in [
        ("0001-01-01", "0001-01-02"),
        ("9999-12-30", "9999-12-31"),
        ("2025-01-01", "2024-01-01"),
        ("2000-01-01", "2025-01-01"),
        ("2025-02-30", "2025-03-01"),
        ("abc", "def"),
    ]:
        for fmt in ("", "csv"):
            probes.append(
                Probe(
                    "campaign report",
                    f"range {start}..{end} {fmt}",
                    "get",
                    report,
                    {"start": start, "end": end, "format": fmt},
                )
            )
    for pk in ["abc", "987654", BIG, "-1", "_"]:
        probes.append(Probe("campaign report", f"pk {pk[:20]!r}", "get", f"/admin/ads/campaign/report/{pk}/"))
        probes.append(Probe("campaign edit", f"pk {pk[:20]!r}", "get", f"/admin/ads/campaign/edit/{pk}/"))
    probes += query_probes(
        "campaign listing",
        "/admin/ads/campaign/",
        ["o", "p", "q", "flight", "status__exact", "advertiser", "priority__exact", "targeting__exact", "e"],
        rng,
        3,
    )
    probes += query_probes("advertiser listing", "/admin/ads/advertiser/", ["o", "p", "q"], rng, 3)
    probes += query_probes(
        "creative listing",
        reverse("wagtailsnippets_ads_creative:list"),
        ["kind", "is_active", "campaign", "slots", "ordering", "p", "q"],
        rng,
        3,
    )
    probes += query_probes(
        "author listing", reverse("wagtailsnippets_news_author:list"), ["ordering", "p", "q"], rng, 3
    )
    # Choosers and their searches.
    probes += query_probes("page chooser", "/admin/choose-page/", ["q", "p", "page_type", "user_perms"], rng, 4)
    probes += query_probes(
        "page chooser", f"/admin/choose-page/{world.section.pk}/", ["page_type", "p", "can_choose_root"], rng, 4
    )
    probes += query_probes("page chooser", "/admin/choose-page/search/", ["q", "page_type", "p"], rng, 4)
    probes += query_probes("page chooser chosen", "/admin/choose-page/chosen-multiple/", ["id"], rng, 4)
    for page_type in ["news.nosuchpage", "nosuchapp.page", "news", "a.b.c", "news.author", "wagtailcore.page,news.x"]:
        probes.append(
            Probe("page chooser", f"page_type {page_type}", "get", "/admin/choose-page/", {"page_type": page_type})
        )
    probes += query_probes("image chooser", "/admin/images/chooser/", ["q", "p", "collection_id", "tag"], rng, 4)
    probes += query_probes(
        "image chooser results", "/admin/images/chooser/results/", ["q", "p", "collection_id"], rng, 3
    )
    probes += query_probes("document chooser", "/admin/documents/chooser/", ["q", "p", "collection_id"], rng, 4)
    probes += query_probes("author chooser", reverse("wagtailsnippetchoosers_news_author:choose"), ["q", "p"], rng, 4)
    probes += query_probes(
        "author chooser results", reverse("wagtailsnippetchoosers_news_author:choose_results"), ["q", "p"], rng, 3
    )
    probes += query_probes(
        "author chooser chosen", "/admin/snippets/choose/news/author/chosen-multiple/", ["id"], rng, 3
    )
    probes += query_probes("page search", "/admin/pages/search/", ["q", "p", "content_type", "ordering"], rng, 2)
    probes += query_probes("tag autocomplete", "/admin/tag-autocomplete/", ["term"], rng, 4)
    probes += query_probes("tag autocomplete", "/admin/tag-autocomplete/taggit/tag/", ["term"], rng, 3)
    for value in ["abc", "987654", BIG]:
        probes.append(
            Probe(
                "author chooser chosen", f"{value[:20]!r}", "get", f"/admin/snippets/choose/news/author/chosen/{value}/"
            )
        )
    # The trending board's pin and ban form, and its delete.
    override = {"article": str(world.other_article.pk), "action": "pin", "position": "1", "hours": "6"}
    override_url = reverse("trending_override_create")
    for name, values in [
        ("article", BAD_IDS),
        ("action", ["", "boost", "x" * 300]),
        ("position", BAD_NUMBERS),
        ("hours", BAD_NUMBERS),
    ]:
        for value in values:
            probes.append(
                Probe("trending pins", f"{name} {value[:20]!r}", "post", override_url, {**override, name: value})
            )
    probes.append(
        Probe(
            "trending pins", "article: a section", "post", override_url, {**override, "article": str(world.section.pk)}
        )
    )
    for pk in ["987654", BIG]:
        probes.append(Probe("trending pins", f"delete {pk[:20]}", "post", f"/admin/trending/overrides/{pk}/delete/"))
    return probes


def snippet_probes(world, role, rng):
    probes = []
    author = world.author
    probes += form_probes(
        world,
        "author add",
        reverse("wagtailsnippets_news_author:add"),
        author_form(slug="bola-ade"),
        shared_out(author_mutations(), role, AUTHOR_ROLES),
    )
    probes += form_probes(
        world,
        "author edit",
        reverse("wagtailsnippets_news_author:edit", args=(author.pk,)),
        author_form(author),
        shared_out(author_mutations(), role, AUTHOR_ROLES),
        reopen=reverse("wagtailsnippets_news_author:edit", args=(author.pk,)),
    )
    return probes


def ads_probes(world, role, rng):
    probes = []
    campaign, creative, slot, advertiser = (world.ads[k] for k in ("campaign", "creative", "slot", "advertiser"))
    probes += form_probes(
        world,
        "campaign create",
        "/admin/ads/campaign/create/",
        campaign_form(world),
        shared_out(campaign_mutations(), role, AD_ROLES),
    )
    probes += form_probes(
        world,
        "campaign edit",
        f"/admin/ads/campaign/edit/{campaign.pk}/",
        campaign_form(world, campaign),
        shared_out(campaign_mutations(), role, AD_ROLES),
        reopen=f"/admin/ads/campaign/edit/{campaign.pk}/",
    )
    probes += form_probes(
        world,
        "creative add",
        reverse("wagtailsnippets_ads_creative:add"),
        creative_form(world),
        shared_out(creative_mutations(), role, AD_ROLES),
    )
    probes += form_probes(
        world,
        "creative edit",
        reverse("wagtailsnippets_ads_creative:edit", args=(creative.pk,)),
        creative_form(world, creative),
        shared_out(creative_mutations(), role, AD_ROLES),
        reopen=reverse("wagtailsnippets_ads_creative:edit", args=(creative.pk,)),
    )
    probes += form_probes(
        world,
        "slot edit",
        reverse("wagtailsnippets_ads_slot:edit", args=(slot.pk,)),
        slot_form(slot),
        shared_out(slot_mutations(), role, AD_ROLES),
        reopen=reverse("wagtailsnippets_ads_slot:edit", args=(slot.pk,)),
    )
    probes += form_probes(
        world,
        "advertiser create",
        "/admin/ads/advertiser/create/",
        advertiser_form(),
        shared_out(advertiser_mutations(), role, AD_ROLES),
    )
    probes += form_probes(
        world,
        "advertiser edit",
        f"/admin/ads/advertiser/edit/{advertiser.pk}/",
        advertiser_form(advertiser),
        shared_out(advertiser_mutations(), role, AD_ROLES),
    )
    return probes


def settings_probes(world, role, rng):
    url = reverse("wagtailsettings:edit", args=("site_settings", "sitesettings", world.settings.site_id))
    return form_probes(world, "site settings", url, settings_form(world), settings_mutations(), reopen=url)


# Who may use which forms (home.permissions); everyone else gets a sample, which must be refused cleanly.
ACCESS = {
    "author": {REPORTERS, EDITORS, "Superusers"},
    "ads": {AD_MANAGERS, "Superusers"},
    "settings": {"Superusers"},
}
NO_ACCESS_SAMPLE = 3
AUTHOR_ROLES = PAGE_EDITORS = [REPORTERS, EDITORS, "Superusers"]
AD_ROLES = [AD_MANAGERS, "Superusers"]


def page_mutations_for(role):
    """The page mutations `role` sends: each one is sent by one of the roles that edit pages.

    Page forms are the slowest to answer, so the catalogue is shared out
    between reporters, editors and superusers (seeded), not repeated.
    """
    return {kind: sorted(shared_out(MUTATIONS[kind](), role, PAGE_EDITORS, kind).items()) for kind in MUTATIONS}


def restricted(probes, role, area, rng):
    if role in ACCESS[area]:
        return probes
    # Refused before any form runs: a few are enough.
    sample = rng.sample(probes, min(NO_ACCESS_SAMPLE, len(probes)))
    for probe in sample:
        probe.area = f"{probe.area} (no access)"
    return sample


# A run sends this share of the catalogue (seeded, so the same share each time);
# NEWSROOM_FUZZ_ALL=1 sends all of it (some minutes on a busy machine).
DEFAULT_SHARE = 0.25


def sampled(probes):
    if os.environ.get("NEWSROOM_FUZZ_ALL") == "1":
        return probes
    return [probe for probe in probes if stable_draw(probe.area, probe.name) % 100 < DEFAULT_SHARE * 100]


def probes_for(world, role):
    """Every malformed request `role` sends: the forms it may use, and a sample of those it may not."""
    rng = random.Random(f"{SEED}:{role}")
    probes = []
    for kind, mutations in page_mutations_for(role).items():
        if role in PAGE_ROLES:
            probes += page_probes(world, role, rng, kind, mutations)
        else:
            # Ad managers reach no page: their page posts are refused before any form runs.
            for probe in page_probes(world, EDITORS, rng, kind, mutations):
                probe.area = f"{probe.area} (no access)"
                probes.append(probe)
    probes += restricted(snippet_probes(world, role, rng), role, "author", rng)
    probes += restricted(ads_probes(world, role, rng), role, "ads", rng)
    probes += restricted(settings_probes(world, role, rng), role, "settings", rng)
    probes += view_probes(world, role, rng)
    return probes


# Malformed input that still answers 500 from inside Wagtail or a library it
# uses (draftjs_exporter, modelcluster, modelsearch, wagtail-modeladmin), keyed
# by form and mutation, with where it is raised. A project does not patch
# those: the test fails if one of these stops answering 500 (fixed upstream:
# drop it from the list) or if a 500 appears that is not listed here.
KNOWN_UPSTREAM_500S = {
    "article create: author '1.5' (action-publish)": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "article create: author 'abc' (action-submit)": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "article create: authors initial past total (action-submit)": "modelcluster/forms.py:29 (MultiValueDictKeyError)",
    "article create: block order missing (action-publish)": "wagtail/blocks/stream_block.py:134",
    "article create: block type missing (draft)": "wagtail/blocks/stream_block.py:126 (MultiValueDictKeyError)",
    "article create: count float (action-submit)": "wagtail/blocks/stream_block.py:121 (ValueError)",
    "article create: count huge (action-publish)": "wagtail/blocks/stream_block.py:124 (MultiValueDictKeyError)",
    "article create: fact box rich text junk (action-publish)": "wagtail/.../converters/contentstate.py:147",
    "article create: fact box rich text wrong shape (action-submit)": "draftjs_exporter/html.py:98 (AttributeError)",
    "article create: gallery count not a number (action-publish)": "wagtail/blocks/list_block.py:182 (ValueError)",
    "article create: gallery image not a number (action-publish)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article create: gallery item deleted flag missing (draft)": "wagtail/blocks/list_block.py:185",
    "article create: gallery item order not a number (action-publish)": "wagtail/blocks/list_block.py:189 (ValueError)",
    "article create: hero image '1.5' (draft)": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "article create: hero image 'abc' (draft)": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "article create: image chooser '1.5' (action-publish)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article create: image chooser 'abc' (action-submit)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article create: related stories count not a number (draft)": "wagtail/blocks/list_block.py:182 (ValueError)",
    "article create: related story '[1]' (draft)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article create: rich text: blocks null (draft)": "draftjs_exporter/html.py:96 (TypeError)",
    "article create: rich text: empty string (draft)": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "article create: rich text: entity range key a string (draft)": "draftjs_exporter/entity_state.py:97",
    "article create: rich text: entity range missing keys (draft)": "draftjs_exporter/command.py:44 (KeyError)",
    "article create: rich text: json list (draft)": "draftjs_exporter/html.py:84 (AttributeError)",
    "article create: rich text: json string (draft)": "draftjs_exporter/html.py:84 (AttributeError)",
    "article create: rich text: link without url (draft)": "wagtail/whitelist.py:21 (AttributeError)",
    "article create: rich text: style range negative (draft)": "draftjs_exporter/style_state.py:35 (ValueError)",
    "article create: rich text: style range strings (action-publish)": "draftjs_exporter/html.py:249 (TypeError)",
    "article create: rich text: text a number (draft)": "draftjs_exporter/composite_decorators.py:134 (TypeError)",
    "article create: table caption missing (draft)": "wagtail/contrib/.../blocks.py:99 (MultiValueDictKeyError)",
    "article create: table row count not a number (draft)": "wagtail/contrib/.../blocks.py:116 (ValueError)",
    "article create: table row count past the rows (action-submit)": "wagtail/contrib/.../blocks.py:129",
    "article create: table row order not a number (action-publish)": "wagtail/contrib/.../blocks.py:120 (ValueError)",
    "article edit: author '[1]' (action-submit)": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "article edit: author row id not a number (action-submit)": "modelcluster/forms.py:35 (ValidationError)",
    "article edit: block deleted flag missing (action-publish)": "wagtail/blocks/stream_block.py:124",
    "article edit: block order not a number (action-publish)": "wagtail/blocks/stream_block.py:134 (ValueError)",
    "article edit: count empty (action-publish)": "wagtail/blocks/stream_block.py:121 (ValueError)",
    "article edit: count missing (action-publish)": "wagtail/blocks/stream_block.py:121 (MultiValueDictKeyError)",
    "article edit: count not a number (draft)": "wagtail/blocks/stream_block.py:121 (ValueError)",
    "article edit: count past the blocks (draft)": "wagtail/blocks/stream_block.py:124 (MultiValueDictKeyError)",
    "article edit: document chooser '1.5' (draft)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article edit: document chooser 'abc' (draft)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article edit: gallery count missing (action-submit)": "wagtail/blocks/list_block.py:182 (MultiValueDictKeyError)",
    "article edit: gallery count past the items (draft)": "wagtail/blocks/list_block.py:185 (MultiValueDictKeyError)",
    "article edit: hero image '[1]' (draft)": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "article edit: image chooser '[1]' (action-publish)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article edit: related story '1.5' (draft)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article edit: related story 'abc' (draft)": "wagtail/blocks/field_block.py:945 (ValueError)",
    "article edit: rich text: blocks a string (draft)": "draftjs_exporter/html.py:98 (AttributeError)",
    "article edit: rich text: blocks of null (draft)": "draftjs_exporter/html.py:98 (AttributeError)",
    "article edit: rich text: blocks of numbers (draft)": "draftjs_exporter/html.py:98 (AttributeError)",
    "article edit: rich text: depth a string (action-publish)": "draftjs_exporter/html.py:100 (TypeError)",
    "article edit: rich text: depth huge (draft)": "draftjs_exporter/engines/string.py:132 (RecursionError)",
    "article edit: rich text: entity null (action-submit)": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "article edit: rich text: entity range to a missing key (draft)": "draftjs_exporter/entity_state.py:97",
    "article edit: rich text: entity without data (draft)": "draftjs_exporter/entity_state.py:129 (KeyError)",
    "article edit: rich text: html instead of json (action-publish)": "wagtail/.../converters/contentstate.py:147",
    "article edit: rich text: json number (draft)": "draftjs_exporter/html.py:84 (AttributeError)",
    "article edit: rich text: json true (draft)": "draftjs_exporter/html.py:84 (AttributeError)",
    "article edit: rich text: style range missing keys (action-publish)": "draftjs_exporter/style_state.py:139",
    "article edit: rich text: text null (draft)": "draftjs_exporter/composite_decorators.py:134 (TypeError)",
    "article edit: rich text: truncated json (action-publish)": "wagtail/.../converters/contentstate.py:147",
    "article edit: table column count not a number (action-publish)": "wagtail/contrib/.../blocks.py:101 (ValueError)",
    "article edit: table column count past the columns (draft)": "wagtail/contrib/.../blocks.py:110",
    "article edit: table column order not a number (draft)": "wagtail/contrib/.../blocks.py:106 (ValueError)",
    "article edit: table column type unknown (action-submit)": "wagtail/contrib/.../blocks.py:114 (KeyError)",
    "article edit: whole stream missing (action-publish)": "wagtail/blocks/stream_block.py:121",
    "author add: bio: blocks a string": "draftjs_exporter/html.py:98 (AttributeError)",
    "author add: bio: blocks null": "draftjs_exporter/html.py:96 (TypeError)",
    "author add: bio: blocks of null": "draftjs_exporter/html.py:98 (AttributeError)",
    "author add: bio: blocks of numbers": "draftjs_exporter/html.py:98 (AttributeError)",
    "author add: bio: empty string": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "author add: bio: entity null": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "author add: bio: entity range key a string": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "author add: bio: entity range missing keys": "draftjs_exporter/command.py:44 (KeyError)",
    "author add: bio: entity range to a missing key": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "author add: bio: entity without data": "draftjs_exporter/entity_state.py:129 (KeyError)",
    "author add: bio: html instead of json": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "author add: bio: json list": "draftjs_exporter/html.py:84 (AttributeError)",
    "author add: bio: json number": "draftjs_exporter/html.py:84 (AttributeError)",
    "author add: bio: json string": "draftjs_exporter/html.py:84 (AttributeError)",
    "author add: bio: json true": "draftjs_exporter/html.py:84 (AttributeError)",
    "author add: bio: link without url": "wagtail/whitelist.py:21 (AttributeError)",
    "author add: bio: page link id not a number": "wagtail/.../converters/html_to_contentstate.py:239 (ValueError)",
    "author add: bio: style range missing keys": "draftjs_exporter/style_state.py:139 (KeyError)",
    "author add: bio: style range negative": "draftjs_exporter/style_state.py:35 (ValueError)",
    "author add: bio: style range strings": "draftjs_exporter/html.py:249 (TypeError)",
    "author add: bio: text a number": "draftjs_exporter/composite_decorators.py:134 (TypeError)",
    "author add: bio: text null": "draftjs_exporter/composite_decorators.py:134 (TypeError)",
    "author add: bio: truncated json": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "author add: photo '%00'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo '0x10'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo '[1]'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo 'null'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo '{\"id\": 1}'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author add: photo '🔥'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author chooser chosen: 'abc'": "wagtail/admin/views/generic/chooser.py:519 (ValueError)",
    "author chooser chosen: ?id=''": "wagtail/admin/views/generic/chooser.py:541 (ValueError)",
    "author chooser chosen: ?id='?'": "wagtail/admin/views/generic/chooser.py:541 (ValueError)",
    "author chooser chosen: ?id='null'": "wagtail/admin/views/generic/chooser.py:541 (ValueError)",
    "author chooser chosen: repeated parameters": "wagtail/admin/views/generic/chooser.py:541 (ValueError)",
    "author edit: bio: blocks a string": "draftjs_exporter/html.py:98 (AttributeError)",
    "author edit: bio: blocks null": "draftjs_exporter/html.py:96 (TypeError)",
    "author edit: bio: blocks of null": "draftjs_exporter/html.py:98 (AttributeError)",
    "author edit: bio: blocks of numbers": "draftjs_exporter/html.py:98 (AttributeError)",
    "author edit: bio: empty string": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "author edit: bio: entity null": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "author edit: bio: entity range key a string": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "author edit: bio: entity range missing keys": "draftjs_exporter/command.py:44 (KeyError)",
    "author edit: bio: entity range to a missing key": "draftjs_exporter/entity_state.py:97 (entity exception)",
    "author edit: bio: entity without data": "draftjs_exporter/entity_state.py:129 (KeyError)",
    "author edit: bio: html instead of json": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "author edit: bio: json list": "draftjs_exporter/html.py:84 (AttributeError)",
    "author edit: bio: json number": "draftjs_exporter/html.py:84 (AttributeError)",
    "author edit: bio: json string": "draftjs_exporter/html.py:84 (AttributeError)",
    "author edit: bio: json true": "draftjs_exporter/html.py:84 (AttributeError)",
    "author edit: bio: link without url": "wagtail/whitelist.py:21 (AttributeError)",
    "author edit: bio: page link id not a number": "wagtail/.../converters/html_to_contentstate.py:239, reopening",
    "author edit: bio: style range missing keys": "draftjs_exporter/style_state.py:139 (KeyError)",
    "author edit: bio: style range negative": "draftjs_exporter/style_state.py:35 (ValueError)",
    "author edit: bio: style range strings": "draftjs_exporter/html.py:249 (TypeError)",
    "author edit: bio: text a number": "draftjs_exporter/composite_decorators.py:134 (TypeError)",
    "author edit: bio: text null": "draftjs_exporter/composite_decorators.py:134 (TypeError)",
    "author edit: bio: truncated json": "wagtail/.../converters/contentstate.py:147 (JSONDecodeError)",
    "author edit: photo '%00'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo '0x10'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo '[1]'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo 'null'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo '{\"id\": 1}'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "author edit: photo '🔥'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign create: sponsored article 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign create: target section '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign create: target section '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign create: target section 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign edit: pk '_'": "wagtail_modeladmin/views.py:278 (ValueError)",
    "campaign edit: pk 'abc'": "wagtail_modeladmin/views.py:278 (ValueError)",
    "campaign edit: sponsored article 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign edit: target section '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign edit: target section '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "campaign edit: target section 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    'campaign listing: ?priority__exact="\'"': "wagtail_modeladmin/views.py:637 (IncorrectLookupParameters)",
    "campaign listing: repeated parameters": "wagtail_modeladmin/views.py:637 (IncorrectLookupParameters)",
    "image chooser: every parameter junk": "modelsearch/backends/base.py:198 (FilterFieldError)",
    "image chooser: repeated parameters": "modelsearch/backends/base.py:198 (FilterFieldError)",
    "page chooser chosen: ?id='1.5'": "wagtail/admin/views/chooser.py:518 (ValueError)",
    "page chooser chosen: ?id='1e3'": "wagtail/admin/views/chooser.py:518 (ValueError)",
    "page chooser chosen: every parameter junk": "wagtail/admin/views/chooser.py:518 (ValueError)",
    "page chooser chosen: repeated parameters": "wagtail/admin/views/chooser.py:518 (ValueError)",
    "site settings: default_share_image '%00'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image '0x10'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image '[1]'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image 'null'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image '{\"id\": 1}'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: default_share_image '🔥'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '%00'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '0x10'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '[1]'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon 'null'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '{\"id\": 1}'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: favicon '🔥'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '%00'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '0x10'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '[1]'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page 'null'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '{\"id\": 1}'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: footer_links-0-page '🔥'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '%00'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '0x10'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '1.5'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '1e3'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '[1]'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo 'abc'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo 'null'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '{\"id\": 1}'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "site settings: logo '🔥'": "wagtail/admin/widgets/chooser.py:122 (ValueError)",
    "standard create: block order missing (action-publish)": "wagtail/blocks/stream_block.py:134",
    "standard create: count float (draft)": "wagtail/blocks/stream_block.py:121 (ValueError)",
    "standard create: count missing (action-publish)": "wagtail/blocks/stream_block.py:121 (MultiValueDictKeyError)",
    "standard create: count not a number (draft)": "wagtail/blocks/stream_block.py:121 (ValueError)",
    "standard create: rich text: style range strings (draft)": "draftjs_exporter/html.py:249 (TypeError)",
    "standard create: whole stream missing (action-submit)": "wagtail/blocks/stream_block.py:121",
    "standard edit: block deleted flag missing (draft)": "wagtail/blocks/stream_block.py:124 (MultiValueDictKeyError)",
    "standard edit: block order not a number (draft)": "wagtail/blocks/stream_block.py:134 (ValueError)",
    "standard edit: block type missing (draft)": "wagtail/blocks/stream_block.py:126 (MultiValueDictKeyError)",
    "standard edit: count empty (draft)": "wagtail/blocks/stream_block.py:121 (ValueError)",
    "standard edit: count huge (draft)": "wagtail/blocks/stream_block.py:124 (MultiValueDictKeyError)",
    "standard edit: count past the blocks (action-publish)": "wagtail/blocks/stream_block.py:124",
    "standard edit: rate card rows count not a number (draft)": "wagtail/blocks/list_block.py:182 (ValueError)",
    "standard edit: rich text: blocks a string (action-publish)": "draftjs_exporter/html.py:98 (AttributeError)",
    "standard edit: rich text: depth huge (action-submit)": "draftjs_exporter/engines/string.py:132 (RecursionError)",
}


# Refused by Django itself, whatever the form (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS).
EXPECTED_STATUS = {"body over the upload size limit": 400, "more fields than the limit": 400}


def known_upstream(probe):
    """The KNOWN_UPSTREAM_500S key of a probe: its form, what it broke and, for pages, the action."""
    return f"{probe.area.removesuffix(' (no access)')}: {probe.name}"


def refused_for_permission(outcome):
    """Wagtail refuses a user without permission with a redirect to the dashboard (or a 403)."""
    return outcome.status == 403 or (outcome.status == 302 and outcome.location in ("/admin/", "/admin/login/"))


def write_report(role, run):
    path = os.environ.get("NEWSROOM_FUZZ_REPORT")
    if not path:
        return
    by_area = defaultdict(Counter)
    for outcome in run.outcomes:
        by_area[outcome.probe.area]["requests"] += 1
        by_area[outcome.probe.area]["500s"] += outcome.status >= 500
        by_area[outcome.probe.area]["ms"] += int(outcome.seconds * 1000)
    with open(path, "a") as report:
        report.write(f"\n## {role}: {len(run.outcomes)} requests, {len(run.server_errors())} answered 500\n")
        for area, counts in sorted(by_area.items()):
            report.write(f"- {area}: {counts['requests']} requests, {counts['500s']} x 500, {counts['ms']} ms\n")
        for outcome in run.server_errors():
            probe = outcome.probe
            report.write(f"\n### {role} | {probe.area} | {probe.name}\n{probe.method.upper()} {probe.url}\n")
            report.write(f"error: {outcome.error}\n")
        for problem in run.integrity:
            report.write(f"integrity: {problem}\n")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_malformed_admin_input_never_causes_a_server_error(world, role, settings, record_property):
    # With DEBUG on, Django answers some errors with technical pages instead of
    # the production handlers; the point is what production does.
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    probes = sampled(probes_for(world, role))
    run = run_probes(client, probes)
    record_property("fuzz_requests", len(run.outcomes))
    record_property("fuzz_server_errors", len(run.server_errors()))
    write_report(role, run)

    new = sorted(
        f"{o.status} {o.probe.area}: {o.probe.name}: {o.error}"
        for o in run.server_errors()
        if known_upstream(o.probe) not in KNOWN_UPSTREAM_500S
    )
    answers = defaultdict(set)
    for o in run.outcomes:
        if known_upstream(o.probe) in KNOWN_UPSTREAM_500S and not refused_for_permission(o):
            answers[known_upstream(o.probe)].add(max(o.status, o.reopened))
    fixed_upstream = sorted(
        f"{key} answered {sorted(statuses)}" for key, statuses in answers.items() if 500 not in statuses
    )
    wrong = [
        f"{o.probe.area}: {o.probe.name} answered {o.status}, not {EXPECTED_STATUS[o.probe.mutation]}"
        for o in run.outcomes
        if o.probe.mutation in EXPECTED_STATUS
        and o.status != EXPECTED_STATUS[o.probe.mutation]
        and not refused_for_permission(o)
    ]
    assert not new, f"{len(new)} of {len(run.outcomes)} requests answered 500:\n" + "\n".join(new)
    assert not wrong, "\n".join(wrong)
    assert not fixed_upstream, "Listed as failing inside Wagtail, but no longer:\n" + "\n".join(fixed_upstream)
    assert not run.integrity, "\n".join(run.integrity)

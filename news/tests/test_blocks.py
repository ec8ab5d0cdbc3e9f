"""Every body block renders through its own template, on a real article page."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection
from wagtail_factories import DocumentFactory, ImageFactory

from home.blocks import StandardBodyBlock
from news.blocks import ArticleBodyBlock, RelatedStoriesBlock, parse_embed_url
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory


@pytest.fixture
def section(home_page):
    return SectionPageFactory(parent=home_page, title="News")


@pytest.fixture
def images(db):
    root = Collection.get_first_root_node()
    return [ImageFactory(title=f"Photo {n}", description=f"Described photo {n}", collection=root) for n in range(3)]


@pytest.fixture
def every_block_article(section, images):
    root = Collection.get_first_root_node()
    document = DocumentFactory(title="Full judgment", collection=root)
    other = ArticlePageFactory(parent=section, title="Earlier ruling on the case")
    other.save_revision().publish()
    unpublished = ArticlePageFactory(parent=section, title="Unpublished draft story", live=False)
    body = [
        ("paragraph", "<p>Opening <b>paragraph</b> with a <a href='https://example.com'>link</a>.</p>"),
        ("heading", {"text": "What the judge said", "level": "h2"}),
        ("image", {"image": images[0].pk, "alt_text": "Judge leaving court", "caption": "Outside", "credit": "AB"}),
        ("pull_quote", {"text": "Justice delayed is justice denied.", "attribution": "Counsel"}),
        ("embed", {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Video briefing"}),
        ("embed", {"url": "https://x.com/newsroom/status/123", "title": "Reaction on X"}),
        (
            "gallery",
            {
                "title": "Scenes",
                "images": [{"image": images[1].pk, "caption": "One"}, {"image": images[2].pk, "caption": ""}],
            },
        ),
        ("fact_box", {"title": "Case facts", "body": "<ul><li>Filed in 2024</li></ul>"}),
        ("related_stories", {"title": "Read more", "stories": [other.pk, unpublished.pk]}),
        (
            "table",
            {
                "caption": "Votes by state",
                "columns": [{"type": "text", "heading": "State"}, {"type": "number", "heading": "Votes"}],
                "rows": [{"values": ["Kano", "1200"]}, {"values": ["Lagos", "900"]}],
            },
        ),
        ("download", {"document": document.pk, "label": "Read the judgment"}),
    ]
    # Raw stream data, as the editor's form would store it.
    raw_body = [{"type": block_type, "value": value} for block_type, value in body]
    article = ArticlePageFactory(parent=section, title="Court rules on election petition", body=raw_body)
    article.save_revision().publish()
    return article


def test_article_uses_every_block_type(every_block_article):
    used = {block.block_type for block in every_block_article.body}
    assert used == set(ArticleBodyBlock.base_blocks)


@pytest.mark.django_db
def test_every_block_renders_on_the_article_page(client, every_block_article):
    response = client.get(every_block_article.url)
    assert response.status_code == 200
    html = response.content.decode()
    expectations = {
        "paragraph": "Opening <b>paragraph</b>",
        "heading": '<h2 class="block-heading">What the judge said</h2>',
        "image": 'alt="Judge leaving court"',
        "pull_quote": "Justice delayed is justice denied.",
        "embed video facade": 'data-embed-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"',
        "embed social card": 'class="embed-card" href="https://x.com/newsroom/status/123"',
        "gallery": 'class="block-gallery"',
        "fact_box": "Case facts",
        "related_stories": "Earlier ruling on the case",
        "table": "<caption>Votes by state</caption>",
        "table cells": "<td>Kano</td>",
        "download": "Read the judgment",
    }
    for name, fragment in expectations.items():
        assert fragment in html, name
    # The video facade makes no request to the provider until the reader asks.
    assert "<iframe" not in html
    assert "ytimg.com" not in html
    # Unpublished stories chosen as related are dropped.
    assert "Unpublished draft story" not in html
    # Images are responsive WebP renditions, lazy below the hero.
    assert 'type="image/webp"' in html
    assert 'loading="lazy"' in html


def test_related_stories_load_in_one_query(every_block_article, section):
    stories = [ArticlePageFactory(parent=section, title=f"Background story {n}") for n in range(6)]
    for story in stories:
        story.save_revision().publish()
    block = RelatedStoriesBlock()
    raw = {"title": "More", "stories": [story.pk for story in stories]}
    request = RequestFactory().get("/")
    # On a real page the site's root paths are already cached on the request.
    every_block_article.get_url(request)
    with CaptureQueriesContext(connection) as queries:
        value = block.to_python(raw)
        html = block.render(value, context={"request": request})
    assert len(queries) == 1, [q["sql"][:150] for q in queries]
    assert all(story.title in html for story in stories)


@pytest.mark.parametrize(
    "url,provider,kind",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube", "video"),
        ("https://youtu.be/dQw4w9WgXcQ", "YouTube", "video"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "YouTube", "video"),
        ("https://vimeo.com/76979871", "Vimeo", "video"),
        ("https://twitter.com/user/status/1", "X", "social"),
        ("https://www.instagram.com/p/abc/", "Instagram", "social"),
        ("https://www.facebook.com/news/posts/1", "Facebook", "social"),
    ],
)
def test_supported_embed_urls(url, provider, kind):
    assert parse_embed_url(url)[:2] == (provider, kind)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/video",
        "javascript:alert(1)",
        "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://vimeo.com/channels/staff",
        "https://x.com/",
        "",
    ],
)
def test_unsupported_embed_urls_are_rejected(url):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_embed_url(url)


def test_every_block_has_a_template_and_preview_value():
    for stream in (ArticleBodyBlock(), StandardBodyBlock()):
        for name, block in stream.child_blocks.items():
            assert block.meta.template, name
            assert block.meta.template.startswith("components/streamfield/blocks/"), name


@pytest.mark.django_db
def test_byline_joins_authors(section):
    article = ArticlePageFactory(
        parent=section,
        authors=[AuthorFactory(name="Ada Obi"), AuthorFactory(name="Bayo Ade"), AuthorFactory(name="Chi Eze")],
    )
    assert article.byline == "Ada Obi, Bayo Ade and Chi Eze"
    article.byline_override = "By our Correspondent"
    assert article.byline == "By our Correspondent"


@pytest.mark.django_db
def test_gallery_pictures_carry_alt_text_and_credit_like_the_image_block(client, section, images):
    root = Collection.get_first_root_node()
    undescribed = ImageFactory(title="No description", description="", collection=root)
    gallery = {
        "title": "Scenes",
        "images": [
            {"image": images[0].pk, "alt_text": "Voters queue at dawn", "caption": "Kano", "credit": "Photo: A. Bello"},
            {"image": images[1].pk, "alt_text": "", "caption": "Lagos", "credit": ""},
        ],
    }
    article = ArticlePageFactory(parent=section, body=[{"type": "gallery", "value": gallery}])
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert 'alt="Voters queue at dawn"' in html
    assert '<span class="credit">Photo: A. Bello</span>' in html
    # Without alt text of its own, a picture falls back on its description.
    assert 'alt="Described photo 1"' in html

    # The same rule as the image block: a picture without a description needs alt text.
    block = ArticleBodyBlock()
    value = block.to_python(
        [{"type": "gallery", "value": {"title": "", "images": [{"image": undescribed.pk}, {"image": images[2].pk}]}}]
    )
    with pytest.raises(Exception, match="Validation error"):
        block.clean(value)

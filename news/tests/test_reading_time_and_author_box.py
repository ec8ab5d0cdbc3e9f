"""Reading time in the article header and the author box under the body (issue 18, Readers 5)."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Collection
from wagtail_factories import ImageFactory

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import READING_WORDS_PER_MINUTE


def paragraphs(words):
    return [{"type": "paragraph", "value": "<p>" + " ".join(["word"] * words) + "</p>"}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "words,minutes", [(10, 1), (READING_WORDS_PER_MINUTE * 4, 4), (READING_WORDS_PER_MINUTE * 9, 9)]
)
def test_reading_time_follows_the_text(client, home_page, words, minutes):
    section = SectionPageFactory(parent=home_page)
    article = ArticlePageFactory(parent=section, standfirst="Short.", body=paragraphs(words))
    article.save_revision().publish()
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one(".article__reading-time").get_text(strip=True) == f"{minutes} min read"


@pytest.mark.django_db
def test_headings_quotes_and_fact_boxes_count_but_not_embed_urls(home_page):
    section = SectionPageFactory(parent=home_page)
    body = [
        {"type": "heading", "value": {"text": " ".join(["h"] * 200), "level": "h2"}},
        {"type": "pull_quote", "value": {"text": " ".join(["q"] * 100), "attribution": ""}},
        {"type": "fact_box", "value": {"title": "", "body": "<p>" + " ".join(["f"] * 160) + "</p>"}},
        {"type": "embed", "value": {"url": "https://youtu.be/dQw4w9WgXcQ " * 500, "title": ""}},
    ]
    article = ArticlePageFactory(parent=section, standfirst="Short.", body=body)
    assert article.reading_minutes == round(461 / READING_WORDS_PER_MINUTE) == 2


@pytest.mark.django_db
def test_author_box_under_the_body_names_photo_role_bio_page_and_feed(client, home_page):
    section = SectionPageFactory(parent=home_page)
    photo = ImageFactory(collection=Collection.get_first_root_node())
    amaka = AuthorFactory(
        name="Amaka Eze", slug="amaka-eze", role="Judiciary Correspondent", bio="<p>Covers the courts.</p>", photo=photo
    )
    tunde = AuthorFactory(name="Tunde Bakare", slug="tunde-bakare", role="", bio="")
    article = ArticlePageFactory(parent=section, authors=[amaka, tunde], body=paragraphs(50))
    article.save_revision().publish()
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    box = soup.select_one(".article .article__body + .author-box")
    assert box is not None, "the author box follows the article body"
    first, second = box.select(".author-box__author")
    assert first.select_one("img.author-box__photo")["src"].endswith(".webp")
    assert first.select_one(".author-box__role").get_text() == "Judiciary Correspondent"
    assert first.select_one(".author-box__bio").get_text(strip=True) == "Covers the courts."
    links = {a.get_text(strip=True): a["href"] for a in first.select(".author-box__links a")}
    assert links == {"More from Amaka Eze": "/authors/amaka-eze/", "RSS feed": "/feed/author/amaka-eze/"}
    # No photo: initials stand in, and nothing empty is shown.
    assert second.select_one(".author-box__photo--initials").get_text() == "TB"
    assert second.select_one(".author-box__role") is None and second.select_one(".author-box__bio") is None

    author_page = BeautifulSoup(client.get("/authors/tunde-bakare/").content, "html.parser")
    assert author_page.select_one(".author-header .author-box__photo--initials").get_text() == "TB"
    author_page = BeautifulSoup(client.get("/authors/amaka-eze/").content, "html.parser")
    assert author_page.select_one("img.author-header__photo") is not None


@pytest.mark.django_db
def test_paginated_pages_say_which_page_in_their_title(client, home_page, monkeypatch):
    section = SectionPageFactory(parent=home_page, title="Politics", articles_per_page=5)
    section.save_revision().publish()
    author = AuthorFactory(name="Ada Obi", slug="ada-obi")
    for n in range(6):
        story = ArticlePageFactory(parent=section, title=f"Story {n}", authors=[author])
        story.tags.add("Budget")
        story.save_revision().publish()

    def title(url):
        return BeautifulSoup(client.get(url).content, "html.parser").title.get_text()

    assert title("/politics/").startswith("Politics |")
    assert title("/politics/?page=2").startswith("Politics – Page 2 |")
    assert "Page" not in title("/authors/ada-obi/")
    assert "Page" not in title("/tags/budget/")
    monkeypatch.setattr("search.service.PER_PAGE", 5)
    assert title("/search/?q=story").startswith("“story”: search |")
    assert title("/search/?q=story&page=2").startswith("“story”: search – Page 2 |")

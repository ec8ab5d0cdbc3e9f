"""Meta tags, JSON-LD, RSS feeds, sitemaps and robots.txt."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Collection, Site
from wagtail_factories import ImageFactory

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import ArticleKind, ArticlePage, ArticlePageAuthor
from site_settings.models import SiteSettings

SITE = "http://127.0.0.1:8000"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def publish(article):
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


@pytest.fixture
def section(home_page):
    return SectionPageFactory(parent=home_page, title="Politics", slug="politics", intro="Who governs, and how.")


@pytest.fixture
def reporter(db):
    return AuthorFactory(name="Ada Obi", slug="ada-obi")


@pytest.fixture
def hero(db):
    return ImageFactory(title="Assembly", collection=Collection.get_first_root_node())


@pytest.fixture
def article(section, reporter, hero):
    story = ArticlePageFactory(
        parent=section,
        title="Senate passes the budget",
        slug="senate-passes-the-budget",
        standfirst="Lawmakers approved the spending plan after a late sitting.",
        authors=[reporter],
        hero_image=hero,
    )
    story.tags.add("Budget", "National Assembly")
    story.save()
    return publish(story)


def site_settings():
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


def head(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def json_ld(soup):
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def schema(soup, schema_type):
    return [data for data in json_ld(soup) if data["@type"] == schema_type]


def rss(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def item_titles(channel):
    return [item.findtext("title") for item in channel.findall("item")]


def assert_cacheable(response):
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


# Article page head


@pytest.mark.django_db
def test_article_page_has_canonical_description_and_share_tags(client, article, hero):
    soup = head(client.get("/politics/senate-passes-the-budget/"))
    url = f"{SITE}/politics/senate-passes-the-budget/"
    assert soup.find("link", rel="canonical")["href"] == url
    assert meta(soup, "description") == "Lawmakers approved the spending plan after a late sitting."
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == "Senate passes the budget"
    assert meta(soup, "og:description") == "Lawmakers approved the spending plan after a late sitting."
    assert meta(soup, "og:url") == url
    assert meta(soup, "og:site_name") == "Newsroom"
    rendition = hero.get_rendition("fill-1200x630")
    assert meta(soup, "og:image") == SITE + rendition.url
    assert meta(soup, "og:image:width") == str(rendition.width)
    assert meta(soup, "og:image:height") == str(rendition.height)
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "article:section") == "Politics"
    assert meta(soup, "article:published_time") == timezone.localtime(article.display_date).isoformat("T", "seconds")
    assert meta(soup, "article:modified_time")
    assert {tag["content"] for tag in soup.find_all("meta", property="article:tag")} == {"Budget", "National Assembly"}
    feed = soup.find("link", rel="alternate", type="application/rss+xml")
    assert feed["href"] == "/feed/"


@pytest.mark.django_db
def test_search_description_and_seo_title_take_precedence(client, article):
    article.seo_title = "Budget passed: what it means"
    article.search_description = "Our guide to the new budget."
    publish(article)
    soup = head(client.get("/politics/senate-passes-the-budget/"))
    assert meta(soup, "description") == "Our guide to the new budget."
    assert meta(soup, "og:title") == "Budget passed: what it means"
    assert soup.title.string.startswith("Budget passed: what it means")


@pytest.mark.django_db
def test_article_json_ld_describes_the_news_article(client, article, reporter):
    soup = head(client.get("/politics/senate-passes-the-budget/"))
    (data,) = schema(soup, "NewsArticle")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Senate passes the budget"
    assert data["datePublished"] == timezone.localtime(article.display_date).isoformat(timespec="seconds")
    assert data["dateModified"] == timezone.localtime(article.last_published_at).isoformat(timespec="seconds")
    assert data["author"] == [{"@type": "Person", "name": "Ada Obi", "url": f"{SITE}/authors/ada-obi/"}]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Newsroom"
    assert data["image"][0]["url"].startswith(f"{SITE}/")
    assert data["mainEntityOfPage"]["@id"] == f"{SITE}/politics/senate-passes-the-budget/"
    (crumbs,) = schema(soup, "BreadcrumbList")
    assert [(item["position"], item["name"], item["item"]) for item in crumbs["itemListElement"]] == [
        (1, "Home", f"{SITE}/"),
        (2, "Politics", f"{SITE}/politics/"),
        (3, "Senate passes the budget", f"{SITE}/politics/senate-passes-the-budget/"),
    ]


@pytest.mark.django_db
def test_publisher_logo_comes_from_site_settings(client, article, hero):
    settings = site_settings()
    settings.site_name = "The Daily Ledger"
    settings.logo = hero
    settings.save()
    soup = head(client.get("/politics/senate-passes-the-budget/"))
    (data,) = schema(soup, "NewsArticle")
    assert data["publisher"]["name"] == "The Daily Ledger"
    assert data["publisher"]["logo"]["@type"] == "ImageObject"
    assert data["publisher"]["logo"]["url"].startswith(f"{SITE}/")
    assert data["publisher"]["logo"]["height"] <= 60
    assert meta(soup, "og:site_name") == "The Daily Ledger"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (ArticleKind.NEWS, "NewsArticle"),
        (ArticleKind.OPINION, "OpinionNewsArticle"),
        (ArticleKind.COLUMN, "OpinionNewsArticle"),
        (ArticleKind.ANALYSIS, "AnalysisNewsArticle"),
        (ArticleKind.FEATURE, "NewsArticle"),
    ],
)
def test_json_ld_type_follows_the_article_kind(client, section, kind, schema_type):
    story = publish(ArticlePageFactory(parent=section, title=f"A {kind} piece", slug=f"a-{kind}-piece", kind=kind))
    soup = head(client.get(story.url))
    types = [data["@type"] for data in json_ld(soup)]
    # The comments block adds commentCount to the article node (same @id) in a node of its own.
    assert types == [schema_type, "BreadcrumbList", "Article"]


@pytest.mark.django_db
def test_headline_cannot_break_out_of_the_json_ld_script(client, section):
    headline = "Budget </script><script>alert(1)</script> & more"
    story = publish(ArticlePageFactory(parent=section, title=headline, slug="hostile-headline"))
    response = client.get(story.url)
    assert b"</script><script>alert" not in response.content
    (data,) = schema(head(response), "NewsArticle")
    assert data["headline"] == headline


@pytest.mark.django_db
def test_article_without_images_falls_back_to_the_default_share_image(client, section, hero):
    settings = site_settings()
    settings.default_share_image = hero
    settings.save()
    story = publish(ArticlePageFactory(parent=section, title="No photo story", slug="no-photo-story"))
    soup = head(client.get(story.url))
    assert meta(soup, "og:image") == SITE + hero.get_rendition("fill-1200x630").url
    assert meta(soup, "twitter:card") == "summary_large_image"


@pytest.mark.django_db
def test_page_without_any_image_has_no_og_image(client, section):
    story = publish(ArticlePageFactory(parent=section, title="No photo story", slug="no-photo-story"))
    soup = head(client.get(story.url))
    assert meta(soup, "og:image") is None
    assert meta(soup, "twitter:card") == "summary"
    assert "image" not in schema(soup, "NewsArticle")[0]


@pytest.mark.django_db
def test_preview_of_a_new_unpublished_article_renders(section, reporter):
    # The way Wagtail's create-preview builds it: tree position, no pk, no dates.
    story = ArticlePage(
        title="Not yet saved",
        slug="not-yet-saved",
        standfirst="Preview only.",
        article_authors=[ArticlePageAuthor(author=reporter)],
        depth=section.depth + 1,
        path=ArticlePage._get_path(section.path, section.depth + 1, 1),
    )
    story.set_url_path(section)
    response = story.make_preview_request()
    (data,) = schema(head(response), "NewsArticle")
    assert data["headline"] == "Not yet saved"
    assert data["author"][0]["name"] == "Ada Obi"
    assert "datePublished" not in data


# Listing pages


@pytest.mark.django_db
def test_section_page_canonical_description_and_feed_link(client, section):
    soup = head(client.get("/politics/"))
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}/politics/"
    assert meta(soup, "description") == "Who governs, and how."
    assert meta(soup, "og:type") == "website"
    feeds = [link["href"] for link in soup.find_all("link", rel="alternate", type="application/rss+xml")]
    assert feeds == ["/feed/", "/feed/section/politics/"]
    (crumbs,) = schema(soup, "BreadcrumbList")
    assert [item["name"] for item in crumbs["itemListElement"]] == ["Home", "Politics"]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "suffix"), [("", ""), ("?page=1", ""), ("?page=abc", ""), ("?page=2", "?page=2")])
def test_paginated_listing_canonical_names_the_page_after_the_first(client, section, reporter, query, suffix):
    section.articles_per_page = 5
    section.save_revision().publish()
    for number in range(7):
        publish(ArticlePageFactory(parent=section, title=f"Listing story {number}", authors=[reporter]))
    soup = head(client.get(f"/politics/{query}"))
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}/politics/{suffix}"


@pytest.mark.django_db
def test_home_page_head(client, home_page):
    settings = site_settings()
    settings.tagline = "Independent national news"
    settings.save()
    soup = head(client.get("/"))
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}/"
    assert meta(soup, "description") == "Independent national news"
    assert meta(soup, "og:title") == "Newsroom"
    assert json_ld(soup) == []


@pytest.mark.django_db
def test_author_page_head(client, article, reporter):
    soup = head(client.get("/authors/ada-obi/?page=1"))
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}/authors/ada-obi/"
    assert meta(soup, "og:title") == "Ada Obi"
    assert meta(soup, "description") == "Stories by Ada Obi, Reporter, from Newsroom."
    feeds = [link["href"] for link in soup.find_all("link", rel="alternate", type="application/rss+xml")]
    assert feeds == ["/feed/", "/feed/author/ada-obi/"]
    (crumbs,) = schema(soup, "BreadcrumbList")
    assert [item["item"] for item in crumbs["itemListElement"]] == [f"{SITE}/", f"{SITE}/authors/ada-obi/"]


@pytest.mark.django_db
def test_tag_page_head(client, article):
    soup = head(client.get("/tags/budget/"))
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}/tags/budget/"
    assert meta(soup, "og:title") == "Budget"
    assert meta(soup, "description") == "The latest stories about Budget from Newsroom."
    feeds = [link["href"] for link in soup.find_all("link", rel="alternate", type="application/rss+xml")]
    assert feeds == ["/feed/", "/feed/tag/budget/"]


@pytest.mark.django_db
def test_not_found_page_renders_without_a_canonical(client, home_page):
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("link", rel="canonical") is None


# Feeds


@pytest.mark.django_db
def test_site_feed_is_rss_with_absolute_links(client, article, reporter):
    response = client.get("/feed/")
    assert_cacheable(response)
    channel = rss(response)
    assert channel.findtext("title") == "Newsroom"
    assert channel.findtext("link") == f"{SITE}/"
    (item,) = channel.findall("item")
    assert item.findtext("title") == "Senate passes the budget"
    assert item.findtext("link") == f"{SITE}/politics/senate-passes-the-budget/"
    assert item.findtext("guid") == f"{SITE}/politics/senate-passes-the-budget/"
    assert item.findtext("description") == "Lawmakers approved the spending plan after a late sitting."
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ada Obi"
    assert sorted(category.text for category in item.findall("category")) == ["Budget", "National Assembly"]
    pubdate = item.findtext("pubDate")
    assert datetime.datetime.strptime(pubdate, "%a, %d %b %Y %H:%M:%S %z") == article.display_date.replace(
        microsecond=0
    )


@pytest.mark.django_db
def test_site_feed_lists_the_twenty_newest_articles(client, section, reporter):
    now = timezone.now()
    for number in range(22):
        story = publish(ArticlePageFactory(parent=section, title=f"Story {number:02d}", authors=[reporter]))
        ArticlePage.objects.filter(pk=story.pk).update(display_date=now - datetime.timedelta(hours=number))
    titles = item_titles(rss(client.get("/feed/")))
    assert titles == [f"Story {number:02d}" for number in range(20)]


@pytest.mark.django_db
def test_section_author_and_tag_feeds(client, home_page, article, reporter):
    sport = SectionPageFactory(parent=home_page, title="Sport", slug="sport")
    other_reporter = AuthorFactory(name="Bayo Ade", slug="bayo-ade")
    other = ArticlePageFactory(parent=sport, title="Eagles win", slug="eagles-win", authors=[other_reporter])
    other.tags.add("Football")
    other.save()
    publish(other)

    section_feed = rss(client.get("/feed/section/politics/"))
    assert section_feed.findtext("title") == "Politics | Newsroom"
    assert section_feed.findtext("link") == f"{SITE}/politics/"
    assert item_titles(section_feed) == ["Senate passes the budget"]

    author_feed = rss(client.get("/feed/author/bayo-ade/"))
    assert author_feed.findtext("link") == f"{SITE}/authors/bayo-ade/"
    assert item_titles(author_feed) == ["Eagles win"]
    assert author_feed.find("item").findtext("link") == f"{SITE}/sport/eagles-win/"

    tag_feed = rss(client.get("/feed/tag/national-assembly/"))
    assert tag_feed.findtext("link") == f"{SITE}/tags/national-assembly/"
    assert item_titles(tag_feed) == ["Senate passes the budget"]

    for url in ("/feed/section/politics/", "/feed/author/bayo-ade/", "/feed/tag/football/"):
        assert_cacheable(client.get(url))


@pytest.mark.django_db
def test_feed_text_is_safe_for_readers_that_render_html(client, section):
    publish(
        ArticlePageFactory(
            parent=section, title="Tinubu's <b>plan</b> & Atiku", slug="plan", standfirst="Cost: <£5bn & rising>"
        )
    )
    (item,) = rss(client.get("/feed/")).findall("item")
    assert item.findtext("title") == "Tinubu's &lt;b&gt;plan&lt;/b&gt; &amp; Atiku"
    assert item.findtext("description") == "Cost: &lt;£5bn &amp; rising&gt;"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/feed/section/no-such-section/",
        "/feed/author/nobody/",
        "/feed/tag/no-such-tag/",
        "/feed/section/senate-passes-the-budget/",  # an article's slug, not a section's
    ],
)
def test_unknown_feed_slugs_are_404(client, article, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_unpublished_section_has_no_feed(client, home_page):
    SectionPageFactory(parent=home_page, title="Hidden", slug="hidden", live=False)
    assert client.get("/feed/section/hidden/").status_code == 404


@pytest.mark.django_db
def test_drafts_never_appear_in_feeds_or_the_news_sitemap(client, section, reporter, article):
    draft = ArticlePageFactory(
        parent=section, title="Embargoed draft", slug="embargoed-draft", live=False, authors=[reporter]
    )
    draft.tags.add("Budget")
    draft.save()
    draft.save_revision()
    for url in ("/feed/", "/feed/section/politics/", "/feed/author/ada-obi/", "/feed/tag/budget/"):
        assert item_titles(rss(client.get(url))) == ["Senate passes the budget"], url
    news = client.get("/news-sitemap.xml")
    assert b"Embargoed draft" not in news.content
    assert b"embargoed-draft" not in client.get("/sitemap.xml").content


def count_feed_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/feed/")
    assert response.status_code == 200
    return len(queries), len(rss(response).findall("item"))


@pytest.mark.django_db
def test_site_feed_query_count_does_not_grow_with_articles(client, section):
    authors = [AuthorFactory(), AuthorFactory()]

    def add_articles(count):
        for _ in range(count):
            story = ArticlePageFactory(parent=section, authors=authors)
            story.tags.add("Economy", f"Tag {story.pk}")
            story.save()
            publish(story)

    add_articles(5)
    client.get("/feed/")  # warm per-process caches (content types, site root paths)
    few, few_items = count_feed_queries(client)
    add_articles(20)
    many, many_items = count_feed_queries(client)
    assert (few_items, many_items) == (5, 20)
    assert few == many


# Sitemaps and robots.txt


@pytest.mark.django_db
def test_sitemap_lists_sections_articles_authors_and_tags(client, article):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert_cacheable(response)
    root = ET.fromstring(response.content)
    locations = {url.findtext(f"{SITEMAP_NS}loc") for url in root.findall(f"{SITEMAP_NS}url")}
    assert {
        f"{SITE}/",
        f"{SITE}/politics/",
        f"{SITE}/politics/senate-passes-the-budget/",
        f"{SITE}/authors/ada-obi/",
        f"{SITE}/tags/budget/",
        f"{SITE}/tags/national-assembly/",
    } <= locations


@pytest.mark.django_db
def test_sitemap_leaves_out_authors_and_tags_without_live_articles(client, section, article):
    AuthorFactory(name="Idle Writer", slug="idle-writer")
    draft = ArticlePageFactory(parent=section, title="Draft", slug="draft", live=False)
    draft.tags.add("Unpublished topic")
    draft.save()
    content = client.get("/sitemap.xml").content
    assert b"/authors/idle-writer/" not in content
    assert b"/tags/unpublished-topic/" not in content


@pytest.mark.django_db
def test_news_sitemap_lists_only_the_last_48_hours(client, section, reporter):
    fresh = publish(ArticlePageFactory(parent=section, title="Fresh story", slug="fresh-story", authors=[reporter]))
    stale = publish(ArticlePageFactory(parent=section, title="Stale story", slug="stale-story", authors=[reporter]))
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    ArticlePage.objects.filter(pk=stale.pk).update(display_date=three_days_ago, first_published_at=three_days_ago)

    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert_cacheable(response)
    assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in response.content
    root = ET.fromstring(response.content)
    (url,) = root.findall(f"{SITEMAP_NS}url")
    assert url.findtext(f"{SITEMAP_NS}loc") == f"{SITE}/politics/fresh-story/"
    news = url.find(f"{NEWS_NS}news")
    assert news.findtext(f"{NEWS_NS}publication/{NEWS_NS}name") == "Newsroom"
    assert news.findtext(f"{NEWS_NS}publication/{NEWS_NS}language") == "en"
    assert news.findtext(f"{NEWS_NS}title") == "Fresh story"
    published = datetime.datetime.fromisoformat(news.findtext(f"{NEWS_NS}publication_date"))
    assert published == fresh.display_date.replace(microsecond=0)


@pytest.mark.django_db
def test_news_sitemap_is_valid_xml_when_empty(client, home_page):
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert root.tag == f"{SITEMAP_NS}urlset"
    assert root.findall(f"{SITEMAP_NS}url") == []


@pytest.mark.django_db
def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_the_admin(client, home_page):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert_cacheable(response)
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/news-sitemap.xml" in lines

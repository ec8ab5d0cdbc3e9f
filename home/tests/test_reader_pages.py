"""Reader pages: fixed SQL budgets whatever the number of articles, cache headers, pagination."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Collection
from wagtail_factories import ImageFactory

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from site_settings.models import SiteSettings

# The most queries each page type may make with the page cache bypassed, once
# the shared fragments are built (BUDGETS; the ceiling for an article
# is 15), and on the first view after a publish, which rebuilds them
# (COLD_BUDGETS). Neither may grow with the number of articles; lowering a
# budget is welcome, raising one needs a reason. The SQLite runs pay one or
# two more for the database cache that stands in for Redis.
BUDGETS = {"home": 5, "section": 10, "article": 10, "author": 8, "tag": 8}
# Raised by two (article by one, section within its margin) when the chrome gained two fragments of
# its own, each one query when cold: the footer's list of sections (the way in for phones without
# JavaScript) and the breaking-news strip (its setting is read only when the fragment is built).
COLD_BUDGETS = {"home": 24, "section": 26, "article": 33, "author": 30, "tag": 30}


def build_newsroom(home_page, n_articles):
    """Sections with subsections, images, tags and `n_articles` published stories."""
    root_collection = Collection.get_first_root_node()
    settings = SiteSettings.for_site(home_page.get_site())
    settings.facebook_url = "https://facebook.com/newsroom"
    settings.whatsapp_channel_url = "https://whatsapp.com/channel/newsroom"
    settings.save()
    news = SectionPageFactory(parent=home_page, title="News")
    politics = SectionPageFactory(parent=home_page, title="Politics")
    more = SectionPageFactory(parent=home_page, title="More")
    africa = SectionPageFactory(parent=more, title="Africa")
    SectionPageFactory(parent=more, title="Business")
    sections = [news, politics, africa]
    authors = [AuthorFactory(name="Amaka Eze"), AuthorFactory(name="Tunde Bakare")]
    images = [ImageFactory(collection=root_collection, description=f"Picture {n}") for n in range(3)]
    now = timezone.now()
    articles = []
    for n in range(n_articles):
        article = ArticlePageFactory(
            parent=sections[n % 3],
            title=f"Story {n} about the economy",
            hero_image=images[n % 3],
            authors=[authors[n % 2]] if n % 4 else authors,
            display_date=now - datetime.timedelta(hours=n),
        )
        article.tags.add("Economy", f"tag-{n % 5}")
        article.save_revision().publish()
        articles.append(article)
    return {"section": news, "article": articles[0], "author": authors[0], "tag": "economy"}


def page_urls(objects):
    return {
        "home": "/",
        "section": objects["section"].url,
        "article": objects["article"].url,
        "author": objects["author"].url,
        "tag": f"/tags/{objects['tag']}/",
    }


def count_queries(client, url, cold=False):
    """Queries for `url` once the fragments for the current content are built (a publish inside a
    test transaction does not renew them) and per-process caches and renditions are warm; `cold`
    empties the fragments again first, as a publish does (the first reader after it rebuilds them)."""
    from django.core.cache import caches

    caches["fragments"].clear()
    client.get(url)
    if cold:
        caches["fragments"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page_type", sorted(BUDGETS))
def test_query_count_does_not_grow_with_articles(client, home_page, page_type):
    small = page_urls(build_newsroom(home_page, 5))
    few = count_queries(client, small[page_type])
    few_cold = count_queries(client, small[page_type], cold=True)

    # Forty-five more stories in the same sections, by the same authors, with the same tags.
    more = build_newsroom_more(home_page, 45)
    assert more  # the extra content exists
    many_cold = count_queries(client, small[page_type], cold=True)
    many = count_queries(client, small[page_type])

    assert few == many, f"{page_type}: {few} queries with 5 articles, {many} with 50"
    assert few_cold == many_cold, (
        f"{page_type} (fragments cold): {few_cold} queries with 5 articles, {many_cold} with 50"
    )
    assert many <= BUDGETS[page_type], f"{page_type}: {many} queries, budget {BUDGETS[page_type]}"
    assert many_cold <= COLD_BUDGETS[page_type], f"{page_type} cold: {many_cold}, budget {COLD_BUDGETS[page_type]}"


def build_newsroom_more(home_page, n_articles):
    from news.models import ArticlePage, Author, SectionPage

    sections = list(SectionPage.objects.filter(title__in=["News", "Politics", "Africa"]))
    authors = list(Author.objects.all())
    images = list(ArticlePage.objects.exclude(hero_image=None).values_list("hero_image", flat=True).distinct())
    now = timezone.now()
    created = []
    for n in range(n_articles):
        article = ArticlePageFactory(
            parent=sections[n % len(sections)],
            title=f"Later story {n} on the budget",
            hero_image_id=images[n % len(images)],
            authors=authors,
            display_date=now - datetime.timedelta(days=1, hours=n),
        )
        article.tags.add("Economy", f"tag-{n % 5}")
        article.save_revision().publish()
        created.append(article)
    return created


@pytest.mark.django_db
def test_published_pages_are_publicly_cacheable(client, home_page):
    urls = page_urls(build_newsroom(home_page, 3))
    for name, url in urls.items():
        response = client.get(url)
        cache_control = response["Cache-Control"]
        assert "public" in cache_control, name
        assert "s-maxage=" in cache_control and "stale-while-revalidate=" in cache_control, name
        assert "private" not in cache_control, name


@pytest.mark.django_db
def test_logged_in_views_and_previews_are_private(client, home_page, django_user_model):
    objects = build_newsroom(home_page, 2)
    user = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(user)
    response = client.get(objects["article"].url)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    article = objects["article"]
    article.title = "Draft headline not yet published"
    article.save_revision()
    preview = client.get(f"/admin/pages/{article.pk}/view_draft/")
    assert preview.status_code == 200
    assert b"Draft headline not yet published" in preview.content
    assert "private" in preview["Cache-Control"] and "no-store" in preview["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,expected",
    [
        ("", 200),
        ("?page=1", 200),
        ("?page=2", 200),
        ("?page=abc", 200),
        ("?page=-1", 200),
        ("?page=0", 200),
        ("?page=99999999999999999999999", 404),
        ("?page=3", 404),
        ("?page=%00", 400),
        ("?page=1.5", 200),
    ],
)
def test_section_pagination_never_fails(client, home_page, query, expected):
    section = SectionPageFactory(parent=home_page, title="Sports", articles_per_page=5)
    for n in range(7):
        ArticlePageFactory(parent=section, title=f"Match report {n}").save_revision().publish()
    response = client.get(section.url + query)
    assert response.status_code == expected


@pytest.mark.django_db
def test_article_page_shows_what_readers_expect(client, home_page):
    objects = build_newsroom(home_page, 8)
    article = objects["article"]
    article.is_breaking = True
    article.kind = "opinion"
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert 'class="label label--breaking"' in html
    assert "Opinion" in html
    assert f'href="{objects["author"].url}"' in html
    assert "<time datetime=" in html
    assert 'href="/tags/economy/"' in html
    # Share links are plain links with the URL and title encoded.
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F" in html
    assert "https://wa.me/?text=Story%200%20about%20the%20economy%20http%3A%2F%2F" in html
    assert "mailto:?subject=Story%200%20about%20the%20economy" in html
    assert "Latest posts" in html
    assert "Join us on WhatsApp" in html
    # Breadcrumbs: Home - Section - Headline.
    assert '<nav class="breadcrumbs"' in html and '<span aria-current="page">Story 0 about the economy</span>' in html


@pytest.mark.django_db
def test_related_stories_prefer_shared_tags_then_section(home_page):
    news = SectionPageFactory(parent=home_page, title="News")
    sport = SectionPageFactory(parent=home_page, title="Sport")
    article = ArticlePageFactory(parent=news, title="Main story")
    article.tags.add("Naira", "CBN")
    article.save_revision().publish()
    two_tags = ArticlePageFactory(parent=sport, title="Shares both tags")
    two_tags.tags.add("Naira", "CBN")
    two_tags.save_revision().publish()
    one_tag = ArticlePageFactory(parent=sport, title="Shares one tag")
    one_tag.tags.add("Naira")
    one_tag.save_revision().publish()
    draft = ArticlePageFactory(parent=news, title="Draft sharing tags", live=False)
    draft.tags.add("Naira", "CBN")
    draft.save()
    same_section = [ArticlePageFactory(parent=news, title=f"Same section {n}") for n in range(3)]
    for page in same_section:
        page.save_revision().publish()

    related = article.related_articles()
    titles = [page.title for page in related]
    assert titles[:2] == ["Shares both tags", "Shares one tag"]
    assert len(titles) == 4
    assert all(title.startswith("Same section") for title in titles[2:])
    assert "Main story" not in titles and "Draft sharing tags" not in titles

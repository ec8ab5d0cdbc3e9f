"""The full-page cache: anonymous readers only, purged precisely when stories change."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory


@pytest.fixture
def page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    caches["fragments"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def story(home_page):
    section = SectionPageFactory(parent=home_page, title="Politics")
    author = AuthorFactory(name="Funke Ade")
    article = ArticlePageFactory(parent=section, title="Assembly elects speaker", authors=[author])
    article.tags.add("Assembly")
    article.save_revision().publish()
    return {"section": section, "article": article, "author": author}


@pytest.mark.django_db(transaction=True)
def test_second_anonymous_request_is_served_from_the_cache_without_queries(client, page_cache, story):
    url = story["article"].url
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Cache-Control"] == first["Cache-Control"]
    # Each page of a listing is its own entry.
    assert client.get(story["section"].url + "?page=1")["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_publishing_purges_the_story_its_section_home_feeds_and_author(client, page_cache, story):
    article, section = story["article"], story["section"]
    urls = ["/", section.url, article.url, "/feed/", story["author"].url, "/tags/assembly/"]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    article.title = "Assembly elects new speaker after tie"
    article.save_revision().publish()

    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Assembly elects new speaker after tie" in response.content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_unpublishing_purges_so_the_story_disappears(client, page_cache, story):
    article = story["article"]
    client.get(article.url)
    client.get("/")
    article.unpublish()
    assert client.get(article.url).status_code == 404
    assert "Assembly elects speaker" not in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_editors_and_previews_are_never_served_from_or_stored_in_the_cache(
    client, page_cache, story, django_user_model
):
    url = story["article"].url
    client.get(url)
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(editor)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    preview = client.get(f"/admin/pages/{story['article'].pk}/view_draft/")
    assert "X-Page-Cache" not in preview
    client.logout()
    # What the editor saw (with the user bar) never reached the cache.
    assert "wagtail-userbar" not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_errors_posts_and_apis_are_not_cached(client, page_cache, story):
    assert client.get("/no-such-story/").status_code == 404
    assert "X-Page-Cache" not in client.get("/no-such-story/")
    assert "X-Page-Cache" not in client.get("/health/")
    assert "X-Page-Cache" not in client.post(story["article"].url)


@pytest.mark.django_db(transaction=True)
def test_bypass_header_needs_the_configured_token(client, page_cache, story, settings):
    url = story["article"].url
    client.get(url)
    assert client.get(url, HTTP_X_NEWSROOM_BYPASS_CACHE="guess")["X-Page-Cache"] == "hit"
    settings.NEWSROOM_PAGE_CACHE_BYPASS_TOKEN = "bench-secret"
    assert client.get(url, HTTP_X_NEWSROOM_BYPASS_CACHE="bench-secret")["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_navigation_fragment_refreshes_on_publish(client, page_cache, story, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # only the fragment cache
    client.get("/")
    fresh = ArticlePageFactory(parent=story["section"], title="Breaking: budget passed")
    fresh.save_revision().publish()
    assert "Breaking: budget passed" in client.get(story["article"].url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_view_restriction_takes_the_page_and_everything_under_it_out_of_the_cache(client, page_cache, story):
    from wagtail.models import PageViewRestriction

    article, section = story["article"], story["section"]
    for url in (article.url, section.url):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.PASSWORD, password="pw1")

    for url in (article.url, section.url):
        response = client.get(url)
        assert response.get("X-Page-Cache") != "hit", url
        assert "Assembly elects speaker" not in response.content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_moving_a_story_purges_its_old_address_and_the_section_it_left(client, page_cache, story, home_page):
    article, section = story["article"], story["section"]
    old_url = article.url
    for url in (old_url, section.url):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    sports = SectionPageFactory(parent=home_page, title="Sports")
    article.move(sports, pos="last-child")

    # Wagtail's redirect from the old address, not the cached story.
    moved = client.get(old_url)
    assert moved.status_code == 301 and moved["Location"] == "/sports/assembly-elects-speaker/"
    # The section it left lists it no more: rendered afresh, not served from the cache.
    assert client.get(section.url)["X-Page-Cache"] == "miss"


def stored_pages():
    """How many page copies the cache holds (the locmem and Redis backends both list their keys)."""
    cache = caches["pages"]
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return sum(1 for key in cache._cache if ":page:" in key)
    client = cache._cache.get_client()
    return sum(1 for _ in client.scan_iter(f"{cache.key_prefix}:*:page:*"))


@pytest.mark.django_db(transaction=True)
def test_only_the_query_parameters_pages_use_make_a_cached_copy(client, page_cache, story):
    url = story["section"].url
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    before = stored_pages()
    # A crawler inventing parameters: every page renders, none is stored.
    for junk in ("?x=1", "?x=2", "?page=02", "?page=abc", "?page=1&page=2", "?page=1&sort=new", "?page=9999999"):
        response = client.get(url + junk)
        assert response.status_code in (200, 404), junk
        assert "X-Page-Cache" not in response, junk
    assert stored_pages() == before
    # Trackers do not change the page: one copy serves them all.
    assert client.get(url + "?utm_source=twitter&utm_medium=social")["X-Page-Cache"] == "hit"
    assert client.get(url + "?fbclid=abc123")["X-Page-Cache"] == "hit"
    # A real page number is its own copy, tracker or not.
    assert client.get(url + "?page=1")["X-Page-Cache"] == "miss"
    assert client.get(url + "?utm_campaign=x&page=1")["X-Page-Cache"] == "hit"
    assert stored_pages() == before + 1

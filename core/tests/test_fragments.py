"""Shared fragments under the page cache: the same HTML as a fresh render, renewed the moment what
they are built from changes, never used for previews; and the routing and caching shortcuts that
keep a page without the page cache at a handful of queries."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from site_settings.models import SiteSettings


@pytest.fixture
def paper(home_page):
    politics = SectionPageFactory(parent=home_page, title="Politics")
    states = SectionPageFactory(parent=politics, title="States")
    reporter = AuthorFactory(name="Ngozi Obi")
    stories = []
    for n in range(6):
        story = ArticlePageFactory(
            parent=states if n % 2 else politics, title=f"Governors meet over fuel {n}", authors=[reporter]
        )
        story.tags.add("Fuel")
        story.save_revision().publish()
        stories.append(story)
    return {"home": home_page, "politics": politics, "states": states, "stories": stories}


def comparable(html):
    """The page without what differs on every render by design: signed ad tokens and the no-JS ad pick,
    and the tokens signed with the second they were made (the view beacon's, the comment form's)."""
    html = re.sub(r'data-impression="[^"]*"', "", html)
    html = re.sub(r'data-view-token="[^"]*"', "", html)
    html = re.sub(r'name="token" value="[^"]*"', "", html)
    html = re.sub(r"/ads/click/[^\"]+", "", html)
    return re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)


@pytest.mark.django_db
def test_pages_built_from_fragments_are_the_pages_a_fresh_render_gives(client, paper):
    article = paper["stories"][1]
    for url in ["/", paper["politics"].url, paper["states"].url, article.url, "/tags/fuel/", "/authors/ngozi-obi/"]:
        caches["fragments"].clear()
        fresh = client.get(url)
        assert fresh.status_code == 200, url
        with CaptureQueriesContext(connection) as warm_queries:
            warm = client.get(url)
        assert comparable(warm.content.decode()) == comparable(fresh.content.decode()), url
        assert "Governors meet over fuel" in warm.content.decode(), url
        assert len(warm_queries) <= 10, (url, len(warm_queries))


@pytest.mark.django_db(transaction=True)
def test_a_view_restriction_takes_a_story_out_of_listings_at_once(client, paper):
    secret = paper["stories"][0]
    assert secret.title in client.get(paper["politics"].url).content.decode()
    assert secret.title in client.get(secret.url).content.decode()

    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")

    assert secret.title not in client.get(paper["politics"].url).content.decode()
    assert secret.title not in client.get("/").content.decode()
    assert secret.title not in client.get("/tags/fuel/").content.decode()
    response = client.get(secret.url)
    assert secret.title not in response.content.decode()  # the password form, not the story
    assert "password" in response.content.decode().lower()


@pytest.mark.django_db(transaction=True)
def test_site_settings_reach_the_logo_and_footer_at_once(client, paper):
    client.get("/")
    settings = SiteSettings.for_site(paper["home"].get_site())
    settings.copyright_line = "© The Daily Test 2026"
    settings.tagline = "News you can test"
    settings.save()
    html = client.get(paper["politics"].url).content.decode()
    assert "© The Daily Test 2026" in html
    assert "News you can test" in html


@pytest.mark.django_db
def test_previews_never_read_fragments(client, paper, django_user_model):
    article = paper["stories"][2]
    client.get(article.url)  # its parts are now a fragment
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(editor)
    article.title = "Draft headline nobody has published"
    article.save_revision()
    preview = client.get(f"/admin/pages/{article.pk}/view_draft/")
    assert "Draft headline nobody has published" in preview.content.decode()
    client.logout()
    assert "Draft headline nobody has published" not in client.get(article.url).content.decode()


@pytest.mark.django_db
def test_routing_costs_the_same_at_any_depth_and_keeps_wagtails_answers(client, paper):
    shallow, deep = paper["stories"][0], paper["stories"][1]  # /politics/<slug>/ and /politics/states/<slug>/

    def route_queries(url):
        client.get(url)
        caches["fragments"].clear()  # the page's own fragments; the route is what is counted
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries if '"wagtailcore_page"' in q["sql"].split("WHERE")[0]]

    assert len(route_queries(deep.url)) == len(route_queries(shallow.url))
    # A story under the wrong section, a draft and a missing page are 404s, as Wagtail answers.
    assert client.get(f"/politics/{deep.slug}/").status_code == 404
    assert client.get(f"/politics/states/{shallow.slug}/").status_code == 404
    draft = ArticlePageFactory(parent=paper["politics"], title="Not yet", live=False)
    assert client.get(f"/politics/{draft.slug}/").status_code == 404
    assert client.get("/politics/no-such-story/").status_code == 404
    # The home page's own routes still answer.
    assert client.get("/authors/ngozi-obi/").status_code == 200
    assert client.get("/tags/fuel/").status_code == 200


@pytest.mark.django_db
def test_listing_page_n_costs_what_page_1_costs(client, paper):
    for n in range(30):
        ArticlePageFactory(parent=paper["politics"], title=f"Filler story {n}").save_revision().publish()
    url = paper["politics"].url

    def queries(page):
        caches["fragments"].clear()
        client.get(f"{url}?page={page}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{url}?page={page}").status_code == 200
        return len(captured)

    assert queries(2) == queries(1)
    assert client.get(f"{url}?page=99").status_code == 404


@pytest.mark.redis
def test_the_rendition_cache_skips_rewrites_of_what_it_just_read_or_wrote():
    """Wagtail's get_rendition writes every rendition it serves back to the cache; ours drops a
    write of a key this process has just read or written (its TTL shows whether Redis saw one)."""
    import time

    cache = caches["renditions"]
    cache.delete("probe")
    cache.set("probe", "rendition", timeout=100)
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key("probe")
    time.sleep(1.2)
    cache.set("probe", "rendition", timeout=100)  # known: skipped
    assert client.ttl(key) <= 99
    from django.conf import settings

    from core.cache_backends import RenditionCache

    other = RenditionCache(settings.CACHES["renditions"]["LOCATION"], settings.CACHES["renditions"])
    assert other.get_many(["probe"]) == {"probe": "rendition"}  # a second process reads it...
    other.set("probe", "rendition", timeout=100)  # ...and does not write it back either
    assert client.ttl(key) <= 99
    cache.delete("probe")
    cache.set("probe", "new rendition", timeout=100)  # deleted: written again
    assert client.ttl(key) == 100 and cache.get("probe") == "new rendition"
    cache.delete("probe")

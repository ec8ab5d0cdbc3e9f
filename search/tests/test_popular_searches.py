"""The readers' "Popular searches": distinct visitors, a minimum, and terms editors hide. All over HTTP."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from home.permissions import EDITORS, setup_newsroom
from news.factories import ArticlePageFactory, SectionPageFactory
from search import service
from search.models import HiddenSearchTerm, SearchTermDay

pytestmark = pytest.mark.django_db

MIN_VISITORS = 3


@pytest.fixture
def site(home_page, settings):
    settings.NEWSROOM_POPULAR_SEARCH_MIN_VISITORS = MIN_VISITORS
    cache.delete(service.POPULAR_CACHE_KEY)
    section = SectionPageFactory(parent=home_page, title="News")
    ArticlePageFactory(parent=section, title="Third Mainland bridge reopens")
    return section


@pytest.fixture
def browser():
    """A browser's user agent unique to this run: the seen-today marks of an earlier run cannot match it."""
    agent = f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 {uuid.uuid4().hex}"

    def search(client, text, ip="203.0.113.7"):
        response = client.get("/search/", {"q": text}, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
        assert response.status_code == 200
        return response

    return search


def popular_on_the_no_results_page(client, browser):
    cache.delete(service.POPULAR_CACHE_KEY)
    response = browser(client, "tsunami warning", ip="198.51.100.200")
    assert response.context["search"].empty
    return response.context["search"].popular, response.content.decode()


def test_four_searches_from_one_visitor_do_not_make_a_term_popular(client, site, browser):
    for _ in range(4):
        browser(client, "bridge")
    row = SearchTermDay.objects.get(query_string="bridge")
    assert (row.hits, row.visitors) == (4, 1)
    popular, html = popular_on_the_no_results_page(client, browser)
    assert popular == []
    assert "Popular searches" not in html


def test_enough_distinct_visitors_make_it_popular(client, site, browser):
    for n in range(MIN_VISITORS - 1):
        browser(client, "bridge", ip=f"203.0.113.{n + 1}")
        browser(client, "bridge", ip=f"203.0.113.{n + 1}")
    assert popular_on_the_no_results_page(client, browser)[0] == []
    browser(client, "Bridge", ip="203.0.113.99")  # the same term, however typed
    assert SearchTermDay.objects.get(query_string="bridge").visitors == MIN_VISITORS
    popular, html = popular_on_the_no_results_page(client, browser)
    assert popular == ["bridge"]
    assert "Popular searches" in html and "?q=bridge" in html


def test_bots_are_not_visitors(client, site):
    for n in range(MIN_VISITORS + 1):
        client.get("/search/", {"q": "bridge"}, REMOTE_ADDR=f"203.0.113.{n + 1}", HTTP_USER_AGENT="curl/8.5")
    assert SearchTermDay.objects.get(query_string="bridge").visitors == 0


@pytest.fixture
def editor(client, django_user_model, home_page):
    setup_newsroom()
    user = django_user_model.objects.create_user("desk", password="a-long-password-1")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def test_a_term_editors_hide_never_shows_until_shown_again(client, site, browser, editor):
    for n in range(MIN_VISITORS + 2):
        browser(client, "bridge", ip=f"203.0.113.{n + 1}")
    assert popular_on_the_no_results_page(client, browser)[0] == ["bridge"]

    client.force_login(editor)
    report = client.get("/admin/search-reports/popular/")
    assert report.status_code == 200
    html = report.content.decode()
    assert 'name="hide" value="1"' in html and 'value="bridge"' in html
    response = client.post(
        "/admin/search-reports/visibility/",
        {"query_string": "bridge", "hide": "1", "next": "/admin/search-reports/popular/?q=br"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/search-reports/popular/?q=br"
    assert HiddenSearchTerm.objects.get().hidden_by == editor
    assert "Hidden" in client.get("/admin/search-reports/popular/").content.decode()
    client.logout()

    # Hidden at once (the cached list is dropped), and on later days too, however many search it.
    response = browser(client, "tsunami warning", ip="198.51.100.200")
    assert response.context["search"].popular == []
    for n in range(MIN_VISITORS + 2):
        browser(client, "bridge", ip=f"192.0.2.{n + 1}")
    assert popular_on_the_no_results_page(client, browser)[0] == []

    client.force_login(editor)
    client.post("/admin/search-reports/visibility/", {"query_string": "bridge", "hide": "0"})
    assert not HiddenSearchTerm.objects.exists()
    client.logout()
    assert popular_on_the_no_results_page(client, browser)[0] == ["bridge"]


def test_hiding_needs_the_permission_and_bad_input_changes_nothing(client, site, editor, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    response = client.post("/admin/search-reports/visibility/", {"query_string": "bridge", "hide": "1"})
    assert response.status_code in (302, 403)
    assert not HiddenSearchTerm.objects.exists()

    client.force_login(editor)
    for data in ({}, {"query_string": "", "hide": "1"}, {"query_string": "x" * 300, "hide": "1"}, {"hide": "maybe"}):
        response = client.post("/admin/search-reports/visibility/", data, follow=True)
        assert response.status_code == 200
        assert "Nothing changed" in response.content.decode()
    # An outside address to go back to is not followed.
    response = client.post(
        "/admin/search-reports/visibility/", {"query_string": "a", "hide": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/search-reports/popular/"
    assert client.get("/admin/search-reports/visibility/").status_code == 405


def test_the_filtered_report_sends_the_editor_back_to_the_report_not_its_fragment(client, site, editor):
    SearchTermDay.objects.create(date=timezone.localdate(), query_string="bridge", hits=2, visitors=2)
    client.force_login(editor)
    html = client.get("/admin/search-reports/popular/results/", {"q": "bri"}).content.decode()
    assert 'name="next" value="/admin/search-reports/popular/?q=bri"' in html

"""The breaking-news strip: set by an editor, on every page at once (cached ones too), down at its time."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from home.permissions import EDITORS, REPORTERS, setup_newsroom
from news.factories import ArticlePageFactory, SectionPageFactory
from site_settings.models import BreakingNews
from site_settings.tasks import expire_breaking_news

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paper(home_page, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    for name in ("pages", "fragments"):
        caches[name].clear()
    section = SectionPageFactory(parent=home_page, title="News")
    section.save_revision().publish()
    story = ArticlePageFactory(parent=section, title="Floods close the Lokoja bridge")
    story.save_revision().publish()
    setup_newsroom()
    yield {"home": home_page, "section": section, "story": story, "site": Site.objects.get(is_default_site=True)}
    caches["pages"].clear()


def strip(client, url):
    html = client.get(url).content.decode()
    if 'class="breaking-strip"' not in html:
        return None
    return html[html.index('class="breaking-strip"') : html.index("</div>", html.index('class="breaking-strip"'))]


def member(django_user_model, name, group):
    user = django_user_model.objects.create_user(name, f"{name}@example.com", "a-long-password-1")
    user.groups.add(Group.objects.get(name=group))
    return user


def edit_url(site):
    return reverse("wagtailsettings:edit", args=("site_settings", "breakingnews", site.pk))


def test_an_editor_sets_the_strip_and_every_cached_page_shows_it_at_once(client, paper, django_user_model):
    home, story = paper["home"].url, paper["story"].url
    assert strip(client, home) is None and strip(client, story) is None
    assert client.get(home)["X-Page-Cache"] == "hit"  # cached without a strip

    editor = client.__class__()
    editor.force_login(member(django_user_model, "desk", EDITORS))
    assert editor.get(edit_url(paper["site"])).status_code == 200
    until = timezone.localtime() + datetime.timedelta(hours=2)
    response = editor.post(
        edit_url(paper["site"]),
        {
            "text": "Bridge closed: follow live",
            "link": paper["story"].pk,
            "expires_at": until.strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 302

    for url in (home, story, paper["section"].url):
        shown = strip(client, url)
        assert shown is not None, url
        assert "Bridge closed: follow live" in shown and f'href="{story}"' in shown


def test_a_time_already_past_is_refused_and_reporters_cannot_set_it(client, paper, django_user_model):
    editor = client.__class__()
    editor.force_login(member(django_user_model, "desk", EDITORS))
    past = timezone.localtime() - datetime.timedelta(minutes=5)
    response = editor.post(edit_url(paper["site"]), {"text": "Old news", "expires_at": past.strftime("%Y-%m-%d %H:%M")})
    assert response.status_code == 200
    assert "already past" in response.content.decode()
    assert not BreakingNews.objects.exclude(text="").exists()

    reporter = client.__class__()
    reporter.force_login(member(django_user_model, "cub", REPORTERS))
    response = reporter.post(edit_url(paper["site"]), {"text": "Scoop"})
    assert response.status_code in (302, 403)
    assert not BreakingNews.objects.exclude(text="").exists()


def test_the_strip_comes_down_at_its_time_from_cached_pages_too(client, paper):
    breaking = BreakingNews.for_site(paper["site"])
    breaking.text = "Polls close at 17:00"
    breaking.expires_at = timezone.now() + datetime.timedelta(hours=1)
    breaking.save()
    home = paper["home"].url
    assert "Polls close" in (strip(client, home) or "")
    assert client.get(home)["X-Page-Cache"] == "hit"

    # Its time passes (moved back rather than waited for); the beat task takes it down.
    BreakingNews.objects.filter(pk=breaking.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert expire_breaking_news() == 1
    assert strip(client, home) is None
    assert expire_breaking_news() == 0  # nothing left to do

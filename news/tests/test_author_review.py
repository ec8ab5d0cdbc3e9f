"""Authors' public profiles go through review: a reporter's edit shows nowhere public until an editor publishes it.

Over HTTP, through the admin's snippet views and the public author and article pages.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.permissions import EDITORS, REPORTERS, setup_newsroom
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import ArticlePageAuthor, Author

pytestmark = pytest.mark.django_db

GOOD = "https://ada.example.com/"
PHISHING = "https://ada-obi.login-verify.example.net/"


@pytest.fixture
def newsroom(home_page):
    return setup_newsroom()


def _member(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, email=f"{username}@example.com")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_reporter(newsroom, django_user_model):
    return _member(django_user_model, "reporter", REPORTERS)


@pytest.fixture
def as_editor(newsroom, django_user_model):
    return _member(django_user_model, "editor", EDITORS)


@pytest.fixture
def ada(newsroom):
    return AuthorFactory(name="Ada Obi", slug="ada-obi", website_url=GOOD)


@pytest.fixture
def story(home_page, ada):
    section = SectionPageFactory(parent=home_page, title="Politics")
    return ArticlePageFactory(parent=section, title="Assembly elects speaker", authors=[ada])


def author_form(author, action=None, **changes):
    fields = {
        "name": author.name,
        "slug": author.slug,
        "role": author.role,
        "bio": rich_text(author.bio or "<p>Covers the Assembly.</p>"),
        "email": author.email,
        "x_handle": author.x_handle,
        "facebook_url": author.facebook_url,
        "instagram_url": author.instagram_url,
        "linkedin_url": author.linkedin_url,
        "website_url": author.website_url,
        **changes,
    }
    if action:
        fields[action] = action
    return nested_form_data(fields)


def edit_url(author):
    return reverse("wagtailsnippets_news_author:edit", args=(author.pk,))


def public(client_path):
    return Client().get(client_path).content.decode()


def test_a_reporters_edit_of_another_author_shows_nowhere_public(as_reporter, ada, story):
    response = as_reporter.post(edit_url(ada), author_form(ada, name="Ada Obi (verify)", website_url=PHISHING))
    assert response.status_code == 302

    # Even asking to publish only saves a draft.
    as_reporter.post(edit_url(ada), author_form(ada, "action-publish", website_url=PHISHING))

    author_page = public(ada.url)
    assert GOOD in author_page
    assert PHISHING not in author_page
    article_page = public(story.url)
    assert "Ada Obi (verify)" not in article_page
    assert "Ada Obi" in article_page
    ada.refresh_from_db()
    assert (ada.website_url, ada.live, ada.has_unpublished_changes) == (GOOD, True, True)
    assert ada.latest_revision.as_object().website_url == PHISHING


def test_the_change_shows_once_an_editor_approves_it(as_reporter, as_editor, ada, story):
    response = as_reporter.post(
        edit_url(ada), author_form(ada, "action-submit", name="Ada N. Obi", website_url="https://ada.example.org/")
    )
    assert response.status_code == 302
    state = WorkflowState.objects.for_instance(ada).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert public(ada.url).count("https://ada.example.org/") == 0

    # The reporter cannot approve it.
    task_state = state.current_task_state
    approve = reverse("wagtailsnippets_news_author:workflow_action", args=(ada.pk, "approve", task_state.pk))
    as_reporter.post(approve, {"comment": ""})
    assert "https://ada.example.org/" not in public(ada.url)

    response = as_editor.post(approve, {"comment": "Checked with Ada."})

    assert response.status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert "https://ada.example.org/" in public(ada.url)
    assert "Ada N. Obi" in public(story.url)


@pytest.fixture
def page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    caches["fragments"].clear()
    yield
    caches["pages"].clear()


@pytest.mark.django_db(transaction=True)
def test_an_editors_publish_purges_the_author_page_feed_and_bylines(page_cache, as_editor, ada, story):
    urls = [ada.url, reverse("author_feed", args=(ada.slug,)), story.url]
    reader = Client()
    for url in urls:
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "hit", url

    response = as_editor.post(edit_url(ada), author_form(ada, "action-publish", name="Ada N. Obi"))

    assert response.status_code == 302
    for url in urls:
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Ada N. Obi" in response.content.decode(), url


def test_an_author_a_reporter_creates_is_not_public_until_published(as_reporter, as_editor, home_page, story):
    response = as_reporter.post(
        reverse("wagtailsnippets_news_author:add"),
        author_form(Author(name="Ben Eze", slug="ben-eze"), website_url=PHISHING),
    )
    assert response.status_code == 302
    ben = Author.objects.get(slug="ben-eze")
    assert not ben.live
    ArticlePageAuthor.objects.create(article=story, author=ben, sort_order=1)

    assert Client().get(ben.url).status_code == 404
    assert Client().get(reverse("author_feed", args=("ben-eze",))).status_code == 404
    assert "Ben Eze" not in public(story.url)
    assert ben.url not in public("/search/?q=Ben+Eze")

    as_editor.post(edit_url(ben), author_form(ben, "action-publish"))

    assert Client().get(ben.url).status_code == 200
    assert "Ben Eze" in public(story.url)


def test_reporters_cannot_publish_or_delete_authors(newsroom, django_user_model):
    reporter = django_user_model.objects.create_user("r", "r@example.com")
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    editor = django_user_model.objects.create_user("e", "e@example.com")
    editor.groups.add(Group.objects.get(name=EDITORS))

    assert reporter.has_perm("news.change_author")
    assert not reporter.has_perm("news.publish_author")
    assert not reporter.has_perm("news.delete_author")
    assert editor.has_perm("news.publish_author")

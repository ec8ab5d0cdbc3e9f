"""The newsroom's permission matrix, proved through the Wagtail admin over HTTP.

Reporters write and submit for review; editors publish, schedule, unpublish
and approve; ad managers reach the dashboard but not the page tree. Every
denied action must leave the database as it was.
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    TaskState,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home.permissions import (
    AD_MANAGERS,
    DESK_REVIEW,
    EDITORS,
    EDITORS_APPROVAL,
    MODERATORS,
    REPORTERS,
    setup_newsroom,
)
from news.blocks import PARAGRAPH_FEATURES
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import ArticlePage, Author

pytestmark = pytest.mark.django_db

# What wagtail.admin.auth.permission_denied says before redirecting to the dashboard.
DENIED_MESSAGE = "Sorry, you do not have permission to access this area."

NEW_TITLE = "Flood waters rise in Lokoja"
NEW_SLUG = "flood-waters-rise-in-lokoja"


@pytest.fixture
def newsroom(home_page):
    return setup_newsroom()


@pytest.fixture
def section(home_page):
    return SectionPageFactory(parent=home_page, title="Politics")


@pytest.fixture
def author():
    return AuthorFactory(name="Ada Obi")


def _member(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, email=f"{username}@example.com")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def reporter(newsroom, django_user_model):
    return _member(django_user_model, "reporter", REPORTERS)


@pytest.fixture
def editor(newsroom, django_user_model):
    return _member(django_user_model, "editor", EDITORS)


@pytest.fixture
def ad_manager(newsroom, django_user_model):
    return _member(django_user_model, "admanager", AD_MANAGERS)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_reporter(reporter):
    return _client_for(reporter)


@pytest.fixture
def as_editor(editor):
    return _client_for(editor)


@pytest.fixture
def as_ad_manager(ad_manager):
    return _client_for(ad_manager)


def article_form(author=None, *, article=None, **extra):
    """The POST a browser sends from the article create form (with `author`) or edit form (with `article`)."""
    if article is None:
        authors = inline_formset([{"author": author.pk}], min=1)
        title, slug = NEW_TITLE, NEW_SLUG
    else:
        links = [{"id": link.pk, "author": link.author_id} for link in article.article_authors.all()]
        authors = inline_formset(links, initial=len(links), min=1)
        title, slug = article.title, article.slug
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "standfirst": "The Niger and the Benue are both above flood level.",
            "kind": "news",
            "article_authors": authors,
            "body": streamfield(
                [("paragraph", rich_text("<p>Residents moved to higher ground.</p>", features=PARAGRAPH_FEATURES))]
            ),
            "corrections": inline_formset([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def add_article_url(section):
    return reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def database_state():
    """What a denied request must not change."""
    return (
        sorted(Page.objects.values_list("pk", "live", "has_unpublished_changes", "locked")),
        Revision.objects.count(),
        WorkflowState.objects.count(),
    )


def assert_denied(client, method, url, data=None):
    """Wagtail's answer to a forbidden admin action: a redirect to the dashboard with a
    "permission" message for a browser, a bare 403 for a script (XMLHttpRequest)."""
    before = database_state()

    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302, f"{method.upper()} {url} answered {response.status_code}"
    assert response["Location"] == reverse("wagtailadmin_home")
    assert DENIED_MESSAGE in [str(message).strip() for message in get_messages(response.wsgi_request)]

    response = getattr(client, method)(url, data or {}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403, f"XHR {method.upper()} {url} answered {response.status_code}"

    assert database_state() == before


def the_new_article():
    return ArticlePage.objects.get(slug=NEW_SLUG)


# Setup -----------------------------------------------------------------------


def _counts():
    return {
        "groups": Group.objects.count(),
        "model permissions": sum(group.permissions.count() for group in Group.objects.all()),
        "page permissions": GroupPagePermission.objects.count(),
        "collection permissions": GroupCollectionPermission.objects.count(),
        "workflows": Workflow.objects.count(),
        "tasks": GroupApprovalTask.objects.count(),
        "workflow tasks": WorkflowTask.objects.count(),
        "workflow pages": WorkflowPage.objects.count(),
    }


def test_running_setup_twice_changes_nothing(newsroom):
    assert newsroom.changed
    first = _counts()

    out = StringIO()
    call_command("setup_newsroom", stdout=out)

    assert _counts() == first
    assert out.getvalue() == (
        "Newsroom roles: found groups Reporters, Editors, Ad managers, Moderators; permissions up to date; "
        "workflow 'Desk review' found on 'Home' and authors.\n"
    )
    assert not setup_newsroom().changed


def test_setup_builds_the_site_root_itself(db):
    report = setup_newsroom()

    assert report.home_page_created
    assert WorkflowPage.objects.get(workflow__name=DESK_REVIEW).page.specific_class.__name__ == "HomePage"


def _page_grants(group_name):
    return {
        (grant.page.specific_class.__name__, grant.permission.codename)
        for grant in GroupPagePermission.objects.filter(group__name=group_name).select_related("permission")
    }


def _collection_grants(group_name):
    return {
        (grant.collection.depth, grant.permission.codename)
        for grant in GroupCollectionPermission.objects.filter(group__name=group_name).select_related("permission")
    }


def _model_grants(group_name):
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in Group.objects.get(name=group_name).permissions.select_related("content_type")
    }


def test_the_permission_matrix_in_the_database(newsroom):
    assert _page_grants(REPORTERS) == {("HomePage", "add_page")}
    # Wagtail's own migrations gave "Editors" add/change on the tree root; those are replaced.
    assert _page_grants(EDITORS) == {
        ("HomePage", "add_page"),
        ("HomePage", "change_page"),
        ("HomePage", "publish_page"),
        ("HomePage", "lock_page"),
        ("HomePage", "unlock_page"),
    }
    assert _page_grants(AD_MANAGERS) == set()

    assert _collection_grants(REPORTERS) == {
        (1, "add_image"),
        (1, "choose_image"),
        (1, "add_document"),
        (1, "choose_document"),
    }
    assert _collection_grants(EDITORS) == {
        (1, "add_image"),
        (1, "change_image"),
        (1, "choose_image"),
        (1, "add_document"),
        (1, "change_document"),
        (1, "choose_document"),
    }
    assert _collection_grants(AD_MANAGERS) == set()

    assert _model_grants(REPORTERS) == {
        "wagtailadmin.access_admin",
        "news.view_author",
        "news.add_author",
        "news.change_author",
    }
    assert {
        "wagtailadmin.access_admin",
        "news.add_author",
        "news.change_author",
        "news.delete_author",
        "news.publish_author",
    } <= _model_grants(EDITORS)
    # Only editors add sections (news/wagtail_hooks.py).
    assert "news.add_sectionpage" in _model_grants(EDITORS)
    assert "news.add_sectionpage" not in _model_grants(REPORTERS)
    # Editors run the trending board.
    assert {"trending.add_trendingoverride", "trending.delete_trendingoverride"} <= _model_grants(EDITORS)
    # Ad managers get the ads and nothing of the news tree; nobody else gets ads.
    ad_managers = _model_grants(AD_MANAGERS)
    assert "wagtailadmin.access_admin" in ad_managers
    assert {"ads.add_campaign", "ads.change_creative", "ads.can_edit_html_creatives"} <= ad_managers
    assert all(perm.startswith("ads.") for perm in ad_managers - {"wagtailadmin.access_admin"}), ad_managers
    for group_name in (REPORTERS, EDITORS):
        assert not any(perm.startswith("ads.") for perm in _model_grants(group_name)), group_name
    for group_name in (REPORTERS, EDITORS, AD_MANAGERS):
        assert not {"site_settings.change_sitesettings", "site_settings.view_sitesettings"} & _model_grants(group_name)


def test_desk_review_covers_the_news_tree(newsroom, home_page, section):
    article = ArticlePageFactory(parent=section)
    desk_review = Workflow.objects.get(name=DESK_REVIEW)

    assert desk_review.active
    assert [task.specific.name for task in desk_review.tasks] == [EDITORS_APPROVAL]
    assert [group.name for group in desk_review.tasks.get().specific.groups.all()] == [EDITORS]
    assert WorkflowPage.objects.get(page=home_page).workflow == desk_review
    # Wagtail's default workflow stays on the tree root, beneath which the home page's wins.
    assert WorkflowPage.objects.get(page__depth=1).workflow.name == "Moderators approval"
    for page in (home_page, section, article):
        assert page.get_workflow() == desk_review


def test_desk_review_covers_authors(newsroom):
    author_type = ContentType.objects.get_for_model(Author)

    assert WorkflowContentType.objects.get(content_type=author_type).workflow.name == DESK_REVIEW
    assert Author().get_workflow().name == DESK_REVIEW


def test_setup_takes_publishing_authors_back_from_reporters(newsroom):
    Group.objects.get(name=REPORTERS).permissions.add(Permission.objects.get(codename="publish_author"))

    report = setup_newsroom()

    assert report.permissions_removed == 1
    assert "news.publish_author" not in _model_grants(REPORTERS)


# Reporters -------------------------------------------------------------------


def test_reporter_opens_the_add_article_form(as_reporter, section):
    response = as_reporter.get(add_article_url(section))

    assert response.status_code == 200


def test_reporter_creates_a_draft(as_reporter, reporter, section, author):
    response = as_reporter.post(add_article_url(section), article_form(author))

    article = the_new_article()
    assert response.status_code == 302
    assert response["Location"] == edit_url(article)
    assert not article.live
    assert article.live_revision is None
    assert article.owner == reporter
    assert article.get_parent().pk == section.pk
    assert article.authors == [author]


def test_reporter_cannot_publish_a_new_article(as_reporter, section, author):
    response = as_reporter.post(add_article_url(section), article_form(author, **{"action-publish": "action-publish"}))

    article = the_new_article()
    assert response.status_code == 302
    assert response["Location"] == edit_url(article)
    assert not article.live
    assert article.live_revision is None
    assert article.first_published_at is None


def test_reporter_cannot_publish_their_own_draft(as_reporter, section, author):
    as_reporter.post(add_article_url(section), article_form(author))
    article = the_new_article()

    response = as_reporter.post(
        edit_url(article), article_form(article=article, **{"action-publish": "action-publish"})
    )

    # Wagtail quietly saves a draft instead.
    assert response.status_code == 302
    assert response["Location"] == edit_url(article)
    article.refresh_from_db()
    assert not article.live
    assert article.live_revision is None
    assert article.revisions.count() == 2


def test_reporter_submits_for_desk_review(as_reporter, reporter, section, author):
    response = as_reporter.post(add_article_url(section), article_form(author, **{"action-submit": "action-submit"}))

    article = the_new_article()
    assert response.status_code == 302
    assert not article.live
    state = WorkflowState.objects.for_instance(article).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == DESK_REVIEW
    assert state.requested_by == reporter
    assert state.current_task_state.task.name == EDITORS_APPROVAL
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS


def test_reporter_cannot_approve_their_own_submission(as_reporter, section, author):
    as_reporter.post(add_article_url(section), article_form(author, **{"action-submit": "action-submit"}))
    article = the_new_article()
    task_state = WorkflowState.objects.for_instance(article).get().current_task_state

    approve = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk))
    assert_denied(as_reporter, "post", approve, {"comment": ""})

    article.refresh_from_db()
    assert not article.live


@pytest.mark.parametrize("own_article", [False, True], ids=["someone else's", "their own"])
def test_reporter_cannot_unpublish_or_delete_a_live_article(as_reporter, reporter, section, own_article):
    article = ArticlePageFactory(parent=section, owner=reporter if own_article else None)
    assert article.live

    unpublish = reverse("wagtailadmin_pages:unpublish", args=(article.pk,))
    delete = reverse("wagtailadmin_pages:delete", args=(article.pk,))
    assert_denied(as_reporter, "get", unpublish)
    assert_denied(as_reporter, "post", unpublish)
    assert_denied(as_reporter, "get", delete)
    assert_denied(as_reporter, "post", delete, {"confirm_site_name": "Newsroom"})

    article.refresh_from_db()
    assert article.live


def test_reporter_cannot_edit_someone_elses_article(as_reporter, section):
    article = ArticlePageFactory(parent=section)

    assert_denied(as_reporter, "get", edit_url(article))
    assert_denied(as_reporter, "post", edit_url(article), article_form(article=article))


# Editors ---------------------------------------------------------------------


@pytest.fixture
def draft(section, author):
    """A story that has never been live, with the revision the desk works from."""
    article = ArticlePageFactory(parent=section, live=False, authors=[author])
    article.save_revision()
    return article


def test_editor_publishes(as_editor, draft):
    response = as_editor.post(edit_url(draft), article_form(article=draft, **{"action-publish": "action-publish"}))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live
    assert draft.live_revision is not None
    assert not draft.has_unpublished_changes


def test_editor_schedules(as_editor, draft):
    go_live_at = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=2)
    form = article_form(
        article=draft,
        go_live_at=timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "action-publish"},
    )

    response = as_editor.post(edit_url(draft), form)

    assert response.status_code == 302
    draft.refresh_from_db()
    # Never live before, so Wagtail keeps it off the site and holds the approved revision for later.
    assert not draft.live
    assert draft.go_live_at == go_live_at
    scheduled = draft.revisions.get(approved_go_live_at__isnull=False)
    assert scheduled.approved_go_live_at == go_live_at
    assert draft.live_revision is None


def test_editor_unpublishes(as_editor, section):
    article = ArticlePageFactory(parent=section)

    unpublish = reverse("wagtailadmin_pages:unpublish", args=(article.pk,))
    assert as_editor.get(unpublish).status_code == 200
    response = as_editor.post(unpublish)

    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.live


def test_editor_approval_publishes_the_submitted_story(as_reporter, as_editor, editor, section, author):
    as_reporter.post(add_article_url(section), article_form(author, **{"action-submit": "action-submit"}))
    article = the_new_article()
    state = WorkflowState.objects.for_instance(article).get()
    task_state = state.current_task_state

    # The reporter's "add" does not reach the editor's desk, but the approval task does.
    assert as_editor.get(edit_url(article)).status_code == 200
    approve = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk))
    response = as_editor.post(approve, {"comment": "Good to go."})

    assert response.status_code == 302
    assert response["Location"] == edit_url(article)
    article.refresh_from_db()
    assert article.live
    state.refresh_from_db()
    task_state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == editor
    assert task_state.comment == "Good to go."


def _section_form(title):
    return nested_form_data(
        {"title": title, "slug": title.lower(), "intro": "", "articles_per_page": 20, "comments": inline_formset([])}
    )


def test_only_editors_add_sections(as_reporter, as_editor, home_page, newsroom):
    add_section = reverse("wagtailadmin_pages:add", args=("news", "sectionpage", home_page.pk))
    before = database_state()

    for method in ("get", "post"):
        response = getattr(as_reporter, method)(add_section, _section_form("Lifestyle"))
        assert response.status_code == 302, method
        assert response["Location"] == reverse("wagtailadmin_explore", args=(home_page.pk,))
        assert "Only editors can add sections" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert database_state() == before

    assert as_editor.get(add_section).status_code == 200
    response = as_editor.post(add_section, _section_form("Lifestyle"))
    assert response.status_code == 302
    assert Page.objects.filter(title="Lifestyle").exists()


def _menu_urls(client):
    import json

    html = client.get(reverse("wagtailadmin_home")).content.decode()
    start = html.index('id="wagtail-sidebar-props"')
    props = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.dumps(json.loads(props))


# Ad managers -----------------------------------------------------------------


def test_ad_managers_menu_has_no_articles_item(as_ad_manager, as_reporter, as_editor):
    articles = reverse("articles:index")
    assert articles not in _menu_urls(as_ad_manager)
    assert as_ad_manager.get(articles).status_code in (302, 403)  # what the item would have led to
    assert articles in _menu_urls(as_reporter)
    assert articles in _menu_urls(as_editor)


def test_ad_manager_reaches_the_dashboard(as_ad_manager):
    assert as_ad_manager.get(reverse("wagtailadmin_home")).status_code == 200


def test_ad_manager_cannot_see_or_touch_pages(as_ad_manager, home_page, section, author):
    article = ArticlePageFactory(parent=section)

    assert_denied(as_ad_manager, "get", reverse("wagtailadmin_explore_root"))
    for page in (home_page, section):
        assert_denied(as_ad_manager, "get", reverse("wagtailadmin_explore", args=(page.pk,)))
    assert_denied(as_ad_manager, "get", reverse("wagtailadmin_pages:add_subpage", args=(section.pk,)))
    assert_denied(as_ad_manager, "get", add_article_url(section))
    assert_denied(as_ad_manager, "post", add_article_url(section), article_form(author))
    assert_denied(as_ad_manager, "get", edit_url(article))
    assert_denied(as_ad_manager, "post", edit_url(article), article_form(article=article))
    assert_denied(as_ad_manager, "post", reverse("wagtailadmin_pages:unpublish", args=(article.pk,)))

    assert not ArticlePage.objects.filter(slug=NEW_SLUG).exists()


# Wagtail's default "Moderators" ------------------------------------------------


@pytest.fixture
def as_moderator(newsroom, django_user_model):
    return _client_for(_member(django_user_model, "moderator", MODERATORS))


def test_moderators_hold_no_page_or_media_permissions(newsroom):
    # Wagtail's migration gave them add, change and publish on the tree root: publishing past the desk.
    assert _page_grants(MODERATORS) == set()
    assert _collection_grants(MODERATORS) == set()


def test_moderator_cannot_publish_or_edit_a_story(as_moderator, draft, section):
    publish = article_form(article=draft, **{"action-publish": "action-publish"})

    assert_denied(as_moderator, "post", edit_url(draft), publish)
    assert_denied(as_moderator, "get", add_article_url(section))

    draft.refresh_from_db()
    assert not draft.live


def test_setup_brings_moderators_back_in_line(newsroom, home_page):
    moderators = Group.objects.get(name=MODERATORS)
    root = Page.get_first_root_node()
    GroupPagePermission.objects.create(group=moderators, page=root, permission_id=_publish_permission_id())

    report = setup_newsroom()

    assert report.permissions_removed == 1
    assert _page_grants(MODERATORS) == set()


def test_setup_does_not_create_moderators(db):
    Group.objects.filter(name=MODERATORS).delete()

    report = setup_newsroom()

    assert MODERATORS not in report.groups_created + report.groups_found
    assert not Group.objects.filter(name=MODERATORS).exists()


def _publish_permission_id():
    return Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page").pk

"""Scheduled publishing: exact-time tasks, idempotence, supersession, workflow approval, outage catch-up."""

import datetime
import logging
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from news.factories import ArticlePageFactory, SectionPageFactory
from news.models import ArticlePage
from publishing import schedule as scheduled_publishing
from tests.helpers import make_overdue, wait_until


@pytest.fixture
def section(home_page):
    return SectionPageFactory(parent=home_page, title="Politics")


def schedule(article, go_live_at, title=None):
    """Schedule a new revision of `article` the way the editor's Publish-with-a-date does."""
    if title:
        article.title = title
    article.go_live_at = go_live_at
    revision = article.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    return revision


def scheduled_logs(page):
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count()


@pytest.mark.django_db(transaction=True)
def test_exact_time_task_is_idempotent(section):
    article = ArticlePageFactory(parent=section, title="Embargoed budget", live=False)
    revision = schedule(article, timezone.now() + datetime.timedelta(hours=1))
    when = revision.approved_go_live_at
    with pytest.raises(scheduled_publishing.TryAgain):
        scheduled_publishing.publish_revision_at(revision.pk, when.isoformat())
    make_overdue(revision, seconds=0)
    revision.refresh_from_db()

    assert (
        scheduled_publishing.publish_revision_at(revision.pk, revision.approved_go_live_at.isoformat()) == "published"
    )
    assert (
        scheduled_publishing.publish_revision_at(revision.pk, revision.approved_go_live_at.isoformat()) == "superseded"
    )
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live and article.live_revision_id == revision.pk
    assert scheduled_logs(article) == 1


@pytest.mark.django_db(transaction=True)
def test_reschedule_supersedes_the_old_task(section):
    article = ArticlePageFactory(parent=section, title="First draft", live=False)
    first = schedule(article, timezone.now() + datetime.timedelta(minutes=5))
    old_time = first.approved_go_live_at.isoformat()
    second = schedule(ArticlePage.objects.get(pk=article.pk), timezone.now() + datetime.timedelta(hours=2), "Moved")
    # The old task finds its revision no longer scheduled at that time.
    assert scheduled_publishing.publish_revision_at(first.pk, old_time) == "superseded"
    assert not ArticlePage.objects.get(pk=article.pk).live
    assert Revision.objects.get(pk=second.pk).approved_go_live_at is not None


@pytest.mark.django_db(transaction=True)
def test_unscheduled_revision_is_not_published(section):
    article = ArticlePageFactory(parent=section, live=False)
    revision = schedule(article, timezone.now() + datetime.timedelta(minutes=5))
    when = revision.approved_go_live_at.isoformat()
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    assert scheduled_publishing.publish_revision_at(revision.pk, when) == "superseded"
    assert not ArticlePage.objects.get(pk=article.pk).live


@pytest.mark.django_db(transaction=True)
def test_expiry_task_unpublishes_once(section):
    article = ArticlePageFactory(parent=section)
    article.save_revision().publish()
    past = timezone.now() - datetime.timedelta(seconds=1)
    ArticlePage.objects.filter(pk=article.pk).update(expire_at=past)
    assert scheduled_publishing.expire_page_at(article.pk, past.isoformat()) == "expired"
    assert scheduled_publishing.expire_page_at(article.pk, past.isoformat()) == "superseded"
    article.refresh_from_db()
    assert not article.live and article.expired


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.django_db(transaction=True)
def test_sweep_logs_overdue_items_at_error(section):
    article = ArticlePageFactory(parent=section, title="Very late story", live=False)
    revision = schedule(article, timezone.now() + datetime.timedelta(hours=1))
    make_overdue(revision, seconds=600)
    handler = ListHandler()
    logging.getLogger("publishing.schedule").addHandler(handler)
    try:
        result = scheduled_publishing.run_publish_sweep()
    finally:
        logging.getLogger("publishing.schedule").removeHandler(handler)
    assert result.published == 1
    messages = [record.getMessage() for record in handler.records]
    assert any("overdue" in message and "Very late story" in message for message in messages), messages


@pytest.mark.django_db(transaction=True)
def test_sweep_publishes_overdue_oldest_first(section):
    revisions = []
    for n, minutes in enumerate([3, 9, 6]):
        article = ArticlePageFactory(parent=section, title=f"Backlog {n}", live=False)
        revision = schedule(article, timezone.now() + datetime.timedelta(hours=1))
        make_overdue(revision, seconds=minutes * 60)
        revisions.append(article)
    scheduled_publishing.run_publish_sweep()
    order = list(
        PageLogEntry.objects.filter(action="wagtail.publish.scheduled")
        .order_by("timestamp", "pk")
        .values_list("label", flat=True)
    )
    assert order == ["Backlog 1", "Backlog 2", "Backlog 0"]


@pytest.mark.django_db(transaction=True)
def test_arming_queues_each_time_once(section, settings, monkeypatch):
    """Arming talks to the broker once per (revision, time), and only inside the window."""
    sent = []
    from newsroom.celery import app

    # The broker is a third party from this unit's point of view; the worker
    # tests below send real tasks.
    monkeypatch.setattr(app, "send_task", lambda name, **kwargs: sent.append((name, kwargs)))
    settings.NEWSROOM_SCHEDULE_TASKS = True
    cache.clear()
    article = ArticlePageFactory(parent=section, live=False)
    soon = schedule(article, timezone.now() + datetime.timedelta(minutes=3))
    far = ArticlePageFactory(parent=section, live=False)
    schedule(far, timezone.now() + datetime.timedelta(hours=3))
    assert [name for name, _ in sent] == ["publishing.tasks.publish_revision_at"]
    assert sent[0][1]["eta"] == soon.approved_go_live_at
    scheduled_publishing.arm_upcoming()
    assert len(sent) == 1  # already armed; the far one is outside the window


@pytest.mark.django_db(transaction=True)
def test_broker_down_never_blocks_an_editor(section, settings, monkeypatch):
    from kombu.exceptions import OperationalError

    from newsroom.celery import app

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # Pointing the shared app at a dead broker would poison its connection
    # pool for later tests, so the refusal is simulated at the send.
    monkeypatch.setattr(app, "send_task", broker_down)
    settings.NEWSROOM_SCHEDULE_TASKS = True
    cache.clear()
    article = ArticlePageFactory(parent=section, live=False)
    revision = schedule(article, timezone.now() + datetime.timedelta(minutes=2))
    assert revision.approved_go_live_at is not None
    # Nothing is marked as armed, so the next sweep tries again.
    assert scheduled_publishing.arm_upcoming() == 0
    monkeypatch.setattr(app, "send_task", lambda *args, **kwargs: None)
    assert scheduled_publishing.arm_upcoming() == 1


@pytest.mark.django_db(transaction=True)
def test_workflow_approval_with_a_go_live_time_schedules(client, section):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    from home.permissions import setup_newsroom
    from news.factories import AuthorFactory

    setup_newsroom()
    from django.contrib.auth.models import Group

    User = get_user_model()
    reporter = User.objects.create_user("reporter", "r@example.com", "a-long-password-1")
    reporter.groups.add(Group.objects.get(name="Reporters"))
    editor = User.objects.create_user("editor", "e@example.com", "a-long-password-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    author = AuthorFactory()
    go_live = timezone.localtime() + datetime.timedelta(days=1)

    client.force_login(reporter)
    data = nested_form_data(
        {
            "title": "Embargoed until tomorrow",
            "slug": "embargoed-until-tomorrow",
            "standfirst": "Results are embargoed.",
            "kind": "news",
            "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
            "article_authors": inline_formset([{"author": author.pk}]),
            "corrections": inline_formset([]),
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
            "action-submit": "Submit",
        }
    )
    response = client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", data)
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="embargoed-until-tomorrow")
    state = article.current_workflow_state
    assert state is not None and state.workflow.name == "Desk review"
    assert state.current_task_state is not None, state.status

    client.force_login(editor)
    task_state = state.current_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{article.pk}/approve/{task_state.pk}/", {"comment": "Approved for tomorrow"}
    )
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert not article.live
    scheduled = Revision.page_revisions.filter(object_id=str(article.pk), approved_go_live_at__isnull=False)
    assert scheduled.count() == 1
    assert abs(scheduled.get().approved_go_live_at - go_live.replace(second=0, microsecond=0)) < datetime.timedelta(
        minutes=1
    )


def test_approving_a_story_with_a_go_live_time_says_when_it_goes_live(client, section, settings):
    """Not "Page '…' has been updated", which reads as live: the time and the newsroom's zone."""
    from django.contrib.auth.models import Group
    from django.contrib.messages import get_messages
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    from home.permissions import setup_newsroom
    from news.factories import AuthorFactory

    settings.TIME_ZONE = "Africa/Lagos"
    setup_newsroom()
    User = get_user_model()
    reporter = User.objects.create_user("reporter", "r@example.com", "a-long-password-1")
    reporter.groups.add(Group.objects.get(name="Reporters"))
    editor = User.objects.create_user("editor", "e@example.com", "a-long-password-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    author = AuthorFactory()
    go_live = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=6, minute=15, second=0, microsecond=0)

    def form(**extra):
        return nested_form_data(
            {
                "title": "Embargoed results",
                "slug": "embargoed-results",
                "standfirst": "Results are embargoed.",
                "kind": "news",
                "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
                "article_authors": inline_formset([{"author": author.pk}]),
                "corrections": inline_formset([]),
                "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
                **extra,
            }
        )

    client.force_login(reporter)
    client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", form(**{"action-submit": "Submit"}))
    article = ArticlePage.objects.get(slug="embargoed-results")
    links = [{"id": link.pk, "author": link.author_id} for link in article.article_authors.all()]

    list(get_messages(client.get("/admin/").wsgi_request))  # the reporter's messages, read and gone
    client.force_login(editor)
    # The editor's "Approve" in the page editor's action menu.
    data = form(
        **{"action-workflow-action": "true", "workflow-action-name": "approve", "workflow-action-extra-data": "{}"}
    )
    data.update(nested_form_data({"article_authors": inline_formset(links, initial=len(links))}))
    response = client.post(f"/admin/pages/{article.pk}/edit/", data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.live
    said = [str(message) for message in get_messages(response.wsgi_request)]
    expected = f"is approved and scheduled for 06:15 (Africa/Lagos) on {go_live:%a %-d %b %Y}"
    assert any(expected in line for line in said), said
    assert not any("has been updated" in line for line in said), said


@pytest.mark.celery_worker
@pytest.mark.redis
def test_worker_publishes_at_the_scheduled_second(celery_worker_factory, section, settings):
    worker = celery_worker_factory(broker="redis")
    settings.NEWSROOM_SCHEDULE_TASKS = True
    settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    cache.clear()
    article = ArticlePageFactory(parent=section, title="On the dot", live=False)
    revision = schedule(article, timezone.now() + datetime.timedelta(seconds=3))

    assert wait_until(lambda: ArticlePage.objects.get(pk=article.pk).live, timeout=20, interval=0.1), worker.log()
    article = ArticlePage.objects.get(pk=article.pk)
    lateness = (article.last_published_at - revision.approved_go_live_at).total_seconds()
    assert 0 <= lateness < 2, lateness
    assert scheduled_logs(article) == 1


@pytest.mark.celery_worker
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_under_its_name_before_the_move_still_publishes(celery_worker_factory, section):
    """The previous release queued exact-time tasks as home.tasks.*; an upgraded worker still runs them."""
    worker = celery_worker_factory(broker="redis")
    article = ArticlePageFactory(parent=section, title="Queued before the upgrade", live=False)
    revision = schedule(article, timezone.now() + datetime.timedelta(seconds=1))
    time.sleep(1.2)
    outcome = worker.send("home.tasks.publish_revision_at", revision.pk, revision.approved_go_live_at.isoformat())
    assert outcome.get(timeout=30) == "published", worker.log()
    assert ArticlePage.objects.get(pk=article.pk).live


@pytest.mark.celery_worker
@pytest.mark.redis
def test_outage_catch_up_with_a_real_worker_and_beat(celery_worker_factory, celery_beat_factory, section):
    # Scheduled while no worker runs; the time passes during the "outage".
    articles = []
    for n in range(3):
        article = ArticlePageFactory(parent=section, title=f"Missed during outage {n}", live=False)
        make_overdue(schedule(article, timezone.now() + datetime.timedelta(hours=1)), seconds=120 + n)
        articles.append(article)

    worker = celery_worker_factory(broker="redis")
    beat, beat_log = celery_beat_factory(queue=worker.queue, interval=2)
    # Live and logged: Wagtail writes the log entry just after the page row.
    published = wait_until(
        lambda: (
            ArticlePage.objects.filter(pk__in=[a.pk for a in articles], live=True).count() == 3
            and all(scheduled_logs(article) >= 1 for article in articles)
        ),
        timeout=45,
        interval=0.1,
    )
    assert published, worker.log() + beat_log.read_text()
    time.sleep(5)  # more sweeps run meanwhile; none may publish again
    assert [scheduled_logs(article) for article in articles] == [1, 1, 1]


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk-editor", "desk@example.com", "a-long-password-1")
    client.force_login(user)
    return client


@pytest.fixture
def monitor(client, settings):
    """Monitoring's view of /health/: with the token, every check."""
    settings.NEWSROOM_HEALTH_TOKEN = "monitoring-token"
    return lambda: client.get("/health/", HTTP_X_HEALTH_TOKEN="monitoring-token")


@pytest.mark.django_db
def test_health_is_ok_with_nothing_overdue(monitor):
    response = monitor()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "redis", "broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["scheduled_publishing"]["oldest_overdue"] is None
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_a_story_is_overdue(monitor, section):
    article = ArticlePageFactory(parent=section, title="Stuck story", live=False)
    make_overdue(schedule(article, timezone.now() + datetime.timedelta(hours=1)), seconds=300)
    response = monitor()
    assert response.status_code == 503
    oldest = response.json()["scheduled_publishing"]["oldest_overdue"]
    assert oldest["title"] == "Stuck story" and oldest["overdue_seconds"] >= 300


@pytest.mark.django_db
def test_health_is_503_when_the_search_server_is_down(monitor, settings):
    from newsroom.settings.base import search_backends_from_env

    # Nothing listens on port 1: a real refused connection, not a mock.
    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": "http://127.0.0.1:1", "SEARCH_ENGINE": "opensearch"}
    )
    response = monitor()
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_calendar_lists_upcoming_publications_and_expiries_in_local_time(editor_client, section):
    upcoming = ArticlePageFactory(parent=section, title="Tomorrow's scoop", live=False)
    revision = schedule(upcoming, timezone.now() + datetime.timedelta(days=1))
    expiring = ArticlePageFactory(parent=section, title="Offer ends soon")
    expiring.expire_at = timezone.now() + datetime.timedelta(hours=5)
    expiring.save_revision().publish()

    response = editor_client.get("/admin/calendar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tomorrow&#x27;s scoop" in html or "Tomorrow's scoop" in html
    assert "Offer ends soon" in html
    assert "Africa/Lagos" in html
    assert "Politics" in html  # the section
    local = timezone.localtime(revision.approved_go_live_at)
    assert local.strftime("%H:%M:%S") in html
    assert f"/admin/pages/{upcoming.pk}/edit/" in html
    assert html.index("Offer ends soon") < html.index("Tomorrow")  # soonest first


@pytest.mark.django_db(transaction=True)
def test_dashboard_shows_overdue_publications(editor_client, section):
    article = ArticlePageFactory(parent=section, title="Late embargo", live=False)
    make_overdue(schedule(article, timezone.now() + datetime.timedelta(hours=1)), seconds=400)
    html = editor_client.get("/admin/").content.decode()
    assert "Scheduled publishing is late" in html
    assert "Late embargo" in html


@pytest.mark.django_db
def test_dashboard_has_no_alarm_when_all_is_on_time(editor_client):
    assert "Scheduled publishing is late" not in editor_client.get("/admin/").content.decode()


def _edit_form(article, **fields):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "kind": "news",
        "article_authors": inline_formset(
            [{"author": link.author_id, "id": link.pk} for link in article.article_authors.all()], initial=1
        ),
        "corrections": inline_formset([]),
        "body": streamfield([("paragraph", rich_text("<p>Body.</p>"))]),
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.mark.django_db(transaction=True)
def test_go_live_in_the_past_publishes_now_and_says_so(editor_client, section):
    article = ArticlePageFactory(parent=section, title="Back-dated", live=False)
    past = timezone.localtime() - datetime.timedelta(hours=2)
    response = editor_client.post(
        f"/admin/pages/{article.pk}/edit/", _edit_form(article, go_live_at=past.strftime("%Y-%m-%d %H:%M")), follow=True
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.live
    assert "was already past" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_expiry_before_go_live_is_a_form_error(editor_client, section):
    article = ArticlePageFactory(parent=section, title="Confused dates", live=False)
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    expire = timezone.localtime() + datetime.timedelta(days=1)
    response = editor_client.post(
        f"/admin/pages/{article.pk}/edit/",
        _edit_form(article, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"), expire_at=expire.strftime("%Y-%m-%d %H:%M")),
    )
    assert response.status_code == 200
    assert "Go live date/time must be before expiry date/time" in response.content.decode()
    article.refresh_from_db()
    assert not article.live
    assert not Revision.page_revisions.filter(object_id=str(article.pk), approved_go_live_at__isnull=False).exists()


@pytest.mark.django_db
def test_editor_sees_the_time_zone_where_times_are_set(editor_client, section):
    html = editor_client.get(f"/admin/pages/add/news/articlepage/{section.pk}/").content.decode()
    assert "Time zone: Africa/Lagos" in html
    # Each field says what its own time does: a past expiry does not "publish immediately".
    assert html.count("A time already past publishes immediately.") == 1
    assert "The story is unpublished at this time; leave it empty to keep the story up." in html

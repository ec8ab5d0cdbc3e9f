"""/health/ by audience: the public gets the verdict only; admin users and monitoring with the token get the checks."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from news.factories import ArticlePageFactory, SectionPageFactory
from tests.helpers import make_overdue

TOKEN = "a-long-monitoring-token-0123456789"
HEADLINE = "Minister resigns (embargoed)"


@pytest.fixture
def unhealthy(home_page, settings):
    """An unpublished story five minutes overdue, and a search server that refuses connections."""
    from newsroom.settings.base import search_backends_from_env

    section = SectionPageFactory(parent=home_page, title="Politics")
    article = ArticlePageFactory(parent=section, title=HEADLINE, live=False)
    article.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = article.save_revision()
    revision.publish()
    revision.refresh_from_db()
    make_overdue(revision, seconds=300)
    # Nothing listens on port 1: a real refused connection.
    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": "http://127.0.0.1:1", "SEARCH_ENGINE": "opensearch"}
    )
    settings.NEWSROOM_HEALTH_TOKEN = TOKEN


def assert_details(response):
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["scheduled_publishing"]["oldest_overdue"]["title"] == HEADLINE
    assert body["checks"]["search"]["ok"] is False and "did not answer" in body["checks"]["search"]["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_public_gets_the_status_and_code_only(client, unhealthy):
    for headers in ({}, {"HTTP_X_HEALTH_TOKEN": "wrong"}, {"HTTP_X_HEALTH_TOKEN": ""}):
        response = client.get("/health/", **headers)
        assert response.status_code == 503
        assert response.json() == {"status": "unhealthy"}
        assert HEADLINE.encode() not in response.content and b"did not answer" not in response.content
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_public_sees_ok_with_200(client, settings):
    settings.NEWSROOM_HEALTH_TOKEN = TOKEN
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_monitoring_with_the_token_gets_the_details(client, unhealthy):
    assert_details(client.get("/health/", HTTP_X_HEALTH_TOKEN=TOKEN))


@pytest.mark.django_db(transaction=True)
def test_no_token_configured_means_no_token_is_accepted(client, unhealthy, settings):
    settings.NEWSROOM_HEALTH_TOKEN = ""
    assert client.get("/health/", HTTP_X_HEALTH_TOKEN="").json() == {"status": "unhealthy"}


@pytest.mark.django_db(transaction=True)
def test_admin_users_get_the_details_and_other_signed_in_users_do_not(client, unhealthy, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.get("/health/").json() == {"status": "unhealthy"}
    reader.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert_details(client.get("/health/"))

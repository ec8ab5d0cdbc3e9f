"""Gzip where gunicorn serves readers itself: public responses only (BREACH; core/compression.py)."""

import gzip

import pytest
from django.contrib.auth import get_user_model

from news.factories import ArticlePageFactory, SectionPageFactory


@pytest.fixture
def story(home_page):
    section = SectionPageFactory(parent=home_page, title="Politics")
    section.save_revision().publish()
    article = ArticlePageFactory(parent=section, title="Senate passes the budget")
    article.save_revision().publish()
    return article


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/politics/", "/feed/", "/sitemap.xml"])
def test_public_pages_are_sent_gzipped_to_browsers_that_accept_it(client, story, path):
    plain = client.get(path)
    assert "Content-Encoding" not in plain
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = gzip.decompress(response.content)
    # Small feeds gain less than full pages; random padding (Django's BREACH measure) costs a little.
    assert len(response.content) < len(body) / (3 if path in {"/", "/politics/"} else 1)
    assert b"senate-passes-the-budget" in body


@pytest.mark.django_db
def test_responses_with_csrf_tokens_or_a_session_are_not_compressed(client, story):
    login = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert b"csrfmiddlewaretoken" in login.content
    assert "Content-Encoding" not in login
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-password-1")
    client.force_login(user)
    for path in ["/admin/", story.url]:
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert "Content-Encoding" not in response, path

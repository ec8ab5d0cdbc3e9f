import datetime
import time

import pytest
from django.utils import timezone

from comments import posting
from comments.models import CommentSettings
from news.factories import ArticlePageFactory, SectionPageFactory

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def clean_limits(settings):
    """Rate-limit marks outlive a test's database on Redis; each test starts with none."""
    from django.core.cache import cache

    from core import counters

    if settings.REDIS_URL:
        client = counters.redis_client()
        for pattern in ("newsroom:rl:*", "newsroom:comment-report:*"):
            keys = list(client.scan_iter(pattern))
            if keys:
                client.delete(*keys)
    cache.clear()


@pytest.fixture
def desk(home_page, clean_limits):
    politics = SectionPageFactory(parent=home_page, title="Politics")
    sports = SectionPageFactory(parent=home_page, title="Sports")
    now = timezone.now()
    articles = {}
    for name, section in [("a", politics), ("b", politics), ("c", sports)]:
        article = ArticlePageFactory(
            parent=section, title=f"Story {name}", display_date=now - datetime.timedelta(hours=3)
        )
        article.save_revision().publish()
        article.refresh_from_db()
        articles[name] = article
    site_settings = CommentSettings.for_site(home_page.get_site())
    site_settings.banned_words = "badword\nvery rude phrase"
    site_settings.suspect_words = "crypto"
    site_settings.save()
    return {"politics": politics, "sports": sports, "settings": site_settings, **articles}


def aged_token(article, seconds=60):
    return posting.form_token(article.pk, now=time.time() - seconds)


def post(client, article, *, json=False, ua=BROWSER_UA, token=None, headers=None, **fields):
    data = {
        "name": "Ada Reader",
        "email": "ada@example.com",
        "body": "A thoughtful comment about the story.",
        "token": aged_token(article) if token is None else token,
        "website": "",
        **fields,
    }
    meta = {"HTTP_USER_AGENT": ua, "HTTP_SEC_FETCH_SITE": "same-origin", **(headers or {})}
    if json:
        meta["HTTP_ACCEPT"] = "application/json"
    return client.post(f"/api/comments/{article.pk}/", data, **meta)

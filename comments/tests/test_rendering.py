"""What readers see: inert HTML, threads, featured first, freshness under the page cache, constant queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import text
from comments.models import Comment
from comments.tests.conftest import BROWSER_UA

XSS_NAME = '<img src=x onerror=alert(1)>"Mallory'
XSS_BODY = "<script>alert('x')</script>\n\nSee javascript:alert(1) and http://example.com/\"onmouseover=alert(1)"


def approved(article, **fields):
    return Comment.objects.create(
        article=article, **{"name": "Reader", "email": "r@example.com", "body": "Hello", "status": "approved", **fields}
    )


def test_text_is_escaped_paragraphed_and_linked_as_user_content():
    html = text.render("Line one\nline two\n\nhttps://example.com/a?b=1&c=2 <b>bold</b>")
    assert html.startswith("<p>Line one<br>line two</p><p>")
    assert 'rel="nofollow ugc noopener"' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html
    assert text.link_count("a http://x.example b www.y.example c") == 2
    assert text.matches("Ọbásanjọ said", ["obasanjo"]) == "obasanjo"
    assert text.matches("bass", ["ass"]) is None


@pytest.mark.django_db
def test_xss_payloads_in_name_and_body_render_inert(client, desk):
    article = desk["a"]
    approved(article, name=XSS_NAME, body=XSS_BODY)
    html = client.get(article.url, HTTP_USER_AGENT=BROWSER_UA).content.decode()
    section = html[html.index('id="comments"') :]
    assert "<script>alert" not in section
    assert "<img src=x" not in section
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;Mallory" in section
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in section
    assert 'href="javascript' not in section
    assert "onmouseover=alert(1)" not in re.sub(r"&quot;onmouseover=alert\(1\)", "", section)
    # The email is never shown.
    assert "r@example.com" not in html


@pytest.mark.django_db
def test_threads_featured_first_only_approved_and_json_ld_count(client, desk):
    article = desk["a"]
    first = approved(article, name="First")
    picked = approved(article, name="Picked", featured=True)
    approved(article, name="Reply to first", parent=first)
    Comment.objects.create(article=article, name="Held", email="h@example.com", body="x", status="pending")
    Comment.objects.create(article=article, name="Spammer", email="s@example.com", body="x", status="spam")
    page = client.get(article.url).content.decode()
    html = page[page.index('id="comments"') :]
    assert html.index("Picked") < html.index("First") < html.index("Reply to first")
    assert "Held" not in html and "Spammer" not in html
    assert "3 comments" in html
    node = r'<script type="application/ld\+json">(\{"@context": "https://schema.org", "@type": "Article", .*?)</script>'
    json_ld = re.search(node, html)
    data = json.loads(json_ld.group(1))
    assert data["commentCount"] == 3
    # It describes the page's NewsArticle node (same @id), which JSON-LD consumers merge.
    nodes = [json.loads(raw) for raw in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]
    articles = [node for node in nodes if node.get("headline") == article.title]
    assert articles and articles[0]["@id"] == data["@id"]
    assert picked.pk


@pytest.mark.django_db(transaction=True)
def test_an_approved_comment_shows_at_once_on_a_cached_page(client, desk, settings):
    article = desk["a"]
    comment = Comment.objects.create(
        article=article, name="Waiting", email="w@example.com", body="Soon", status="pending"
    )
    first = client.get(article.url)
    if settings.NEWSROOM_PAGE_CACHE_SECONDS and settings.REDIS_URL:
        assert client.get(article.url)["X-Page-Cache"] == "hit"
    assert "Waiting" not in first.content.decode()
    comment.status = Comment.Status.APPROVED
    comment.save()
    again = client.get(article.url)
    assert "Waiting" in again.content.decode()
    comment.delete()
    assert "Waiting" not in client.get(article.url).content.decode()


def _cold_queries(client, article):
    """Queries of one uncached render of the article (its page-cache entry and comment block dropped)."""
    from django.core.cache import cache

    from comments import rendering
    from core import page_cache

    cache.delete(rendering.cache_key(article.pk))
    page_cache.purge_paths([article.url])
    with CaptureQueriesContext(connection) as cold:
        response = client.get(article.url)
    assert response.status_code == 200
    return len(cold), response.content.decode()


@pytest.mark.django_db
def test_article_queries_stay_constant_with_0_10_and_500_comments(client, desk):
    article = desk["a"]
    client.get(article.url)  # warm the fragments every article shares
    counts = {}
    total = 0
    for how_many in (0, 10, 500):
        tops = Comment.objects.bulk_create(
            Comment(article=article, name=f"R{n}", email=f"r{n}@example.com", body=f"Comment {n}", status="approved")
            for n in range(how_many - total)
        )
        replies = Comment.objects.bulk_create(
            Comment(article=article, parent=top, name="Re", email="re@example.com", body="reply", status="approved")
            for top in tops[::5]
        )
        total = how_many
        counts[how_many], html = _cold_queries(client, article)
        shown = Comment.objects.filter(article=article).count()
        assert shown == how_many + (len(replies) if how_many == 10 else shown - how_many)
        assert html.count('<article id="comment-') == shown
    assert len(set(counts.values())) == 1, counts


@pytest.mark.django_db
def test_card_counts_endpoint_counts_approved_comments_in_one_query(client, desk):
    approved(desk["a"])
    approved(desk["a"])
    approved(desk["b"], status="pending")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/comments/counts/?ids={desk['a'].pk},{desk['b'].pk}")
    # (Without Redis the cache is a database table too: only the comment queries are counted.)
    assert len([query for query in queries if "comments_comment" in query["sql"]]) == 1
    assert response.json() == {str(desk["a"].pk): 2, str(desk["b"].pk): 0}
    assert "s-maxage=60" in response["Cache-Control"]
    assert client.get("/api/comments/counts/?ids=1,x").status_code == 400
    assert client.get("/api/comments/counts/?ids=" + ",".join(map(str, range(1, 102)))).status_code == 400
    # Every card carries the hook the script fills.
    assert f'data-comment-count="{desk["a"].pk}"' in client.get(desk["politics"].url).content.decode()

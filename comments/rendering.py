"""The comments under an article: rendered into the page (readers without JavaScript and search engines see
them), kept in the default cache per article, and dropped together with the article's page-cache entry
when a comment on it is approved, edited or removed (comments/signals.py).

Query count: on a cache hit none; on a miss two (the approved comments, the policy rows), whatever the
number of comments.
"""

from django.core.cache import cache
from django.db.models import Count
from django.template.loader import render_to_string

from comments import policy, text
from comments.models import Comment

BLOCK_SECONDS = 300


def cache_key(article_id):
    return f"newsroom:comments-block:{article_id}"


def threads(comments):
    """Top-level comments (featured first, then oldest first) each with its replies (oldest first)."""
    by_parent = {}
    top = []
    for comment in comments:
        comment.html = text.render(comment.body)
        if comment.parent_id is None:
            top.append(comment)
        else:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    top.sort(key=lambda comment: (not comment.featured, comment.created_at, comment.pk))
    for comment in top:
        comment.thread_replies = by_parent.get(comment.pk, [])
    return top


def build(article, request):
    site_settings = policy.settings_for(article, request)
    comments = list(
        Comment.objects.filter(article_id=article.pk, status=Comment.Status.APPROVED)
        .only("pk", "parent_id", "name", "body", "featured", "created_at", "edited_at", "staff_author_id")
        .order_by("created_at", "pk")
    )
    top = threads(comments)
    shown = len(top) + sum(len(comment.thread_replies) for comment in top)
    state = policy.effective(article, site_settings)
    html = render_to_string("comments/comment_list.html", {"threads": top, "article_id": article.pk})
    return {"html": html, "count": shown, "closed": state.closed, "reason": state.reason}


def block(article, request):
    """{"html", "count", "closed", "reason"} for the article, from the cache when it is there."""
    key = cache_key(article.pk)
    data = cache.get(key)
    if data is None:
        data = build(article, request)
        cache.set(key, data, BLOCK_SECONDS)
    return data


def counts(article_ids):
    """{article_id: approved comments} in one query (article cards, the JSON-LD)."""
    rows = (
        Comment.objects.filter(article_id__in=article_ids, status=Comment.Status.APPROVED)
        .values("article_id")
        .annotate(n=Count("pk"))
    )
    return {row["article_id"]: row["n"] for row in rows}

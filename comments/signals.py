"""A comment approved, edited or removed: its article's comment block and page leave every cache, at commit.

Only the article's own URL is purged (core.purge → every frontend cache): the
comments appear nowhere else (counts on cards come from /api/comments/counts/).
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from comments import rendering
from comments.models import Comment, CommentPolicy
from core.purge import path_of, purge_urls, root_url_of
from news.models import ArticlePage


def refresh(article_ids):
    """Drop the comment blocks and purge the pages of these articles, now and again at commit."""
    article_ids = {article_id for article_id in article_ids if article_id}
    if not article_ids:
        return

    def run():
        cache.delete_many([rendering.cache_key(article_id) for article_id in article_ids])
        urls = set()
        for article in ArticlePage.objects.filter(pk__in=article_ids).only("pk", "url_path", "path", "depth"):
            urls.add(root_url_of(article) + path_of(article.url_path))
        purge_urls(urls)

    # Now, so the rest of this request sees it; at commit, so nothing rendered from the old rows survives.
    cache.delete_many([rendering.cache_key(article_id) for article_id in article_ids])
    transaction.on_commit(run)


def _changed(sender, instance, created=False, **kwargs):
    # A new pending comment changes nothing readers see.
    if created and instance.status != Comment.Status.APPROVED:
        return
    refresh([instance.article_id])


def _policy_changed(sender, instance, **kwargs):
    page_ids = ArticlePage.objects.descendant_of(instance.page, inclusive=True).values_list("pk", flat=True)
    refresh(list(page_ids))


def connect():
    post_save.connect(_changed, sender=Comment, dispatch_uid="comments-changed")
    post_delete.connect(_changed, sender=Comment, dispatch_uid="comments-deleted")
    post_save.connect(_policy_changed, sender=CommentPolicy, dispatch_uid="comments-policy")
    post_delete.connect(_policy_changed, sender=CommentPolicy, dispatch_uid="comments-policy-deleted")

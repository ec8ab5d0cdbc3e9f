import logging

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from news.models import ArticlePage
from search import vocabulary
from search.indexing import reindex

logger = logging.getLogger(__name__)


@receiver(post_save, sender=ArticlePage)
def record_article_words(sender, instance, **kwargs):
    """Keep "Did you mean"'s vocabulary (search/vocabulary.py) up to date as live articles are saved."""
    if not instance.live:
        return
    try:
        with transaction.atomic():
            vocabulary.record(instance)
    except DatabaseError:
        # A correction source must never fail an editor's save.
        logger.exception("Could not record the words of article %s", instance.pk)


@receiver(page_published)
def reindex_published_article(sender, instance, **kwargs):
    """Index an article again once publishing has finished.

    Wagtail indexes a page from its post_save signal, which fires before
    modelcluster writes the page's authors and tags, and before news.signals
    fills in a default display date with a queryset update. Re-indexing
    here, after both (this app comes after news in INSTALLED_APPS), keeps the
    index's bylines, tags and dates those of the published story.
    """
    if isinstance(instance, ArticlePage):
        reindex(instance)

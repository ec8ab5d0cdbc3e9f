from django.dispatch import receiver
from wagtail.signals import page_published

from news.models import ArticlePage
from search.indexing import reindex


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

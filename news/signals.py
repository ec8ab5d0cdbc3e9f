from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published, published, unpublished

from core import fragments
from core.purge import purge_urls
from news.models import ArticlePage, Author


@receiver(page_published)
def default_display_date(sender, instance, **kwargs):
    """An article's display date defaults to its first publication time."""
    if isinstance(instance, ArticlePage) and instance.display_date is None and instance.first_published_at:
        ArticlePage.objects.filter(pk=instance.pk, display_date__isnull=True).update(
            display_date=instance.first_published_at
        )
        instance.display_date = instance.first_published_at


@receiver(published, sender=Author)
@receiver(unpublished, sender=Author)
def purge_author(sender, instance, **kwargs):
    """A published (or unpublished) author: their page, feed and bylines leave every cache.

    Fragments now, so the rest of this transaction sees the change, and again
    at commit with the page purge, so nothing built from the old row survives.
    """
    urls = instance.purge_urls()
    fragments.bump()
    transaction.on_commit(lambda: (purge_urls(urls), fragments.bump()))

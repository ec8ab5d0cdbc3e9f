from django.dispatch import receiver
from wagtail.signals import page_published

from news.models import ArticlePage


@receiver(page_published)
def default_display_date(sender, instance, **kwargs):
    """An article's display date defaults to its first publication time."""
    if isinstance(instance, ArticlePage) and instance.display_date is None and instance.first_published_at:
        ArticlePage.objects.filter(pk=instance.pk, display_date__isnull=True).update(
            display_date=instance.first_published_at
        )
        instance.display_date = instance.first_published_at

"""Beat tasks of the site settings."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from site_settings.models import BreakingNews


@shared_task
def expire_breaking_news():
    """Take down each breaking-news strip whose time has come: clearing it renews the chrome and purges
    every page (site_settings/apps.py), as any save of the setting does. Safe to run any number of times."""
    taken_down = 0
    for breaking in BreakingNews.objects.exclude(text="").filter(expires_at__lte=timezone.now()):
        with transaction.atomic():
            breaking.text = ""
            breaking.link = None
            breaking.expires_at = None
            breaking.save()
        taken_down += 1
    return taken_down

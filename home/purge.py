"""Purge cached pages and fragments when what readers see changes."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from newsroom.utils import fragments, page_cache


def purge_for_page(page):
    paths = page_cache.paths_for_page(page)
    transaction.on_commit(lambda: (page_cache.purge_paths(paths), fragments.bump()))


@receiver(page_published)
def purge_on_publish(sender, instance, **kwargs):
    purge_for_page(instance)


@receiver(page_unpublished)
def purge_on_unpublish(sender, instance, **kwargs):
    purge_for_page(instance)


@receiver(post_page_move)
def purge_on_move(sender, instance, url_path_before=None, **kwargs):
    purge_for_page(instance)


@receiver(post_delete, sender=Page)
def purge_on_delete(sender, instance, **kwargs):
    # The page is gone: purge by its former path and everything shared.
    paths = {"/", "/feed/", "/sitemap.xml", "/news-sitemap.xml"}
    if instance.url_path:
        parts = instance.url_path.strip("/").split("/")[1:]
        for depth in range(len(parts) + 1):
            paths.add("/" + "/".join(parts[:depth]) + ("/" if depth else ""))
    transaction.on_commit(lambda: (page_cache.purge_paths(paths), fragments.bump()))


def _bump_fragments(sender, created=False, **kwargs):
    from home.models import SiteSettings

    if created and sender is SiteSettings:
        return  # made with its defaults on a site's first page view: nothing rendered changes
    # Now, so the rest of this transaction (and a test inside one) sees the change,
    # and again at commit, so nothing built from the old rows meanwhile survives.
    fragments.bump()
    transaction.on_commit(fragments.bump)


def connect_settings_signals():
    """Fragments follow what they are built from besides pages: the site's settings (logo, social
    links, footer), its Site records and view restrictions."""
    from django.db.models.signals import post_save
    from wagtail.models import PageViewRestriction, Site

    from home.models import FooterLink, SiteSettings

    # Sites: the per-process Site copies (newsroom.utils.sites). View restrictions:
    # listings, related stories and the "any restrictions at all" flag.
    for model in (SiteSettings, FooterLink, Site, PageViewRestriction):
        post_save.connect(_bump_fragments, sender=model, dispatch_uid=f"newsroom-fragments-{model.__name__}")
        post_delete.connect(_bump_fragments, sender=model, dispatch_uid=f"newsroom-fragments-del-{model.__name__}")


def _purge_restricted(sender, instance, **kwargs):
    """A view restriction added or removed: the page and everything under it leave the page cache.

    At once and again at commit, like the fragments: a page just put behind a
    password must not be served from the cache to anyone.
    """
    try:
        page = instance.page
    except Page.DoesNotExist:
        return
    paths = set(page_cache.paths_for_page(page))
    for url_path in Page.objects.descendant_of(page).values_list("url_path", flat=True):
        parts = url_path.strip("/").split("/")[1:]
        paths.add("/" + "/".join(parts) + ("/" if parts else ""))
    page_cache.purge_paths(paths)
    transaction.on_commit(lambda: page_cache.purge_paths(paths))


def connect_restriction_signals():
    from django.db.models.signals import post_save
    from wagtail.models import PageViewRestriction

    post_save.connect(_purge_restricted, sender=PageViewRestriction, dispatch_uid="newsroom-purge-restriction")
    post_delete.connect(_purge_restricted, sender=PageViewRestriction, dispatch_uid="newsroom-purge-restriction-del")

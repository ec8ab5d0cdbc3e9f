"""What a change purges: every URL that shows it, from every frontend cache, and the fragments.

The Wagtail way (`wagtail.contrib.frontend_cache`): collect the URLs a change
affects in one set and hand it to every backend configured in
`WAGTAILFRONTENDCACHE` (our Redis page cache always, `core.page_cache.PageCacheBackend`;
Varnish, Cloudflare, CloudFront when configured) through `core.edge.purge`, which
retries a failed edge from a Celery task. Each page type says which URLs show it
(`PurgeablePageMixin.purge_urls`: its own URL and its ancestors' here; feeds,
author and tag pages where a page type adds them), so this module imports no app.

Purges run at commit: a page rendered from the old rows meanwhile must not survive.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core import edge, fragments


def site_urls(root_url):
    """The site-wide URLs any publish can change (feeds, sitemaps): settings.NEWSROOM_PURGE_SITE_URLS, reversed."""
    return [root_url + reverse(name) for name in settings.NEWSROOM_PURGE_SITE_URLS]


def paths_up(url_path):
    """The public path of a page's `url_path` and of each ancestor below the root, root first.

    "/home/politics/story/" -> ["/", "/politics/", "/politics/story/"]: no query, so it
    serves pages that are already deleted.
    """
    parts = url_path.strip("/").split("/")[1:]
    return ["/" + "/".join(parts[:depth]) + ("/" if depth else "") for depth in range(len(parts) + 1)]


def path_of(url_path):
    """The public path of a page's `url_path` ("/home/politics/story/" -> "/politics/story/")."""
    return paths_up(url_path)[-1]


def root_url_of(page):
    """The page's site root URL, from Wagtail's cached site root paths (no query)."""
    parts = page.get_url_parts()
    return (parts[1] or "") if parts else ""


class PurgeablePageMixin:
    """A page that says which URLs show it; page types extend `purge_urls` with their feeds and archives."""

    def purge_urls(self):
        """Full URLs: this page, its ancestors below the root (sections, home) and the site-wide feeds and sitemaps."""
        root_url = root_url_of(self)
        return set(site_urls(root_url)) | {root_url + path for path in paths_up(self.url_path or "/")}


def page_purge_urls(page):
    specific = page.specific_deferred
    if isinstance(specific, PurgeablePageMixin):
        return specific.purge_urls()
    return PurgeablePageMixin.purge_urls(page)


def purge_urls(urls):
    """Purge `urls` from every frontend cache now (`core.edge.purge`: the same set to each; never raises)."""
    if urls:
        edge.purge(urls)


def _purge_at_commit(urls):
    # Fragments first: a page rendered between the two steps must not be built from the
    # old fragments and then stored (at the edge, for s-maxage) as fresh.
    transaction.on_commit(lambda: (fragments.bump(), purge_urls(urls)))


def _on_publish_change(sender, instance, **kwargs):
    _purge_at_commit(page_purge_urls(instance))


def _on_move(sender, instance, url_path_before=None, **kwargs):
    urls = page_purge_urls(instance)
    if url_path_before:
        # Where it stood until now: its old address and the sections it left.
        root_url = root_url_of(instance)
        urls |= {root_url + path for path in paths_up(url_path_before)}
    _purge_at_commit(urls)


def _on_delete(sender, instance, **kwargs):
    # The page is gone, its bylines and tags with it: its former path, its ancestors' and the
    # site-wide URLs, which cost no query (deleting a section deletes every story under it).
    if instance.url_path:
        _purge_at_commit(PurgeablePageMixin.purge_urls(instance))


def _renew_fragments(sender, created=False, **kwargs):
    if created and sender in _skip_created:
        return
    # Now, so the rest of this transaction (and a test inside one) sees the change,
    # and again at commit, so nothing built from the old rows meanwhile survives.
    fragments.bump()
    transaction.on_commit(fragments.bump)


_skip_created = set()


def renew_fragments_on_change(*models, skip_created=()):
    """Fragments are built from these models too: any save or delete of one renews them.

    `skip_created`: models whose creation changes nothing rendered (settings made with their defaults).
    """
    _skip_created.update(skip_created)
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_renew_fragments, sender=model, dispatch_uid=f"newsroom-fragments-{label}")
        post_delete.connect(_renew_fragments, sender=model, dispatch_uid=f"newsroom-fragments-del-{label}")


def _purge_restricted(sender, instance, **kwargs):
    """A view restriction added or removed: the page and everything under it leave the frontend caches.

    At once and again at commit, like the fragments: a page just put behind a
    password must not be served from a cache to anyone.
    """
    try:
        page = instance.page
    except Page.DoesNotExist:
        return
    root_url = root_url_of(page)
    urls = set(page_purge_urls(page))
    for url_path in Page.objects.descendant_of(page).values_list("url_path", flat=True):
        urls.add(root_url + path_of(url_path))
    purge_urls(urls)
    transaction.on_commit(lambda: purge_urls(urls))


def _purge_sites(sender, created=False, **kwargs):
    if created and sender in _skip_created:
        return
    root_urls = [site.root_url for site in Site.objects.all()]
    transaction.on_commit(lambda: edge.purge_everything(root_urls))


def purge_sites_on_change(*models, skip_created=()):
    """What every page shows is built from these models (logo, footer): a save or delete purges whole sites.

    At commit, after the fragments are renewed (`renew_fragments_on_change`, connected first).
    """
    _skip_created.update(skip_created)
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_purge_sites, sender=model, dispatch_uid=f"newsroom-purge-sites-{label}")
        post_delete.connect(_purge_sites, sender=model, dispatch_uid=f"newsroom-purge-sites-del-{label}")


def connect_signals():
    page_published.connect(_on_publish_change, dispatch_uid="newsroom-purge-publish")
    page_unpublished.connect(_on_publish_change, dispatch_uid="newsroom-purge-unpublish")
    post_page_move.connect(_on_move, dispatch_uid="newsroom-purge-move")
    post_delete.connect(_on_delete, sender=Page, dispatch_uid="newsroom-purge-delete")
    post_save.connect(_purge_restricted, sender=PageViewRestriction, dispatch_uid="newsroom-purge-restriction")
    post_delete.connect(_purge_restricted, sender=PageViewRestriction, dispatch_uid="newsroom-purge-restriction-del")
    # Sites: the per-process Site copies (core.sites). View restrictions: listings,
    # related stories and the "any restrictions at all" flag.
    renew_fragments_on_change(Site, PageViewRestriction)

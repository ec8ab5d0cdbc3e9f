"""One place that decides the Cache-Control header of every reader-facing response."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from wagtail.models import PageViewRestriction

from core import fragments


def public(response, s_maxage=None, stale_while_revalidate=None):
    """Cacheable by shared caches (CDN, the page cache); browsers revalidate.

    `stale-if-error`: how long a shared cache (Varnish, deploy/varnish/default.vcl)
    may keep serving it while the backend is down or failing.
    """
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.NEWSROOM_PAGE_S_MAXAGE if s_maxage is None else s_maxage,
        stale_while_revalidate=(
            settings.NEWSROOM_PAGE_STALE_WHILE_REVALIDATE if stale_while_revalidate is None else stale_while_revalidate
        ),
        stale_if_error=settings.NEWSROOM_PAGE_STALE_IF_ERROR,
    )
    return response


def private(response):
    """Never stored anywhere: previews, drafts, anything personal."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


class CacheHeadersPageMixin:
    """Published pages are public for anonymous readers; previews and logged-in views are private."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # The page carries the Wagtail user bar for editors.
            private(response)
        elif self.get_view_restrictions().exists():
            # Served to a reader who passed its password (or signed in): never to a shared cache.
            # (The password form itself is never-cache already: Wagtail's check_view_restrictions.)
            private(response)
        elif response.status_code == 200:
            public(response)
        patch_vary_headers(response, ["Cookie"])
        return response

    def serve_preview(self, request, *args, **kwargs):
        return private(super().serve_preview(request, *args, **kwargs))

    def get_view_restrictions(self):
        """Wagtail asks on every page view (two queries); most sites have no restriction anywhere.

        Whether any exists is a fragment, so a new or removed restriction is
        seen at once (core.purge renews the fragments when one is saved).
        """
        if not fragments.cached("any-view-restrictions", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

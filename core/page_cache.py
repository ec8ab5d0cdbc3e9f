"""Full-page cache for anonymous readers, purged precisely on publish.

A reader's GET of a public page is answered from the "pages" cache (Redis)
without touching Wagtail or the database. What is cached: 200 responses
whose Cache-Control is `public` and that set no cookie. What never is:
anything for a request carrying a session cookie (editors, with the user
bar), the admin, previews, APIs, search and health.

Purging: every cached key embeds a per-path version. `PageCacheBackend` is a
`wagtail.contrib.frontend_cache` backend: core.purge hands it the URLs a
change affects (the article, its sections, home, feeds, sitemaps, its author
and tag pages) and it bumps their paths' versions, so their next request
renders afresh. Pagination (?page=N) shares the path's version. Only the
query parameters pages use are part of a key (`cache_query`); a request
with any other is rendered and never stored.
"""

import hashlib
import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from core import circuit

logger = logging.getLogger(__name__)

EXCLUDED_PREFIXES = (
    "/admin/",
    "/api/",
    "/documents/",
    "/search/",
    "/health/",
    "/ads/",
    "/fragments/",
    "/static/",
    "/media/",
    # The benchmarks' minimal view is the ceiling pages are measured against: it pays
    # for no cache lookup, so the ceiling is as high as Django and our middleware allow.
    "/bench/",
)
STORED_HEADERS = ("Content-Type", "Cache-Control", "Content-Language", "Vary", "X-Robots-Tag", "Link")
VERSION_TTL = 60 * 60 * 24 * 30
# In every key: renewed when Redis comes back after an outage, which may have lost purges.
EPOCH_KEY = "pages:epoch"


def enabled():
    return bool(settings.NEWSROOM_PAGE_CACHE_SECONDS) and "pages" in settings.CACHES


def _cache():
    return caches["pages"]


def _digest(value):
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()


# Keys are by path only: Newsroom serves one site per deployment. Several
# Wagtail sites on one deployment would need the host in the key.


def _version_key(path):
    return f"pv:{_digest(path)}"


def _page_key(path, query, version):
    return f"page:{_digest(path)}:{version}:{_digest(query)}"


def purge_paths(paths):
    """Invalidate every cached variant (any query string) of each path."""
    if "pages" not in settings.CACHES or not paths:
        return
    cache = _cache()
    for path in set(paths):
        key = _version_key(path)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, VERSION_TTL)
    shown = sorted(set(paths))
    more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
    logger.info("page cache purged: %s%s", ", ".join(shown[:20]), more)


def renew_epoch():
    """Every cached page is stale at once (purges made while Redis was unreachable never reached it)."""
    if "pages" not in settings.CACHES:
        return
    cache = _cache()
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:
        cache.set(EPOCH_KEY, time.time_ns(), None)


circuit.on_recovery(renew_epoch)


def _ignored(name):
    return any(
        name == ignored or (ignored.endswith("*") and name.startswith(ignored[:-1]))
        for ignored in settings.NEWSROOM_PAGE_CACHE_IGNORED_PARAMS
    )


def cache_query(request):
    """The part of the query string a cached copy is keyed on, or None when the page cache must not store it.

    Only the parameters pages read (NEWSROOM_PAGE_CACHE_QUERY_PARAMS, each
    with the pattern of a value it accepts, once) are kept; trackers that
    do not change the page (utm_*, fbclid, ...) are dropped, so a story
    shared on social media is one cached copy. Any other parameter, a
    repeated one or a value out of pattern is rendered but not stored: a
    crawler inventing queries cannot fill the cache.
    """
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return ""
    kept = []
    for name, values in request.GET.lists():
        if _ignored(name):
            continue
        pattern = settings.NEWSROOM_PAGE_CACHE_QUERY_PARAMS.get(name)
        if pattern is None or len(values) != 1 or not re.fullmatch(pattern, values[0]):
            return None
        kept.append(f"{name}={values[0]}")
    return "&".join(sorted(kept))


def bypass_requested(request):
    token = settings.NEWSROOM_PAGE_CACHE_BYPASS_TOKEN
    return bool(token) and request.headers.get("X-Newsroom-Bypass-Cache") == token


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        query = cache_query(request)
        if query is None:
            return self.get_response(request)  # a query the pages do not use: never stored
        cache = _cache()
        path = request.path
        version_key = _version_key(path)
        found = cache.get_many([version_key, EPOCH_KEY])
        key = _page_key(path, query, f"{found.get(EPOCH_KEY, 0)}.{found.get(version_key, 0)}")
        if not bypass_requested(request):
            stored = cache.get(key)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = [(name, response[name]) for name in STORED_HEADERS if name in response]
            cache.set(key, (response.status_code, headers, response.content), settings.NEWSROOM_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request):
        if not enabled() or request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return False
        return not request.path.startswith(EXCLUDED_PREFIXES)

    @staticmethod
    def _cacheable_response(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        return "public" in cache_control and "private" not in cache_control and "no-store" not in cache_control


class PageCacheBackend(BaseBackend):
    """The page cache as a `wagtail.contrib.frontend_cache` backend: purging a URL renews its path's version.

    Keys are by path only (one site per deployment), so the host is ignored.
    """

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        purge_paths({urlsplit(url).path or "/" for url in urls})

    def purge_all(self, root_url):
        """Every cached page (one site per deployment): a new epoch."""
        renew_epoch()

"""Purges that reach every frontend cache, and come back later when one is down.

`core.purge` collects the URLs a change affects and hands them here, once, at
commit. Each backend in `WAGTAILFRONTENDCACHE` gets the same URL set: our Redis
page cache (always), Varnish (`VarnishBackend`, one per `FRONTEND_CACHE_VARNISH_URLS`
entry), Cloudflare and CloudFront through Wagtail's own backends when configured.

An editor's request never waits on, or fails because of, an edge: a backend in
`NEWSROOM_FRONTEND_CACHE_QUEUED` (the remote APIs) is purged only by the Celery
task `core.tasks.retry_purge`; any other that raises (Varnish down) is handed to
the same task, which retries with exponential backoff. A purge is idempotent, so
a retry that repeats a purge that did land costs one request.
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.encoding import iri_to_uri
from wagtail.contrib.frontend_cache.backends.cloudfront import CloudfrontBackend as WagtailCloudfrontBackend
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest
from wagtail.contrib.frontend_cache.utils import get_backends

logger = logging.getLogger(__name__)


class PurgeFailed(Exception):
    """A frontend cache did not confirm a purge; the URLs it missed are in `urls`."""

    def __init__(self, backend, urls, reason):
        super().__init__(f"{backend}: {len(urls)} URL(s) not purged ({reason})")
        self.urls = urls


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP PURGE backend, but a failure raises instead of being logged and forgotten.

    deploy/varnish/default.vcl answers PURGE <path> by banning every cached
    variant of that path on that host (any query string). The first URL that
    fails stops the batch: the rest would time out the same way.
    """

    def __init__(self, params):
        self.timeout = float(params.pop("TIMEOUT", 2))
        super().__init__(params)

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        urls = list(urls)
        for index, url in enumerate(urls):
            parts = urlsplit(url)
            host = parts.hostname + (f":{parts.port}" if parts.port else "")
            request = PurgeRequest(
                url=iri_to_uri(urlunsplit([self.cache_scheme, self.cache_netloc, parts.path or "/", parts.query, ""])),
                headers={"Host": host, "User-Agent": "Newsroom-purge"},
            )
            try:
                with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - LOCATION is from settings
                    response.read()
            except (HTTPError, URLError, OSError) as error:
                raise PurgeFailed(self.cache_netloc, urls[index:], error) from error

    def purge_all(self, root_url):
        """Every page of the site at `root_url` (a BAN of the path family "^/"): its chrome changed."""
        parts = urlsplit(root_url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        request = Request(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, "/", "", ""]),
            headers={"Host": host, "User-Agent": "Newsroom-purge", "X-Ban-Path-Regex": "^/"},
            method="BAN",
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - LOCATION is from settings
                response.read()
        except (HTTPError, URLError, OSError) as error:
            raise PurgeFailed(self.cache_netloc, [root_url], error) from error


def _for_backend(backend, urls):
    """The URLs this backend may invalidate (its HOSTNAMES), as Wagtail's own task decides."""
    return sorted(url for url in urls if backend.invalidates_hostname(urlsplit(url).netloc))


def purge(urls):
    """Hand `urls` to every configured frontend cache; never raises."""
    urls = sorted(set(urls))
    if not urls:
        return
    for name, backend in get_backends().items():
        targets = _for_backend(backend, urls)
        if not targets:
            continue
        if name in settings.NEWSROOM_FRONTEND_CACHE_QUEUED:
            queue_retry(name, targets, countdown=0)
            continue
        try:
            backend.purge_batch(targets)
        except Exception as error:  # noqa: BLE001 - whatever an edge raises, the editor's request goes on
            missed = getattr(error, "urls", targets)
            logger.warning("purge of %d URL(s) from %s failed, retrying later: %s", len(missed), name, error)
            queue_retry(name, missed)


def purge_everything(root_urls):
    """Every page of these sites, from every frontend cache: what all pages show (settings, footer) changed.

    The page cache renews its epoch; Varnish bans the whole host; CloudFront
    invalidates "/*". Cloudflare's backend purges by URL only, so there the pages
    age out within s-maxage (5 minutes).
    """
    root_urls = sorted(set(root_urls))
    for name, backend in get_backends().items():
        if not hasattr(backend, "purge_all"):
            logger.info("%s cannot purge a whole site; its pages age out within s-maxage", name)
            continue
        if name in settings.NEWSROOM_FRONTEND_CACHE_QUEUED:
            queue_retry(name, root_urls, countdown=0, everything=True)
            continue
        for root_url in root_urls:
            try:
                backend.purge_all(root_url)
            except Exception as error:  # noqa: BLE001 - as in purge()
                logger.warning("site purge of %s from %s failed, retrying later: %s", root_url, name, error)
                queue_retry(name, [root_url], everything=True)


def queue_retry(name, urls, countdown=None, everything=False):
    """Send `core.tasks.retry_purge`; if even the broker is down, say so in the log and go on."""
    from core.tasks import retry_purge

    try:
        retry_purge.apply_async(
            (name, list(urls)),
            {"everything": everything} if everything else {},
            countdown=settings.NEWSROOM_PURGE_RETRY_SECONDS if countdown is None else countdown,
        )
    except Exception:  # noqa: BLE001 - a broker outage must not fail a publish
        logger.exception("could not queue the retry of a purge from %s: %s", name, ", ".join(urls[:20]))


def purge_now(name, urls, everything=False):
    """Purge `urls` from the backend called `name`, raising `PurgeFailed` (or the backend's error) on failure.

    `everything`: `urls` are site roots, and all of each site goes.
    """
    backends = get_backends(backends=[name])
    if name not in backends:
        logger.warning("purge retry for %s dropped: no such frontend cache configured now", name)
        return 0
    backend = backends[name]
    if everything:
        for root_url in urls:
            backend.purge_all(root_url)
        return len(urls)
    targets = _for_backend(backend, urls)
    if targets:
        backend.purge_batch(targets)
    return len(targets)


class CloudfrontBackend(WagtailCloudfrontBackend):
    """Wagtail's CloudFront backend, which can also invalidate a whole distribution ("/*")."""

    def purge_all(self, root_url):
        self._create_invalidation(self.cloudfront_distribution_id, ["/*"])

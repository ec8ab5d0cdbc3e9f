"""The Site for a request, and its home page, from a per-process copy.

Wagtail looks the Site up by host name on every request, then loads its root
page and the root page's specific object: three queries before routing even
starts, for an answer that changes only when the site or its home page does.
CachedSiteMiddleware keeps, per process, the Site found for each host and
port with its home page loaded, for as long as the fragment generation stays
the same (a publish, or a change to a Site, starts a new one).
"""

from django.http.request import split_domain_port
from wagtail.models import Site

from newsroom.utils import fragments

_sites = {}


class CachedSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = cached_site_for_request(request)
        return self.get_response(request)


def cached_site_for_request(request):
    try:
        key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    except Exception:  # noqa: BLE001 - a malformed Host: let Wagtail and Django answer as they would
        return Site._find_for_request(request)
    current = fragments.generation()
    entry = _sites.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018 - load the home page once, with the Site
    if len(_sites) > 100:
        _sites.clear()
    _sites[key] = (current, site)
    return site
